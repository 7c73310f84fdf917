package io.marketprism.reliability.breaker;

import java.util.Objects;

/**
 * A state change of the breaker of {@code endpoint} at time {@code at} (epoch millis). A reset of a closed breaker
 * is reported with {@code from == to == CLOSED}.
 */
public record BreakerTransition(String endpoint, BreakerState from, BreakerState to, TransitionCause cause, long at) {

    public BreakerTransition {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(cause, "cause");
    }
}
