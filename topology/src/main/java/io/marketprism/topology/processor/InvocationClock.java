package io.marketprism.topology.processor;

import java.util.function.LongSupplier;

/**
 * The wall-clock time at a moment inside the reliability step, for the limiter to count a call when it is started.
 * Kafka Streams hands an invocation one time: a punctuation its own, and every record of a batch the one system time
 * read before the batch ({@code context.currentSystemTimeMs()}). A tick or a batch that admits many calls lasts
 * hundreds of milliseconds on a busy machine, so a call counted at that time but started at its end falls into a later
 * window of the exchange than the limiter counted it in, and the limiter lets a window overrun (a 429, or Bybit's
 * ten-minute ban). This clock is the latest Streams time plus the time elapsed since it was first handed in, on a
 * monotonic ticker; with a ticker that does not move it is Streams' time.
 */
final class InvocationClock {

    private static final long NANOS_PER_MILLI = 1_000_000;

    private final LongSupplier nanoTicker;
    private long streamsMillis = Long.MIN_VALUE;
    private long seenAtNanos;

    /** @param nanoTicker monotonic nanoseconds, {@code System::nanoTime} */
    InvocationClock(LongSupplier nanoTicker) {
        this.nanoTicker = nanoTicker;
    }

    /**
     * Takes the time Kafka Streams gives the invocation about to run. A time seen already (the next record of the
     * same batch) keeps the moment it was first seen, from which the time since is counted.
     */
    void streamsTime(long millis) {
        if (millis != streamsMillis) {
            streamsMillis = millis;
            seenAtNanos = nanoTicker.getAsLong();
        }
    }

    /** Now in epoch milliseconds: the latest Streams time plus the time elapsed since it was first seen. */
    long millis() {
        return streamsMillis + (nanoTicker.getAsLong() - seenAtNanos) / NANOS_PER_MILLI;
    }
}
