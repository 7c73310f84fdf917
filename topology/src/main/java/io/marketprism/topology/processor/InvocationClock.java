package io.marketprism.topology.processor;

import java.util.function.LongSupplier;

/**
 * The wall-clock time at a moment inside the reliability step, for the limiter to count a call when it is started.
 * Kafka Streams hands an invocation a time read earlier: a punctuation its own, and every record the one time read
 * before a round over all the stream tasks of the thread ({@code context.currentSystemTimeMs()}). A partition whose
 * turn comes after a long batch of another, or a tick that admits many calls, works hundreds of milliseconds after
 * that time on a busy machine, so a call counted at it but started later falls into a later window of the exchange
 * than the limiter counted it in, and the limiter lets a window overrun (a 429, or Bybit's ten-minute ban). This
 * clock is the later of the Streams time and the wall clock read now; under a mocked clock (a TopologyTestDriver)
 * there is no wall clock ({@link io.marketprism.topology.ReliabilityTopology#NO_WALL_CLOCK}) and it is Streams' time.
 */
final class InvocationClock {

    private final LongSupplier wallClockMillis;
    private long streamsMillis = Long.MIN_VALUE;

    /** @param wallClockMillis epoch milliseconds: {@code System::currentTimeMillis}, or a fake one in tests */
    InvocationClock(LongSupplier wallClockMillis) {
        this.wallClockMillis = wallClockMillis;
    }

    /** Takes the time Kafka Streams gives the invocation about to run. */
    void streamsTime(long millis) {
        streamsMillis = millis;
    }

    /** Now in epoch milliseconds: the later of the latest Streams time and the wall clock. */
    long millis() {
        return Math.max(streamsMillis, wallClockMillis.getAsLong());
    }
}
