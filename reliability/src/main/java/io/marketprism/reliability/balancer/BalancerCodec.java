package io.marketprism.reliability.balancer;

import io.marketprism.reliability.state.StateCodec;
import io.marketprism.reliability.state.StateFormat;
import io.marketprism.reliability.state.UnreadableStateException;
import io.marketprism.reliability.state.avro.SavedBalancer;
import io.marketprism.reliability.state.avro.SavedEndpoint;
import java.util.ArrayList;
import java.util.List;

/** The saved form of a {@link BalancerSnapshot}: a {@link SavedBalancer} record with one entry per endpoint. */
public final class BalancerCodec implements StateCodec<BalancerSnapshot> {

    /** The one instance; stateless. */
    public static final BalancerCodec INSTANCE = new BalancerCodec();

    private static final StateFormat<SavedBalancer> FORMAT =
            new StateFormat<>(SavedBalancer.getClassSchema(), SavedBalancer::new, List.of());

    private BalancerCodec() {
    }

    @Override
    public byte[] encode(BalancerSnapshot state) {
        List<SavedEndpoint> endpoints = new ArrayList<>(state.endpoints().size());
        for (EndpointState e : state.endpoints()) {
            List<Long> bits = new ArrayList<>(e.outcomeBits.length);
            for (long word : e.outcomeBits) {
                bits.add(word);
            }
            endpoints.add(new SavedEndpoint(e.id, e.inFlight, e.hasLatency ? e.latencyEwma : null, e.successEwma,
                    e.consecutiveFailures, e.outcomeCapacity, e.outcomeNext, e.outcomeCount, e.outcomeFailures, bits,
                    e.ejected, e.ejectedUntil == EndpointState.NEVER ? null : e.ejectedUntil, e.ejectionCount,
                    e.restoredAt == EndpointState.NEVER ? null : e.restoredAt, e.swrrCurrent));
        }
        return FORMAT.encode(new SavedBalancer(state.cursor(), state.randomState(), state.panic(), state.clock(),
                endpoints));
    }

    @Override
    public BalancerSnapshot decode(byte[] bytes) {
        SavedBalancer saved = FORMAT.decode(bytes);
        List<EndpointState> endpoints = new ArrayList<>(saved.getEndpoints().size());
        for (SavedEndpoint e : saved.getEndpoints()) {
            endpoints.add(endpointState(e));
        }
        return new BalancerSnapshot(saved.getCursor(), saved.getRandomState(), saved.getPanic(), saved.getClock(),
                List.copyOf(endpoints));
    }

    private static EndpointState endpointState(SavedEndpoint e) {
        int capacity = e.getOutcomeCapacity();
        if (capacity < 1 || capacity > EndpointState.MAX_OUTCOME_CAPACITY || e.getInFlight() < 0
                || e.getOutcomeNext() < 0 || e.getOutcomeNext() >= capacity
                || e.getOutcomeCount() < 0 || e.getOutcomeCount() > capacity
                || e.getOutcomeFailures() < 0 || e.getOutcomeFailures() > e.getOutcomeCount()
                || e.getOutcomeBits().size() != (capacity + 63) / 64) {
            throw new UnreadableStateException("saved balancer state of endpoint " + e.getId() + " is not valid: "
                    + e);
        }
        EndpointState state = new EndpointState(e.getId(), capacity);
        state.inFlight = e.getInFlight();
        state.hasLatency = e.getLatencyEwma() != null;
        state.latencyEwma = state.hasLatency ? e.getLatencyEwma() : 0;
        state.successEwma = e.getSuccessEwma();
        state.consecutiveFailures = e.getConsecutiveFailures();
        state.outcomeNext = e.getOutcomeNext();
        state.outcomeCount = e.getOutcomeCount();
        state.outcomeFailures = e.getOutcomeFailures();
        for (int i = 0; i < state.outcomeBits.length; i++) {
            state.outcomeBits[i] = e.getOutcomeBits().get(i);
        }
        state.ejected = e.getEjected();
        state.ejectedUntil = e.getEjectedUntil() == null ? EndpointState.NEVER : e.getEjectedUntil();
        state.ejectionCount = e.getEjectionCount();
        state.restoredAt = e.getRestoredAt() == null ? EndpointState.NEVER : e.getRestoredAt();
        state.swrrCurrent = e.getSwrrCurrent();
        return state;
    }
}
