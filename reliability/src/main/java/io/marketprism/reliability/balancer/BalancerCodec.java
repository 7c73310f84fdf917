package io.marketprism.reliability.balancer;

import io.marketprism.reliability.state.RecordPool;
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

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private BalancerCodec() {
    }

    /**
     * The saved form of {@code balancer}'s state, written straight from it into records reused from call to call:
     * the bytes {@link #encode(BalancerSnapshot) encode(balancer.snapshot())} gives, without building the snapshot.
     */
    public byte[] encode(LoadBalancer balancer) {
        return FORMAT.encode(fill(SCRATCH.get(), balancer.cursor(), balancer.randomState(), balancer.panic(),
                balancer.clock(), balancer.endpointStates()));
    }

    @Override
    public byte[] encode(BalancerSnapshot state) {
        return FORMAT.encode(fill(new Scratch(), state.cursor(), state.randomState(), state.panic(), state.clock(),
                state.endpoints().toArray(new EndpointState[0])));
    }

    private static SavedBalancer fill(Scratch scratch, int cursor, long randomState, boolean panic, long clock,
                                      EndpointState[] endpoints) {
        List<SavedEndpoint> saved = scratch.endpoints.start();
        for (int i = 0; i < endpoints.length; i++) {
            EndpointState e = endpoints[i];
            SavedEndpoint record = scratch.endpoints.next();
            if (scratch.bits.size() <= i) {
                scratch.bits.add(new ArrayList<>());
            }
            List<Long> bits = scratch.bits.get(i);
            bits.clear();
            for (long word : e.outcomeBits) {
                bits.add(word);
            }
            record.setId(e.id);
            record.setInFlight(e.inFlight);
            record.setLatencyEwma(e.hasLatency ? e.latencyEwma : null);
            record.setSuccessEwma(e.successEwma);
            record.setConsecutiveFailures(e.consecutiveFailures);
            record.setOutcomeCapacity(e.outcomeCapacity);
            record.setOutcomeNext(e.outcomeNext);
            record.setOutcomeCount(e.outcomeCount);
            record.setOutcomeFailures(e.outcomeFailures);
            record.setOutcomeBits(bits);
            record.setEjected(e.ejected);
            record.setEjectedUntil(e.ejectedUntil == EndpointState.NEVER ? null : e.ejectedUntil);
            record.setEjectionCount(e.ejectionCount);
            record.setRestoredAt(e.restoredAt == EndpointState.NEVER ? null : e.restoredAt);
            record.setSwrrCurrent(e.swrrCurrent);
        }
        SavedBalancer record = scratch.record;
        record.setCursor(cursor);
        record.setRandomState(randomState);
        record.setPanic(panic);
        record.setClock(clock);
        record.setEndpoints(saved);
        return record;
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

    /** Records reused by one thread, or made for one encoding. */
    private static final class Scratch {
        final SavedBalancer record = new SavedBalancer();
        final RecordPool<SavedEndpoint> endpoints = new RecordPool<>(SavedEndpoint::new);
        final List<List<Long>> bits = new ArrayList<>();
    }
}
