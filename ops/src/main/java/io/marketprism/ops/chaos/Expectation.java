package io.marketprism.ops.chaos;

/** What a scenario's verdict must show for the scenario to pass. */
public enum Expectation {
    /** Every task in exactly one terminal record, no transaction open, histories sound. */
    EXACTLY_ONCE,
    /** The negative control: without exactly-once the verifier must find duplicates or losses. */
    VIOLATIONS
}
