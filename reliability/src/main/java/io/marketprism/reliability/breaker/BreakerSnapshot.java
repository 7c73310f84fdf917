package io.marketprism.reliability.breaker;

import io.marketprism.reliability.internal.ByteSink;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
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
     * Binary form: version byte, endpoint (modified UTF-8), state ordinal, last transition and clock as longs, then
     * variable-length ints, and each call as a variable-length zig-zag time delta from the previous one with the
     * two flag bits packed below it.
     */
    public byte[] toBytes() {
        ByteSink out = new ByteSink(48 + 3 * (window.size() + halfOpenOutcomes.size()));
        try {
            out.writeByte(FORMAT_VERSION);
            out.writeUTF(endpoint);
            out.writeByte(state.ordinal());
            out.writeLong(lastTransitionAt);
            out.writeLong(clockMillis);
            writeVarLong(out, openingsInARow);
            writeVarLong(out, consecutiveFailures);
            writeVarLong(out, halfOpenPermitsIssued);
            writeCalls(out, window, lastTransitionAt);
            writeCalls(out, halfOpenOutcomes, lastTransitionAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
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
            int openings = readVarInt(in);
            int consecutiveFailures = readVarInt(in);
            int permits = readVarInt(in);
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

    private static void writeCalls(DataOutput out, List<RecordedCall> calls, long origin) throws IOException {
        writeVarLong(out, calls.size());
        long previous = origin;
        for (RecordedCall call : calls) {
            long delta = call.at() - previous;
            long zigZag = (delta << 1) ^ (delta >> 63);
            writeVarLong(out, (zigZag << 2) | (call.failure() ? 1 : 0) | (call.slow() ? 2 : 0));
            previous = call.at();
        }
    }

    private static List<RecordedCall> readCalls(DataInputStream in, long origin) throws IOException {
        int count = readVarInt(in);
        if (count > in.available()) {
            throw new IllegalArgumentException("breaker snapshot claims " + count + " calls but has "
                    + in.available() + " bytes left");
        }
        List<RecordedCall> calls = new ArrayList<>(count);
        long previous = origin;
        for (int i = 0; i < count; i++) {
            long packed = readVarLong(in);
            long zigZag = packed >>> 2;
            long at = previous + ((zigZag >>> 1) ^ -(zigZag & 1));
            calls.add(new RecordedCall(at, (packed & 1) != 0, (packed & 2) != 0));
            previous = at;
        }
        return calls;
    }

    private static void writeVarLong(DataOutput out, long value) throws IOException {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.writeByte((int) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        out.writeByte((int) rest);
    }

    private static long readVarLong(DataInputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed variable-length number in breaker snapshot");
    }

    private static int readVarInt(DataInputStream in) throws IOException {
        long value = readVarLong(in);
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count out of range in breaker snapshot: " + value);
        }
        return (int) value;
    }
}
