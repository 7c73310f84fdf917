package io.marketprism.reliability.retry;

/**
 * How the delay before retry {@code n} (after the n-th failed attempt, n >= 1) grows, before jitter and capping at
 * the maximum delay. {@code d} is the initial delay, {@code m} the multiplier.
 */
public enum BackoffStrategy {
    /** {@code d * m^(n-1)}. */
    EXPONENTIAL,
    /** {@code d * n}. */
    LINEAR,
    /** {@code d * F(n)} with F = 1, 2, 3, 5, 8, ... */
    FIBONACCI,
    /** {@code d}. */
    FIXED,
    /**
     * {@code d * m^(n-1) * (1 + gain * r)} where r in [0, 1] is the limit domain's recent failure rate: the sicker
     * the domain, the longer every task waits.
     */
    ADAPTIVE
}
