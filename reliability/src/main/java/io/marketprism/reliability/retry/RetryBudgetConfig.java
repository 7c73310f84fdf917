package io.marketprism.reliability.retry;

import io.marketprism.reliability.Checks;

/**
 * Immutable settings of a {@link RetryBudget}: retries may be at most {@code retryRatio} of the requests seen over
 * the last {@code windowMillis}, but at least {@code minRetriesPerWindow}. Build with {@link #builder()}.
 *
 * <p><b>The default ratio, 1.0.</b> A retry the budget refuses is not given up but waits for budget within its
 * deadline, so the ratio is the rate at which a domain can work off its failures: calls failing at a rate {@code f}
 * need {@code f / (1 - f)} retries per first attempt, and a ratio {@code r} keeps up with failure rates up to
 * {@code r / (1 + r)}. At 1.0 that is 50 %, the default breaker's failure-rate threshold: every failure rate at which
 * the breakers keep an endpoint in use is served, and a storm is still capped, since an exchange failing every call
 * sees at most twice the first attempts (plus the window's minimum). Linkerd's default (20 % plus 10 retries a second
 * over 10 s; linkerd.io, "Configuring Retries") suits a budget that refuses a retry outright; here 20 % would let a
 * domain failing more than 17 % of its calls build a backlog of retries that only expires. The exchanges' own limits
 * stay enforced by the rate limiter, retries included.
 */
public final class RetryBudgetConfig {

    private final double retryRatio;
    private final long windowMillis;
    private final int buckets;
    private final int minRetriesPerWindow;

    private RetryBudgetConfig(Builder b) {
        this.retryRatio = b.retryRatio;
        this.windowMillis = b.windowMillis;
        this.buckets = b.buckets;
        this.minRetriesPerWindow = b.minRetriesPerWindow;
    }

    /** As many retries as requests over 10 s in 10 buckets, at least 10 retries per window. */
    public static RetryBudgetConfig ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this configuration's values. */
    public Builder toBuilder() {
        return new Builder().retryRatio(retryRatio).windowMillis(windowMillis).buckets(buckets)
                .minRetriesPerWindow(minRetriesPerWindow);
    }

    public double retryRatio() {
        return retryRatio;
    }

    public long windowMillis() {
        return windowMillis;
    }

    /** The window slides bucket by bucket; more buckets, smoother sliding, more memory. */
    public int buckets() {
        return buckets;
    }

    public long bucketMillis() {
        return windowMillis / buckets;
    }

    public int minRetriesPerWindow() {
        return minRetriesPerWindow;
    }

    @Override
    public String toString() {
        return "RetryBudgetConfig{retryRatio=" + retryRatio + ", windowMillis=" + windowMillis + ", buckets=" + buckets
                + ", minRetriesPerWindow=" + minRetriesPerWindow + '}';
    }

    /** Validating builder for {@link RetryBudgetConfig}. */
    public static final class Builder {
        private double retryRatio = 1.0;
        private long windowMillis = 10_000;
        private int buckets = 10;
        private int minRetriesPerWindow = 10;

        private Builder() {
        }

        /** Share of requests that may be retried, in [0.0, 1.0]. */
        public Builder retryRatio(double ratio) {
            this.retryRatio = Checks.inRange("retryRatio", ratio, 0.0, 1.0);
            return this;
        }

        /** Length of the sliding window, in [100, 3_600_000] ms. */
        public Builder windowMillis(long millis) {
            this.windowMillis = Checks.inRange("windowMillis", millis, 100, 3_600_000);
            return this;
        }

        /** Buckets the window is divided into, in [1, 1_000]. */
        public Builder buckets(int buckets) {
            this.buckets = Checks.inRange("buckets", buckets, 1, 1_000);
            return this;
        }

        /** Retries always allowed per window, however quiet the domain, in [0, 1_000_000]. */
        public Builder minRetriesPerWindow(int retries) {
            this.minRetriesPerWindow = Checks.inRange("minRetriesPerWindow", retries, 0, 1_000_000);
            return this;
        }

        public RetryBudgetConfig build() {
            if (windowMillis % buckets != 0) {
                throw new IllegalArgumentException("windowMillis (" + windowMillis + ") must be a multiple of buckets ("
                        + buckets + ")");
            }
            return new RetryBudgetConfig(this);
        }
    }
}
