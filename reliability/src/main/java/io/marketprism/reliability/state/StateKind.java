package io.marketprism.reliability.state;

/** The kinds of state the {@code DecisionEngine} persists, each under its own {@link StateKey}s. */
public enum StateKind {
    /** One per limit domain, keyed by domain: the rate limiter and the domain's exchange. */
    LIMITER,
    /** One per endpoint, keyed by its {@link EndpointId} ({@code exchange/endpoint}): its circuit breaker. */
    BREAKER,
    /** One per exchange, keyed by exchange: its load balancer. */
    BALANCER,
    /** One per limit domain, keyed by domain: its retry budget. */
    RETRY_BUDGET
}
