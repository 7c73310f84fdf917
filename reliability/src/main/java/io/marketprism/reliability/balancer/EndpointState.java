package io.marketprism.reliability.balancer;

import java.util.Arrays;

/** Mutable health and load of one endpoint. */
final class EndpointState {

    static final long NEVER = Long.MIN_VALUE;
    static final int MAX_OUTCOME_CAPACITY = 10_000;

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
