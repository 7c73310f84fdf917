package io.marketprism.reliability.retry;

import io.marketprism.reliability.ErrorClass;
import java.util.Objects;

/**
 * What {@link RetryPolicy#decide} needs to know about a failed attempt.
 *
 * @param taskId            identifies the task; with {@code attempt} it seeds the jitter
 * @param attempt           the attempt that just failed, 1 for the first
 * @param errorClass        how it failed
 * @param retryAfterMillis  the exchange's Retry-After, or {@link #NO_RETRY_AFTER}
 * @param deadline          epoch millis after which the result is useless, or {@link #NO_DEADLINE}
 * @param recentFailureRate the limit domain's recent failure rate in [0, 1] (used by ADAPTIVE)
 * @param now               the decision time, epoch millis
 */
public record RetryRequest(String taskId, int attempt, ErrorClass errorClass, long retryAfterMillis, long deadline,
                           double recentFailureRate, long now) {

    public static final long NO_RETRY_AFTER = -1;
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    public RetryRequest {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(errorClass, "errorClass");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
        if (retryAfterMillis < NO_RETRY_AFTER) {
            throw new IllegalArgumentException("retryAfterMillis must be >= 0 or NO_RETRY_AFTER, was " + retryAfterMillis);
        }
        if (!(recentFailureRate >= 0.0 && recentFailureRate <= 1.0)) {
            throw new IllegalArgumentException("recentFailureRate must be in [0, 1], was " + recentFailureRate);
        }
    }

    /** A request without Retry-After or deadline, in a healthy domain. */
    public static RetryRequest of(String taskId, int attempt, ErrorClass errorClass, long now) {
        return new RetryRequest(taskId, attempt, errorClass, NO_RETRY_AFTER, NO_DEADLINE, 0.0, now);
    }
}
