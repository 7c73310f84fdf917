package io.marketprism.reliability.state;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where one component's state is stored: its {@link StateKind} and the id of what it belongs to (a limit domain, an
 * exchange, an endpoint). Its one canonical form is {@link #asString()}, {@code KIND:id} (e.g.
 * {@code BREAKER:binance/api1}), which {@link #parse} reverses; stores keyed by text use it, and
 * {@link #prefix(StateKind)} lists the keys of one kind. Build keys with the factories, not by hand. Immutable.
 */
public final class StateKey {

    private final StateKind kind;
    private final String id;
    private final String text;

    private StateKey(StateKind kind, String id) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.id = Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("a " + kind + " state key needs a non-empty id");
        }
        this.text = prefix(kind) + id;
    }

    /** The key of a limit domain's rate limiter (which also records the domain's exchange). */
    public static StateKey limiter(DomainId domain) {
        return new StateKey(StateKind.LIMITER, domain.name());
    }

    /** The key of a limit domain's retry budget. */
    public static StateKey retryBudget(DomainId domain) {
        return new StateKey(StateKind.RETRY_BUDGET, domain.name());
    }

    /** The key of an exchange's load balancer. */
    public static StateKey balancer(String exchange) {
        return new StateKey(StateKind.BALANCER, exchange);
    }

    /** The key of an endpoint's circuit breaker. */
    public static StateKey breaker(EndpointId endpoint) {
        return new StateKey(StateKind.BREAKER, endpoint.toString());
    }

    /**
     * The key written {@code KIND:id}; IllegalArgumentException naming the text and the kinds when it is not one
     * (for a BREAKER, the id must be an {@link EndpointId}).
     */
    public static StateKey parse(String text) {
        int colon = text.indexOf(':');
        StateKind kind = null;
        if (colon > 0) {
            for (StateKind candidate : StateKind.values()) {
                if (candidate.name().equals(text.substring(0, colon))) {
                    kind = candidate;
                }
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("state key '" + text + "' is not KIND:id with KIND one of "
                    + Arrays.toString(StateKind.values()));
        }
        String id = text.substring(colon + 1);
        return kind == StateKind.BREAKER ? breaker(EndpointId.parse(id)) : new StateKey(kind, id);
    }

    /** The text every key of {@code kind} starts with, for a prefix scan. */
    public static String prefix(StateKind kind) {
        return kind.name() + ':';
    }

    public StateKind kind() {
        return kind;
    }

    /** The domain, exchange or endpoint id, as in {@link #asString()} after the colon. */
    public String id() {
        return id;
    }

    /** The endpoint of a BREAKER key; IllegalStateException for other kinds. */
    public EndpointId endpoint() {
        if (kind != StateKind.BREAKER) {
            throw new IllegalStateException(this + " is not a breaker key");
        }
        return EndpointId.parse(id);
    }

    /** The canonical form, {@code KIND:id}. */
    public String asString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StateKey key && key.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
