package io.marketprism.reliability.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The complete state of a {@link LoadBalancer} as a value; {@link BalancerCodec} saves it.
 * Restoring it with the same config gives exactly the decisions the original would have made.
 */
public final class BalancerSnapshot {

    private final int cursor;
    private final long randomState;
    private final boolean panic;
    private final long clock;
    private final List<EndpointState> endpoints;

    BalancerSnapshot(int cursor, long randomState, boolean panic, long clock, List<EndpointState> endpoints) {
        this.cursor = cursor;
        this.randomState = randomState;
        this.panic = panic;
        this.clock = clock;
        this.endpoints = endpoints;
    }

    /**
     * This state as seen from {@code now} when the balancer's clock shows a later time (another instance's clock ran
     * ahead, or this one's stepped back): an ejection keeps the time it had left, restore times move back to at most
     * {@code now}. Unchanged when the clock is not ahead of {@code now}.
     */
    public BalancerSnapshot rebasedTo(long now) {
        if (clock <= now) {
            return this;
        }
        List<EndpointState> rebased = new ArrayList<>(endpoints.size());
        for (EndpointState endpoint : endpoints) {
            EndpointState copy = endpoint.copy(endpoint.outcomeCapacity);
            if (copy.ejectedUntil != EndpointState.NEVER) {
                copy.ejectedUntil = copy.ejectedUntil > clock ? now + (copy.ejectedUntil - clock)
                        : Math.min(copy.ejectedUntil, now);
            }
            copy.restoredAt = Math.min(copy.restoredAt, now);
            rebased.add(copy);
        }
        return new BalancerSnapshot(cursor, randomState, panic, now, List.copyOf(rebased));
    }

    /** The latest time the balancer had seen (epoch millis); {@link Long#MIN_VALUE} before its first call. */
    public long clock() {
        return clock;
    }

    /** Ids of the endpoints currently ejected. */
    public List<String> ejectedEndpoints() {
        return endpoints.stream().filter(e -> e.ejected).map(e -> e.id).toList();
    }

    /** Load and health of every endpoint, in configuration order. */
    public List<EndpointStatus> endpointStatuses() {
        return endpoints.stream().map(e -> new EndpointStatus(e.id, e.inFlight, e.hasLatency ? e.latencyEwma : Double.NaN,
                e.successEwma, e.ejected, e.ejected ? e.ejectedUntil : 0)).toList();
    }

    /**
     * One endpoint as the balancer saw it.
     *
     * @param endpoint          endpoint name
     * @param inFlight          calls dispatched and not yet answered
     * @param latencyEwmaMillis moving average of call latency; NaN before the first call
     * @param successRate       moving average of successes, 1.0 healthy to 0.0 every call failing
     * @param ejected           whether the endpoint is out of rotation
     * @param ejectedUntil      end of the ejection (epoch millis); 0 when not ejected
     */
    public record EndpointStatus(String endpoint, int inFlight, double latencyEwmaMillis, double successRate,
                                 boolean ejected, long ejectedUntil) {
    }

    int cursor() {
        return cursor;
    }

    long randomState() {
        return randomState;
    }

    boolean panic() {
        return panic;
    }

    List<EndpointState> endpoints() {
        return endpoints;
    }

    Optional<EndpointState> endpoint(String id) {
        return endpoints.stream().filter(e -> e.id.equals(id)).findFirst();
    }
}
