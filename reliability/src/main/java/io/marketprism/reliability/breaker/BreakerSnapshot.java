package io.marketprism.reliability.breaker;

import io.marketprism.reliability.internal.ByteSink;
import io.marketprism.reliability.internal.VarInts;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything an {@link EndpointBreaker} needs to continue exactly where it stopped; see
 * {@link EndpointBreaker#restore}. Plain immutable value with a compact binary form ({@link #toBytes()}).
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

    /** Leading byte of {@link #toBytes()}; bump when the layout changes. */
    public static final byte FORMAT_VERSION = 1;

    private static final BreakerState[] STATES = BreakerState.values();

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

    /**
     * Binary form: version byte, endpoint (modified UTF-8), state ordinal, last transition and clock as longs, then
     * variable-length ints, and each call as a variable-length zig-zag time delta from the previous one with the
     * two flag bits packed below it.
     */
    public byte[] toBytes() {
        ByteSink out = new ByteSink(48 + 3 * (window.size() + halfOpenOutcomes.size()));
        write(out, endpoint, state, lastTransitionAt, clockMillis, openingsInARow, consecutiveFailures,
                halfOpenPermitsIssued, CallLog.of(window), CallLog.of(halfOpenOutcomes));
        return out.toByteArray();
    }

    /** Writes the {@link #toBytes()} form of a breaker's state, straight from its fields. */
    static void write(ByteSink out, String endpoint, BreakerState state, long lastTransitionAt, long clockMillis,
                      int openingsInARow, int consecutiveFailures, int halfOpenPermitsIssued, CallLog window,
                      CallLog halfOpenOutcomes) {
        try {
            out.writeByte(FORMAT_VERSION);
            out.writeUTF(endpoint);
            out.writeByte(state.ordinal());
            out.writeLong(lastTransitionAt);
            out.writeLong(clockMillis);
            out.writeVarLong(openingsInARow);
            out.writeVarLong(consecutiveFailures);
            out.writeVarLong(halfOpenPermitsIssued);
            window.writeTo(out, lastTransitionAt);
            halfOpenOutcomes.writeTo(out, lastTransitionAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@link #toBytes()} output; throws IllegalArgumentException for unknown versions or damaged input. */
    public static BreakerSnapshot fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("unknown breaker snapshot format version " + version
                        + ", this build reads " + FORMAT_VERSION);
            }
            String endpoint = in.readUTF();
            int stateOrdinal = in.readUnsignedByte();
            if (stateOrdinal >= STATES.length) {
                throw new IllegalArgumentException("unknown breaker state ordinal " + stateOrdinal);
            }
            long lastTransitionAt = in.readLong();
            long clockMillis = in.readLong();
            int openings = VarInts.readInt(in, Integer.MAX_VALUE);
            int consecutiveFailures = VarInts.readInt(in, Integer.MAX_VALUE);
            int permits = VarInts.readInt(in, Integer.MAX_VALUE);
            List<RecordedCall> window = readCalls(in, lastTransitionAt);
            List<RecordedCall> outcomes = readCalls(in, lastTransitionAt);
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " unexpected trailing bytes in breaker snapshot");
            }
            return new BreakerSnapshot(endpoint, STATES[stateOrdinal], lastTransitionAt, clockMillis, openings,
                    window, consecutiveFailures, permits, outcomes);
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated breaker snapshot", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<RecordedCall> readCalls(DataInputStream in, long origin) throws IOException {
        int count = VarInts.readInt(in, Integer.MAX_VALUE);
        if (count > in.available()) {
            throw new IllegalArgumentException("breaker snapshot claims " + count + " calls but has "
                    + in.available() + " bytes left");
        }
        List<RecordedCall> calls = new ArrayList<>(count);
        long previous = origin;
        for (int i = 0; i < count; i++) {
            long packed = VarInts.read(in);
            long zigZag = packed >>> 2;
            long at = previous + ((zigZag >>> 1) ^ -(zigZag & 1));
            calls.add(new RecordedCall(at, (packed & 1) != 0, (packed & 2) != 0));
            previous = at;
        }
        return calls;
    }
}
