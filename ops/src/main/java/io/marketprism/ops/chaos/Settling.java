package io.marketprism.ops.chaos;

import java.time.Duration;

/**
 * Whether a growing count has stopped growing: it has stayed the same for a whole span. A verifier waiting for every
 * produced task to end stops early once the output has settled, when waiting longer cannot change the verdict (an
 * at_least_once run that lost tasks).
 */
final class Settling {

    private final long spanNanos;
    private long last = Long.MIN_VALUE;
    private long sinceNanos;

    Settling(Duration span) {
        this.spanNanos = span.toNanos();
    }

    /** Notes {@code count} seen at {@code nowNanos}; true once it has not changed for the span. */
    boolean settled(long count, long nowNanos) {
        if (count != last) {
            last = count;
            sinceNanos = nowNanos;
            return false;
        }
        return nowNanos - sinceNanos >= spanNanos;
    }
}
