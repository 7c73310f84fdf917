package io.marketprism.reliability.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Circuit breaker of one exchange endpoint. A Resilience4j {@link CircuitBreaker} (built with
 * {@link CircuitBreaker#of}, used through its public interface only) does the window arithmetic and the state
 * machine; this class feeds it the time given to each call (through a clock that never moves backwards), adds the
 * consecutive-failures rule, reports transitions with their cause, and keeps a mirror of what the state machine holds
 * so the breaker can be snapshotted.
 *
 * <p><b>Snapshot and restore.</b> Resilience4j cannot load a window, so {@link #restore} builds a fresh breaker
 * and replays into it through its public API ({@code onSuccess}, {@code onError}, {@code tryAcquirePermission} and
 * the {@code transitionTo*} methods), with the clock set to each recorded time, a call sequence that leaves it in
 * exactly the state the original had:
 * <ul>
 *   <li>CLOSED: the mirrored window calls in order. A full count-based window is preceded by as many fast successes
 *       as it holds; they are pushed out by the replay, and while they are in, every intermediate failure and slow
 *       rate is at most the final one, which was below the thresholds. A time-based window whose calls span more
 *       than one second is preceded by enough fast successes in the second that the last recorded second pushes
 *       out, so the replayed earlier seconds cannot trip it; the calls of that last second then see exactly the
 *       window they saw originally.</li>
 *   <li>OPEN and HALF_OPEN: as many open/half-open cycles as the breaker had opened in a row, the last one at the
 *       original transition time (so the wait, growing or not, ends at the same instant), then the probe permits
 *       handed out and the probe results recorded.</li>
 *   <li>FORCED_OPEN and DISABLED: the operator transition.</li>
 * </ul>
 * Restoring under a configuration that would not reproduce the saved state is refused.
 *
 * <p>Not thread-safe: confine each instance to one thread (a Kafka Streams task). Results arriving while the
 * breaker is open, forced open or disabled change nothing.
 */
public final class EndpointBreaker {

    private static final RuntimeException RECORDED_FAILURE = new RecordedFailure();

    private final String endpoint;
    private final BreakerConfig config;
    private final BreakerListener listener;
    /** The latest time the breaker was told (epoch millis); Resilience4j reads it through {@link BreakerClock}. */
    private long clockMillis;
    private final CircuitBreaker machine;
    private final CallLog window;
    private final CallLog halfOpenOutcomes;
    private final int windowLimit;

    private BreakerState state = BreakerState.CLOSED;
    private long lastTransitionAt;
    private int openingsInARow;
    private int consecutiveFailures;
    private int halfOpenPermitsIssued;
    /** Grows whenever the saved state changes; see {@link #changeCount()}. */
    private long changes;

    private EndpointBreaker(String endpoint, BreakerConfig config, BreakerListener listener, long startMillis) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clockMillis = startMillis;
        this.machine = CircuitBreaker.of(endpoint, config.toResilience4j(new BreakerClock()));
        boolean countBased = config.windowType() == BreakerConfig.WindowType.COUNT_BASED;
        this.windowLimit = countBased ? config.windowSize() : Integer.MAX_VALUE;
        this.window = new CallLog(countBased ? config.windowSize() : 16);
        this.halfOpenOutcomes = new CallLog(config.halfOpenEvaluationSize());
        this.lastTransitionAt = startMillis;
    }

    /** A closed breaker for {@code endpoint}, created at {@code now} (epoch millis). */
    public static EndpointBreaker create(String endpoint, BreakerConfig config, BreakerListener listener, long now) {
        return new EndpointBreaker(endpoint, config, listener, now);
    }

    /**
     * A breaker that makes exactly the decisions the breaker that produced {@code snapshot} would have made from then
     * on. Replaying emits no transitions. Throws IllegalArgumentException when {@code config} cannot reproduce it.
     */
    public static EndpointBreaker restore(BreakerSnapshot snapshot, BreakerConfig config, BreakerListener listener) {
        checkFits(snapshot, config);
        EndpointBreaker breaker = new EndpointBreaker(snapshot.endpoint(), config, listener, replayStart(snapshot, config));
        breaker.replay(snapshot);
        BreakerState replayed = breaker.machineState();
        if (replayed != snapshot.state()) {
            throw new IllegalArgumentException("snapshot of " + snapshot.endpoint() + " in state " + snapshot.state()
                    + " replays to " + replayed + " under " + config);
        }
        breaker.state = snapshot.state();
        breaker.lastTransitionAt = snapshot.lastTransitionAt();
        breaker.openingsInARow = snapshot.openingsInARow();
        breaker.consecutiveFailures = snapshot.consecutiveFailures();
        breaker.halfOpenPermitsIssued = snapshot.halfOpenPermitsIssued();
        for (RecordedCall call : snapshot.window()) {
            breaker.window.append(call.encode(), breaker.windowLimit);
        }
        for (RecordedCall call : snapshot.halfOpenOutcomes()) {
            breaker.halfOpenOutcomes.append(call.encode(), Integer.MAX_VALUE);
        }
        breaker.rewindClockTo(snapshot.clockMillis());
        return breaker;
    }

    public String endpoint() {
        return endpoint;
    }

    /** The current state. An OPEN breaker whose wait has elapsed stays OPEN until the next {@link #tryAcquire}. */
    public BreakerState state() {
        return state;
    }

    /**
     * Asks to send a call at {@code now}. Closed and disabled breakers always permit; open ones refuse until the
     * wait has elapsed (strictly after {@code openedAt + wait}), when this request moves the breaker to half-open and
     * takes the first probe permit; half-open ones permit the configured number of probes and refuse the rest.
     */
    public boolean tryAcquire(long now) {
        advanceClockTo(now);
        if (state == BreakerState.OPEN && !config.automaticTransitionToHalfOpen()) {
            return false;
        }
        boolean permitted = machine.tryAcquirePermission();
        if (state == BreakerState.OPEN && machineState() == BreakerState.HALF_OPEN) {
            enter(BreakerState.HALF_OPEN, TransitionCause.WAIT_ELAPSED);
        }
        if (permitted && state == BreakerState.HALF_OPEN) {
            halfOpenPermitsIssued++;
            changes++;
        }
        return permitted;
    }

    /**
     * The earliest time from {@code now} on at which {@link #tryAcquire} would permit a call, without asking and
     * without changing anything: {@code now} when it would permit now, the end of the open wait for an OPEN breaker,
     * {@link Long#MAX_VALUE} when only recorded probe results or an operator can change the answer.
     */
    public long permittedFrom(long now) {
        long at = Math.max(now, clockMillis);
        switch (state) {
            case CLOSED:
            case DISABLED:
                return at;
            case OPEN:
                return config.automaticTransitionToHalfOpen()
                        ? Math.max(at, lastTransitionAt + config.waitInOpenMillisAfter(openingsInARow) + 1)
                        : Long.MAX_VALUE;
            case HALF_OPEN:
                return halfOpenPermitsIssued < config.permittedCallsInHalfOpen() ? at : Long.MAX_VALUE;
            default:
                return Long.MAX_VALUE;
        }
    }

    /**
     * Whether a trial call may start now: the breaker is open with its wait elapsed (the trial's {@link #tryAcquire}
     * moves it to half-open) or half-open with permits left. False while closed or disabled, where no call is a trial.
     */
    public boolean trialDue(long now) {
        return (state == BreakerState.OPEN || state == BreakerState.HALF_OPEN) && permittedFrom(now) <= now;
    }

    /**
     * Whether the breaker is half-open and has handed out more trial permits than it has been told outcomes of: a
     * trial call is out, or was lost with the memory of whoever made it (its breaker state restored after a crash).
     */
    public boolean awaitsTrialOutcome() {
        return state == BreakerState.HALF_OPEN && halfOpenPermitsIssued > halfOpenOutcomes.size();
    }

    /** Records a successful call that took {@code latencyMillis}; slower than the threshold counts as slow. */
    public void onSuccess(long latencyMillis, long now) {
        record(latencyMillis, now, false);
    }

    /** Records a failed call that took {@code latencyMillis}. */
    public void onFailure(long latencyMillis, long now) {
        record(latencyMillis, now, true);
    }

    /** Operator action: refuse every call until {@link #close} or {@link #reset}. */
    public void forceOpen(long now) {
        if (state != BreakerState.FORCED_OPEN) {
            advanceClockTo(now);
            machine.transitionToForcedOpenState();
            enter(BreakerState.FORCED_OPEN, TransitionCause.FORCED_OPEN);
        }
    }

    /** Operator action: permit every call and record nothing until {@link #close} or {@link #reset}. */
    public void disable(long now) {
        if (state != BreakerState.DISABLED) {
            advanceClockTo(now);
            machine.transitionToDisabledState();
            enter(BreakerState.DISABLED, TransitionCause.DISABLED);
        }
    }

    /** Operator action: close with an empty window; does nothing when already closed. */
    public void close(long now) {
        if (state != BreakerState.CLOSED) {
            advanceClockTo(now);
            machine.transitionToClosedState();
            enter(BreakerState.CLOSED, TransitionCause.CLOSED_BY_OPERATOR);
        }
    }

    /** Operator action: back to a fresh closed breaker from any state, forgetting the growing wait. */
    public void reset(long now) {
        advanceClockTo(now);
        machine.reset();
        enter(BreakerState.CLOSED, TransitionCause.RESET);
    }

    /**
     * A number that grows whenever something that {@link #snapshot} saves changes (a recorded call, a probe permit,
     * a transition), and not when the clock merely moves: a caller saves the breaker when it moved since its last
     * save.
     */
    public long changeCount() {
        return changes;
    }

    long lastTransitionAt() {
        return lastTransitionAt;
    }

    long clockMillis() {
        return clockMillis;
    }

    int openingsInARow() {
        return openingsInARow;
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    int halfOpenPermitsIssued() {
        return halfOpenPermitsIssued;
    }

    CallLog window() {
        return window;
    }

    CallLog halfOpenOutcomes() {
        return halfOpenOutcomes;
    }

    /** The state to persist; see {@link #restore}. */
    public BreakerSnapshot snapshot() {
        return new BreakerSnapshot(endpoint, state, lastTransitionAt, clockMillis, openingsInARow, window.toList(),
                consecutiveFailures, halfOpenPermitsIssued, halfOpenOutcomes.toList());
    }

    private void record(long latencyMillis, long now, boolean failure) {
        if (latencyMillis < 0) {
            throw new IllegalArgumentException("latencyMillis must be >= 0, was " + latencyMillis);
        }
        advanceClockTo(now);
        if (state == BreakerState.CLOSED) {
            changes++;
            recordWhileClosed(latencyMillis, failure);
        } else if (state == BreakerState.HALF_OPEN) {
            changes++;
            recordProbe(latencyMillis, failure);
        }
    }

    private void recordWhileClosed(long latencyMillis, boolean failure) {
        long at = clockMillis;
        if (config.windowType() == BreakerConfig.WindowType.TIME_BASED) {
            window.dropUpToSecond(Math.floorDiv(at, 1000L) - config.windowSize());
        }
        window.append(RecordedCall.encode(at, failure, isSlow(latencyMillis)), windowLimit);
        consecutiveFailures = failure ? consecutiveFailures + 1 : 0;
        feed(latencyMillis, failure);
        if (machineState() == BreakerState.OPEN) {
            enter(BreakerState.OPEN, machine.getMetrics().getFailureRate() >= config.failureRateThreshold()
                    ? TransitionCause.FAILURE_RATE : TransitionCause.SLOW_CALL_RATE);
        } else if (failure && config.consecutiveFailuresThreshold() > 0
                && consecutiveFailures >= config.consecutiveFailuresThreshold()) {
            machine.transitionToOpenState();
            enter(BreakerState.OPEN, TransitionCause.CONSECUTIVE_FAILURES);
        }
    }

    private void recordProbe(long latencyMillis, boolean failure) {
        halfOpenOutcomes.append(RecordedCall.encode(clockMillis, failure, isSlow(latencyMillis)), Integer.MAX_VALUE);
        feed(latencyMillis, failure);
        BreakerState after = machineState();
        if (after != BreakerState.HALF_OPEN) {
            enter(after, after == BreakerState.CLOSED ? TransitionCause.PROBES_SUCCEEDED : TransitionCause.PROBES_FAILED);
        }
    }

    /** Moves the clock to {@code now} unless it already shows a later time: it never moves backwards. */
    private void advanceClockTo(long now) {
        if (now > clockMillis) {
            clockMillis = now;
        }
    }

    /** Sets the clock to {@code at} even if that is earlier; only for replaying a snapshot. */
    private void rewindClockTo(long at) {
        clockMillis = at;
    }

    private boolean isSlow(long latencyMillis) {
        return latencyMillis > config.slowCallDurationThresholdMillis();
    }

    private void feed(long latencyMillis, boolean failure) {
        if (failure) {
            machine.onError(latencyMillis, TimeUnit.MILLISECONDS, RECORDED_FAILURE);
        } else {
            machine.onSuccess(latencyMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void feed(RecordedCall call) {
        feed(call.slow() ? config.slowCallDurationThresholdMillis() + 1 : 0, call.failure());
    }

    private void enter(BreakerState to, TransitionCause cause) {
        BreakerState from = state;
        state = to;
        changes++;
        lastTransitionAt = clockMillis;
        window.clear();
        halfOpenOutcomes.clear();
        halfOpenPermitsIssued = 0;
        consecutiveFailures = 0;
        if (to == BreakerState.OPEN) {
            openingsInARow++;
        } else if (to != BreakerState.HALF_OPEN) {
            openingsInARow = 0;
        }
        listener.onTransition(new BreakerTransition(endpoint, from, to, cause, lastTransitionAt));
    }

    private BreakerState machineState() {
        switch (machine.getState()) {
            case CLOSED:
                return BreakerState.CLOSED;
            case OPEN:
                return BreakerState.OPEN;
            case HALF_OPEN:
                return BreakerState.HALF_OPEN;
            case FORCED_OPEN:
                return BreakerState.FORCED_OPEN;
            case DISABLED:
                return BreakerState.DISABLED;
            default:
                throw new IllegalStateException("unexpected Resilience4j state " + machine.getState());
        }
    }

    // ---- restore -------------------------------------------------------------------------------------------

    private static void checkFits(BreakerSnapshot snapshot, BreakerConfig config) {
        if (config.windowType() == BreakerConfig.WindowType.COUNT_BASED && snapshot.window().size() > config.windowSize()) {
            throw new IllegalArgumentException("snapshot window holds " + snapshot.window().size()
                    + " calls, more than windowSize " + config.windowSize());
        }
        if (snapshot.halfOpenPermitsIssued() > config.permittedCallsInHalfOpen()) {
            throw new IllegalArgumentException("snapshot handed out " + snapshot.halfOpenPermitsIssued()
                    + " probe permits, more than permittedCallsInHalfOpen " + config.permittedCallsInHalfOpen());
        }
        if (snapshot.halfOpenOutcomes().size() >= config.halfOpenEvaluationSize()) {
            throw new IllegalArgumentException("snapshot holds " + snapshot.halfOpenOutcomes().size()
                    + " probe results, enough to have decided already under " + config);
        }
    }

    /** The clock of the fresh state machine: no later than anything the replay records. */
    private static long replayStart(BreakerSnapshot snapshot, BreakerConfig config) {
        List<RecordedCall> calls = snapshot.window();
        if (calls.isEmpty()) {
            return snapshot.lastTransitionAt();
        }
        return Math.min(Math.min(snapshot.lastTransitionAt(), calls.get(0).at()),
                config.windowType() == BreakerConfig.WindowType.TIME_BASED
                        ? timeWindowPrefillAt(calls, config) : Long.MAX_VALUE);
    }

    private void replay(BreakerSnapshot snapshot) {
        switch (snapshot.state()) {
            case CLOSED:
                replayWindow(snapshot.window());
                break;
            case OPEN:
                replayOpenings(snapshot.openingsInARow(), snapshot.lastTransitionAt());
                break;
            case HALF_OPEN:
                replayOpenings(snapshot.openingsInARow(), snapshot.lastTransitionAt());
                machine.transitionToHalfOpenState();
                for (int i = 0; i < snapshot.halfOpenPermitsIssued(); i++) {
                    machine.tryAcquirePermission();
                }
                snapshot.halfOpenOutcomes().forEach(this::feed);
                break;
            case FORCED_OPEN:
                machine.transitionToForcedOpenState();
                break;
            case DISABLED:
                machine.transitionToDisabledState();
                break;
            default:
                throw new IllegalStateException("unhandled state " + snapshot.state());
        }
    }

    private void replayOpenings(int openings, long openedAt) {
        rewindClockTo(openedAt);
        for (int i = 1; i < openings; i++) {
            machine.transitionToOpenState();
            machine.transitionToHalfOpenState();
        }
        machine.transitionToOpenState();
    }

    private void replayWindow(List<RecordedCall> calls) {
        if (calls.isEmpty()) {
            return;
        }
        if (config.windowType() == BreakerConfig.WindowType.COUNT_BASED) {
            if (calls.size() == config.windowSize()) {
                prefill(calls.size(), calls.get(0).at());
            }
        } else {
            long lastSecond = Math.floorDiv(calls.get(calls.size() - 1).at(), 1000L);
            int failures = 0;
            int slow = 0;
            for (RecordedCall call : calls) {
                if (Math.floorDiv(call.at(), 1000L) < lastSecond) {
                    failures += call.failure() ? 1 : 0;
                    slow += call.slow() ? 1 : 0;
                }
            }
            if (failures + slow > 0) {
                double worst = Math.max(failures / config.failureRateThreshold(), slow / config.slowCallRateThreshold());
                prefill((int) Math.ceil(200 * worst) + 1, timeWindowPrefillAt(calls, config));
            }
        }
        for (RecordedCall call : calls) {
            rewindClockTo(call.at());
            feed(call);
        }
    }

    /** Records {@code count} fast successes at {@code at}, to dilute the rates while the window is replayed. */
    private void prefill(int count, long at) {
        rewindClockTo(at);
        for (int i = 0; i < count; i++) {
            machine.onSuccess(0, TimeUnit.MILLISECONDS);
        }
    }

    /** The last epoch second a time window loses when it reaches the second of the newest call. */
    private static long timeWindowPrefillAt(List<RecordedCall> calls, BreakerConfig config) {
        long lastSecond = Math.floorDiv(calls.get(calls.size() - 1).at(), 1000L);
        return (lastSecond - config.windowSize()) * 1000L;
    }

    /**
     * The clock handed to Resilience4j: whatever time the breaker was last told. The time lives in the breaker, so
     * asking a breaker for permission reads one object.
     */
    private final class BreakerClock extends Clock {

        @Override
        public long millis() {
            return clockMillis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(clockMillis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a breaker clock has no zone");
        }
    }

    /** The failure handed to Resilience4j; one shared instance without a stack trace. */
    private static final class RecordedFailure extends RuntimeException {
        RecordedFailure() {
            super("call failed", null, false, false);
        }
    }
}
