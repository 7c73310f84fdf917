package io.marketprism.reliability.breaker;

/** Why an {@link EndpointBreaker} changed state. */
public enum TransitionCause {
    /** The failure rate of the closed window reached its threshold. */
    FAILURE_RATE,
    /** The slow-call rate of the closed window reached its threshold. */
    SLOW_CALL_RATE,
    /** The configured number of failures in a row was reached while closed. */
    CONSECUTIVE_FAILURES,
    /** The open wait elapsed and a permission request moved the breaker to half-open. */
    WAIT_ELAPSED,
    /** The half-open probes stayed below the thresholds. */
    PROBES_SUCCEEDED,
    /** The half-open probes reached a threshold. */
    PROBES_FAILED,
    /** An operator forced the breaker open. */
    FORCED_OPEN,
    /** An operator disabled the breaker. */
    DISABLED,
    /** An operator closed the breaker. */
    CLOSED_BY_OPERATOR,
    /** An operator reset the breaker to a fresh closed state. */
    RESET
}
