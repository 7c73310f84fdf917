package io.marketprism.reliability.balancer;

/** Why an endpoint was ejected. */
public enum EjectionReason {
    /** Too many failures in a row. */
    CONSECUTIVE_FAILURES,
    /** Success rate over the last calls below the configured minimum. */
    LOW_SUCCESS_RATE,
    /** An active probe after the ejection time failed. */
    PROBE_FAILED
}
