package io.marketprism.ops.it;

import java.time.Duration;
import org.apache.kafka.common.utils.Time;

/**
 * Kafka's time source of an instance whose wall clock runs {@code skew} ahead of (or, negative, behind) the system
 * clock. Only wall-clock readings move; the monotonic clock and sleeps are the system's.
 */
final class SkewedTime implements Time {

    private final long skewMillis;

    SkewedTime(Duration skew) {
        this.skewMillis = skew.toMillis();
    }

    @Override
    public long milliseconds() {
        return Time.SYSTEM.milliseconds() + skewMillis;
    }

    @Override
    public long nanoseconds() {
        return Time.SYSTEM.nanoseconds();
    }

    @Override
    public void sleep(long ms) {
        Time.SYSTEM.sleep(ms);
    }
}
