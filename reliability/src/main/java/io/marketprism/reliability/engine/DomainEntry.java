package io.marketprism.reliability.engine;

import io.marketprism.reliability.limiter.LimiterSnapshot;
import java.util.Objects;

/**
 * What the engine saves under a limit domain's {@code LIMITER} key: the domain's rate limiter and the exchange it
 * belongs to, so that {@link DecisionEngine#drain} can load the domain after a restart.
 */
public record DomainEntry(String exchange, LimiterSnapshot limiter) {

    public DomainEntry {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(limiter, "limiter");
    }
}
