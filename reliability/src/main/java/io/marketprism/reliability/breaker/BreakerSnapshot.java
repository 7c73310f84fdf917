package io.marketprism.reliability.breaker;

import java.util.List;
import java.util.Objects;

/**
 * Everything an {@link EndpointBreaker} needs to continue exactly where it stopped; see
 * {@link EndpointBreaker#restore}. Plain immutable value; {@link BreakerCodec} saves it.
 *
 * @param endpoint              the endpoint the breaker guards
 * @param state                 its state
 * @param lastTransitionAt      when it entered {@code state} (epoch millis); for OPEN the wait counts from here
 * @param clockMillis           the latest time the breaker had seen (its clock never moves backwards)
 * @param openingsInARow        how many times it opened without closing in between (drives the growing wait)
 * @param window                CLOSED only: the calls the window still holds, oldest first
 * @param consecutiveFailures   CLOSED only: failures since the last success
 * @param halfOpenPermitsIssued HALF_OPEN only: probe permits handed out
 * @param halfOpenOutcomes      HALF_OPEN only: probe results recorded so far
 */
public record BreakerSnapshot(
        String endpoint,
        BreakerState state,
        long lastTransitionAt,
        long clockMillis,
        int openingsInARow,
        List<RecordedCall> window,
        int consecutiveFailures,
        int halfOpenPermitsIssued,
        List<RecordedCall> halfOpenOutcomes) {

    public BreakerSnapshot {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(state, "state");
        window = List.copyOf(window);
        halfOpenOutcomes = List.copyOf(halfOpenOutcomes);
        if (openingsInARow < 0 || consecutiveFailures < 0 || halfOpenPermitsIssued < 0) {
            throw new IllegalArgumentException("openingsInARow, consecutiveFailures and halfOpenPermitsIssued must be"
                    + " >= 0, were " + openingsInARow + ", " + consecutiveFailures + ", " + halfOpenPermitsIssued);
        }
        if ((state == BreakerState.OPEN || state == BreakerState.HALF_OPEN) && openingsInARow == 0) {
            throw new IllegalArgumentException("a " + state + " snapshot must have openingsInARow >= 1");
        }
        if (state != BreakerState.CLOSED && (!window.isEmpty() || consecutiveFailures != 0)) {
            throw new IllegalArgumentException("only a CLOSED snapshot holds a window or consecutive failures, was "
                    + state);
        }
        if (state != BreakerState.HALF_OPEN && (halfOpenPermitsIssued != 0 || !halfOpenOutcomes.isEmpty())) {
            throw new IllegalArgumentException("only a HALF_OPEN snapshot holds probe permits or outcomes, was " + state);
        }
        if (clockMillis < lastTransitionAt) {
            throw new IllegalArgumentException("clockMillis (" + clockMillis + ") must be >= lastTransitionAt ("
                    + lastTransitionAt + ")");
        }
    }

    /**
     * This state as seen from {@code now} when the breaker's clock shows a later time (another instance's clock ran
     * ahead, or this one's stepped back): the clock, the transition time and the recorded calls are moved back to at
     * most {@code now}, so an OPEN breaker waits its full wait from {@code now} and nothing waits for the future
     * clock. Unchanged when the clock is not ahead of {@code now}.
     */
    public BreakerSnapshot rebasedTo(long now) {
        if (clockMillis <= now) {
            return this;
        }
        return new BreakerSnapshot(endpoint, state, Math.min(lastTransitionAt, now), now, openingsInARow,
                clampCalls(window, now), consecutiveFailures, halfOpenPermitsIssued, clampCalls(halfOpenOutcomes, now));
    }

    private static List<RecordedCall> clampCalls(List<RecordedCall> calls, long now) {
        return calls.stream().map(c -> c.at() <= now ? c : new RecordedCall(now, c.failure(), c.slow())).toList();
    }
}
