package io.marketprism.reliability.balancer;

import io.marketprism.reliability.internal.ByteSink;
import io.marketprism.reliability.internal.VarInts;
import java.io.DataInput;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.Arrays;

/** Mutable health and load of one endpoint. */
final class EndpointState {

    static final long NEVER = Long.MIN_VALUE;
    private static final int MAX_OUTCOME_CAPACITY = 10_000;
    private static final int HAS_LATENCY = 1;
    private static final int EJECTED = 2;
    private static final int HAS_EJECTED_UNTIL = 4;
    private static final int HAS_RESTORED_AT = 8;

    final String id;
    int inFlight;
    boolean hasLatency;
    double latencyEwma;
    double successEwma = 1.0;
    int consecutiveFailures;
    /** Ring of the last calls' outcomes, one bit each, set for a failure. */
    final long[] outcomeBits;
    final int outcomeCapacity;
    int outcomeNext;
    int outcomeCount;
    int outcomeFailures;
    boolean ejected;
    long ejectedUntil = NEVER;
    int ejectionCount;
    long restoredAt = NEVER;
    /** Current weight of smooth weighted round robin. */
    long swrrCurrent;
    /** Whether a field other than {@link #swrrCurrent} changed since {@link #savedFields} was written. */
    boolean recordStale = true;
    /**
     * The record as {@link #writeTo} writes it up to swrrCurrent, while not {@link #recordStale}. Allocated with the
     * state, so it usually shares its cache lines.
     */
    private final ByteSink savedFields = new ByteSink(48);

    EndpointState(String id, int outcomeCapacity) {
        this.id = id;
        this.outcomeCapacity = outcomeCapacity;
        this.outcomeBits = new long[(outcomeCapacity + 63) / 64];
    }

    void recordLatency(long latencyMillis, double alpha) {
        double sample = Math.max(0, latencyMillis);
        latencyEwma = hasLatency ? latencyEwma + alpha * (sample - latencyEwma) : sample;
        hasLatency = true;
    }

    void recordOutcome(boolean failure, double alpha) {
        successEwma += alpha * ((failure ? 0.0 : 1.0) - successEwma);
        consecutiveFailures = failure ? consecutiveFailures + 1 : 0;
        int word = outcomeNext >>> 6;
        long bit = 1L << (outcomeNext & 63);
        if (outcomeCount == outcomeCapacity) {
            outcomeFailures -= (outcomeBits[word] & bit) != 0 ? 1 : 0;
        } else {
            outcomeCount++;
        }
        if (failure) {
            outcomeBits[word] |= bit;
            outcomeFailures++;
        } else {
            outcomeBits[word] &= ~bit;
        }
        outcomeNext = (outcomeNext + 1) % outcomeCapacity;
    }

    /** Success rate over the ring once it is full, else 1. */
    double fullWindowSuccessRate() {
        return outcomeCount < outcomeCapacity ? 1.0 : 1.0 - (double) outcomeFailures / outcomeCapacity;
    }

    /** Forgets the failures that led to an ejection, so a restored endpoint starts clean. */
    void clearHealth() {
        consecutiveFailures = 0;
        successEwma = 1.0;
        Arrays.fill(outcomeBits, 0);
        outcomeNext = 0;
        outcomeCount = 0;
        outcomeFailures = 0;
        swrrCurrent = 0;
    }

    /**
     * Writes the record: id (modified UTF-8), a flags byte (has latency, ejected, ejectedUntil and restoredAt set),
     * in-flight count, both averages as doubles, the outcome ring (counters, then its words as longs), the ejection
     * fields (times only when set), and swrrCurrent zig-zagged; counters as variable-length numbers. All but
     * swrrCurrent are copied from the last call while no other field changed ({@link #recordStale}).
     */
    void writeTo(ByteSink out) {
        if (recordStale) {
            savedFields.reset();
            writeFieldsBeforeSwrr(savedFields);
            recordStale = false;
        }
        savedFields.copyTo(out);
        out.writeVarLong((swrrCurrent << 1) ^ (swrrCurrent >> 63));
    }

    private void writeFieldsBeforeSwrr(ByteSink out) {
        writeUtf(out, id);
        boolean hasEjectedUntil = ejectedUntil != NEVER;
        boolean hasRestoredAt = restoredAt != NEVER;
        out.writeByte((hasLatency ? HAS_LATENCY : 0) | (ejected ? EJECTED : 0)
                | (hasEjectedUntil ? HAS_EJECTED_UNTIL : 0) | (hasRestoredAt ? HAS_RESTORED_AT : 0));
        out.writeVarLong(inFlight);
        out.writeDouble(latencyEwma);
        out.writeDouble(successEwma);
        out.writeVarLong(consecutiveFailures);
        out.writeVarLong(outcomeCapacity);
        out.writeVarLong(outcomeNext);
        out.writeVarLong(outcomeCount);
        out.writeVarLong(outcomeFailures);
        for (long word : outcomeBits) {
            out.writeLong(word);
        }
        if (hasEjectedUntil) {
            out.writeLong(ejectedUntil);
        }
        out.writeVarLong(ejectionCount);
        if (hasRestoredAt) {
            out.writeLong(restoredAt);
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    static EndpointState readFrom(DataInput in) throws IOException {
        String id = in.readUTF();
        int flags = in.readUnsignedByte();
        int inFlight = VarInts.readInt(in, Integer.MAX_VALUE);
        double latencyEwma = in.readDouble();
        double successEwma = in.readDouble();
        int consecutiveFailures = VarInts.readInt(in, Integer.MAX_VALUE);
        EndpointState state = new EndpointState(id, VarInts.readInt(in, MAX_OUTCOME_CAPACITY));
        state.inFlight = inFlight;
        state.hasLatency = (flags & HAS_LATENCY) != 0;
        state.latencyEwma = latencyEwma;
        state.successEwma = successEwma;
        state.consecutiveFailures = consecutiveFailures;
        state.outcomeNext = VarInts.readInt(in, state.outcomeCapacity - 1);
        state.outcomeCount = VarInts.readInt(in, state.outcomeCapacity);
        state.outcomeFailures = VarInts.readInt(in, state.outcomeCount);
        for (int i = 0; i < state.outcomeBits.length; i++) {
            state.outcomeBits[i] = in.readLong();
        }
        state.ejected = (flags & EJECTED) != 0;
        state.ejectedUntil = (flags & HAS_EJECTED_UNTIL) != 0 ? in.readLong() : NEVER;
        state.ejectionCount = VarInts.readInt(in, Integer.MAX_VALUE);
        state.restoredAt = (flags & HAS_RESTORED_AT) != 0 ? in.readLong() : NEVER;
        long zigZag = VarInts.read(in);
        state.swrrCurrent = (zigZag >>> 1) ^ -(zigZag & 1);
        return state;
    }

    private static void writeUtf(ByteSink out, String text) {
        try {
            out.writeUTF(text);
        } catch (UTFDataFormatException e) {
            throw new IllegalStateException("endpoint id too long to save: " + text.length() + " chars", e);
        }
    }

    /** A copy with an outcome ring of {@code capacity}; the ring starts empty when its size changed. */
    EndpointState copy(int capacity) {
        EndpointState copy = new EndpointState(id, capacity);
        copy.inFlight = inFlight;
        copy.hasLatency = hasLatency;
        copy.latencyEwma = latencyEwma;
        copy.successEwma = successEwma;
        copy.consecutiveFailures = consecutiveFailures;
        if (capacity == outcomeCapacity) {
            System.arraycopy(outcomeBits, 0, copy.outcomeBits, 0, outcomeBits.length);
            copy.outcomeNext = outcomeNext;
            copy.outcomeCount = outcomeCount;
            copy.outcomeFailures = outcomeFailures;
        }
        copy.ejected = ejected;
        copy.ejectedUntil = ejectedUntil;
        copy.ejectionCount = ejectionCount;
        copy.restoredAt = restoredAt;
        copy.swrrCurrent = swrrCurrent;
        return copy;
    }
}
