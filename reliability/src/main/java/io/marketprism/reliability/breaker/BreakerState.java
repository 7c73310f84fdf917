package io.marketprism.reliability.breaker;

/** State of an {@link EndpointBreaker}. */
public enum BreakerState {
    /** Calls flow; the window and the consecutive-failure count are evaluated after each result. */
    CLOSED,
    /** Calls are refused until the open wait has elapsed. */
    OPEN,
    /** A limited number of probe calls decide between closing and re-opening. */
    HALF_OPEN,
    /** Opened by an operator: refuses every call until closed or reset. */
    FORCED_OPEN,
    /** Switched off by an operator: permits every call and records nothing. */
    DISABLED
}
