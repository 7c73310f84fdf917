package io.marketprism.reliability.balancer;

/**
 * Whether the caller (its circuit breaker) would let a call to {@code endpoint} through at {@code now}.
 * It is asked for every endpoint on every pick, so it must be a cheap query without side effects: the caller
 * acquires the real permission for the endpoint that was picked.
 */
@FunctionalInterface
public interface EndpointGate {

    /** A gate that permits every endpoint. */
    EndpointGate OPEN = (endpoint, now) -> true;

    boolean permits(String endpoint, long now);

    /**
     * The same question for the endpoint at {@code position} in the balancer's configured endpoint list, which
     * {@link LoadBalancer#pick} asks; override it when the position answers faster than the id.
     */
    default boolean permits(int position, String endpoint, long now) {
        return permits(endpoint, now);
    }

    /**
     * Whether the endpoint at {@code position} can start one more call now (a free call slot). Unlike
     * {@link #permits}, a full endpoint is busy, not unhealthy: it does not count towards panic mode.
     */
    default boolean hasFreeSlot(int position, String endpoint) {
        return true;
    }
}
