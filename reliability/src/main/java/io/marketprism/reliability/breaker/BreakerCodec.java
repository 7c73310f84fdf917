package io.marketprism.reliability.breaker;

import io.marketprism.reliability.state.RecordPool;
import io.marketprism.reliability.state.StateCodec;
import io.marketprism.reliability.state.StateFormat;
import io.marketprism.reliability.state.UnreadableStateException;
import io.marketprism.reliability.state.avro.SavedBreaker;
import io.marketprism.reliability.state.avro.SavedBreakerState;
import io.marketprism.reliability.state.avro.SavedCall;
import java.util.ArrayList;
import java.util.List;

/**
 * The saved form of a {@link BreakerSnapshot}: a {@link SavedBreaker} record, each call as the millis since the call
 * before it (the first since the last transition) and its two flags.
 */
public final class BreakerCodec implements StateCodec<BreakerSnapshot> {

    /** The one instance; stateless. */
    public static final BreakerCodec INSTANCE = new BreakerCodec();

    private static final StateFormat<SavedBreaker> FORMAT =
            new StateFormat<>(SavedBreaker.getClassSchema(), SavedBreaker::new, List.of());
    private static final BreakerState[] STATES = BreakerState.values();
    private static final SavedBreakerState[] SAVED_STATES = SavedBreakerState.values();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private BreakerCodec() {
    }

    /**
     * The saved form of {@code breaker}'s state, written straight from it into records reused from call to call: the
     * bytes {@link #encode(BreakerSnapshot) encode(breaker.snapshot())} gives, without building the snapshot.
     */
    public byte[] encode(EndpointBreaker breaker) {
        Scratch scratch = SCRATCH.get();
        SavedBreaker saved = scratch.record;
        long origin = breaker.lastTransitionAt();
        saved.setEndpoint(breaker.endpoint());
        saved.setState(SAVED_STATES[breaker.state().ordinal()]);
        saved.setLastTransitionAt(origin);
        saved.setClock(breaker.clockMillis());
        saved.setOpeningsInARow(breaker.openingsInARow());
        saved.setConsecutiveFailures(breaker.consecutiveFailures());
        saved.setHalfOpenPermitsIssued(breaker.halfOpenPermitsIssued());
        saved.setWindow(savedCalls(breaker.window(), origin, scratch.window));
        saved.setHalfOpenOutcomes(savedCalls(breaker.halfOpenOutcomes(), origin, scratch.halfOpenOutcomes));
        return FORMAT.encode(saved);
    }

    @Override
    public byte[] encode(BreakerSnapshot state) {
        return FORMAT.encode(new SavedBreaker(state.endpoint(), SavedBreakerState.values()[state.state().ordinal()],
                state.lastTransitionAt(), state.clockMillis(), state.openingsInARow(), state.consecutiveFailures(),
                state.halfOpenPermitsIssued(), savedCalls(state.window(), state.lastTransitionAt()),
                savedCalls(state.halfOpenOutcomes(), state.lastTransitionAt())));
    }

    @Override
    public BreakerSnapshot decode(byte[] bytes) {
        SavedBreaker saved = FORMAT.decode(bytes);
        try {
            return new BreakerSnapshot(saved.getEndpoint(), STATES[saved.getState().ordinal()],
                    saved.getLastTransitionAt(), saved.getClock(), saved.getOpeningsInARow(),
                    recordedCalls(saved.getWindow(), saved.getLastTransitionAt()), saved.getConsecutiveFailures(),
                    saved.getHalfOpenPermitsIssued(),
                    recordedCalls(saved.getHalfOpenOutcomes(), saved.getLastTransitionAt()));
        } catch (IllegalArgumentException invalid) {
            throw new UnreadableStateException("saved breaker state is not valid: " + invalid.getMessage(), invalid);
        }
    }

    private static List<SavedCall> savedCalls(List<RecordedCall> calls, long origin) {
        List<SavedCall> saved = new ArrayList<>(calls.size());
        long previous = origin;
        for (RecordedCall call : calls) {
            saved.add(new SavedCall(call.at() - previous, call.failure(), call.slow()));
            previous = call.at();
        }
        return saved;
    }

    private static List<SavedCall> savedCalls(CallLog calls, long origin, RecordPool<SavedCall> pool) {
        List<SavedCall> saved = pool.start();
        long previous = origin;
        for (int i = 0; i < calls.size(); i++) {
            long call = calls.get(i);
            long at = call >> 2;
            SavedCall item = pool.next();
            item.setSincePrevious(at - previous);
            item.setFailure((call & 1) != 0);
            item.setSlow((call & 2) != 0);
            previous = at;
        }
        return saved;
    }

    private static List<RecordedCall> recordedCalls(List<SavedCall> saved, long origin) {
        List<RecordedCall> calls = new ArrayList<>(saved.size());
        long previous = origin;
        for (SavedCall call : saved) {
            previous += call.getSincePrevious();
            calls.add(new RecordedCall(previous, call.getFailure(), call.getSlow()));
        }
        return calls;
    }

    /** One thread's reused records. */
    private static final class Scratch {
        final SavedBreaker record = new SavedBreaker();
        final RecordPool<SavedCall> window = new RecordPool<>(SavedCall::new);
        final RecordPool<SavedCall> halfOpenOutcomes = new RecordPool<>(SavedCall::new);
    }
}
