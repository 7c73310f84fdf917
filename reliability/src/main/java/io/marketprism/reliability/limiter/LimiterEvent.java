package io.marketprism.reliability.limiter;

import io.marketprism.reliability.Priority;

/** Something a {@link PriorityRateLimiter} did that operators want to see; {@code at} is limiter time. */
public sealed interface LimiterEvent {

    String domain();

    long at();

    /** A task was dropped: a newcomer or a waiting task displaced by a higher newcomer. */
    record Shed(String domain, String taskId, Priority priority, ShedReason reason, long at) implements LimiterEvent {
    }

    /** The domain is blocked until {@code until} (new ban or a longer one) after an answer with {@code status}. */
    record BanStarted(String domain, long until, int status, long at) implements LimiterEvent {
    }

    /** The ban is over; {@code at} is the time it ended. */
    record BanEnded(String domain, long at) implements LimiterEvent {
    }

    /** A 429 cut the refill rate from {@code previousRateFactor} to {@code rateFactor} of the full rate. */
    record RateCut(String domain, double previousRateFactor, double rateFactor, long at) implements LimiterEvent {
    }
}
