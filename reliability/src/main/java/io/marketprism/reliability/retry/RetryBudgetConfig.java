package io.marketprism.reliability.retry;

/**
 * Immutable settings of a {@link RetryBudget}: retries may be at most {@code retryRatio} of the requests seen over
 * the last {@code windowMillis}, but at least {@code minRetriesPerWindow}. Build with {@link #builder()}.
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

    /** 20 % of requests over 10 s in 10 buckets, at least 10 retries per window. */
    public static RetryBudgetConfig ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
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
        private double retryRatio = 0.2;
        private long windowMillis = 10_000;
        private int buckets = 10;
        private int minRetriesPerWindow = 10;

        private Builder() {
        }

        /** Share of requests that may be retried, in [0.0, 1.0]. */
        public Builder retryRatio(double ratio) {
            if (!(ratio >= 0.0 && ratio <= 1.0)) {
                throw new IllegalArgumentException("retryRatio must be in [0.0, 1.0], was " + ratio);
            }
            this.retryRatio = ratio;
            return this;
        }

        /** Length of the sliding window, in [100, 3_600_000] ms. */
        public Builder windowMillis(long millis) {
            if (millis < 100 || millis > 3_600_000) {
                throw new IllegalArgumentException("windowMillis must be in [100, 3600000], was " + millis);
            }
            this.windowMillis = millis;
            return this;
        }

        /** Buckets the window is divided into, in [1, 1_000]. */
        public Builder buckets(int buckets) {
            if (buckets < 1 || buckets > 1_000) {
                throw new IllegalArgumentException("buckets must be in [1, 1000], was " + buckets);
            }
            this.buckets = buckets;
            return this;
        }

        /** Retries always allowed per window, however quiet the domain, in [0, 1_000_000]. */
        public Builder minRetriesPerWindow(int retries) {
            if (retries < 0 || retries > 1_000_000) {
                throw new IllegalArgumentException("minRetriesPerWindow must be in [0, 1000000], was " + retries);
            }
            this.minRetriesPerWindow = retries;
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
