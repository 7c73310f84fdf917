package io.marketprism.reliability.retry;

/**
 * How the backoff delay {@code b} is randomised. The random number is derived from (taskId, attempt), so a task
 * re-processed after a crash gets the same delay.
 */
public enum Jitter {
    /** {@code b}. */
    NONE,
    /** Uniform in {@code [0, b)}. */
    FULL,
    /** Uniform in {@code [b/2, b)}. */
    EQUAL,
    /**
     * Uniform in {@code [b, 3 * previous)} where previous is the jittered delay of the attempt before (the first
     * attempt starts from {@code b}); capped at the maximum delay.
     */
    DECORRELATED
}
