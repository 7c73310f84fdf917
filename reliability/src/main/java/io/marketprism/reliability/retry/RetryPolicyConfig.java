package io.marketprism.reliability.retry;

import io.marketprism.reliability.Checks;

/**
 * Immutable settings of a {@link RetryPolicy}. Build with {@link #builder()}; every setter rejects out-of-range
 * values naming the key.
 */
public final class RetryPolicyConfig {

    private final BackoffStrategy strategy;
    private final Jitter jitter;
    private final long initialDelayMillis;
    private final long maxDelayMillis;
    private final double multiplier;
    private final int maxAttempts;
    private final double adaptiveGain;

    private RetryPolicyConfig(Builder b) {
        this.strategy = b.strategy;
        this.jitter = b.jitter;
        this.initialDelayMillis = b.initialDelayMillis;
        this.maxDelayMillis = b.maxDelayMillis;
        this.multiplier = b.multiplier;
        this.maxAttempts = b.maxAttempts;
        this.adaptiveGain = b.adaptiveGain;
    }

    /** Exponential from 200 ms doubling up to 30 s, equal jitter, 5 attempts in all. */
    public static RetryPolicyConfig ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this configuration's values. */
    public Builder toBuilder() {
        return new Builder().strategy(strategy).jitter(jitter).initialDelayMillis(initialDelayMillis)
                .maxDelayMillis(maxDelayMillis).multiplier(multiplier).maxAttempts(maxAttempts)
                .adaptiveGain(adaptiveGain);
    }

    public BackoffStrategy strategy() {
        return strategy;
    }

    public Jitter jitter() {
        return jitter;
    }

    public long initialDelayMillis() {
        return initialDelayMillis;
    }

    public long maxDelayMillis() {
        return maxDelayMillis;
    }

    /** Growth factor of EXPONENTIAL and ADAPTIVE. */
    public double multiplier() {
        return multiplier;
    }

    /** Attempts in all, the first one included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** How strongly ADAPTIVE lengthens the delay with the recent failure rate (delay x (1 + gain x rate)). */
    public double adaptiveGain() {
        return adaptiveGain;
    }

    @Override
    public String toString() {
        return "RetryPolicyConfig{" + strategy + "/" + jitter + ", initialDelayMillis=" + initialDelayMillis
                + ", maxDelayMillis=" + maxDelayMillis + ", multiplier=" + multiplier + ", maxAttempts=" + maxAttempts
                + ", adaptiveGain=" + adaptiveGain + '}';
    }

    /** Validating builder for {@link RetryPolicyConfig}. */
    public static final class Builder {
        private BackoffStrategy strategy = BackoffStrategy.EXPONENTIAL;
        private Jitter jitter = Jitter.EQUAL;
        private long initialDelayMillis = 200;
        private long maxDelayMillis = 30_000;
        private double multiplier = 2.0;
        private int maxAttempts = 5;
        private double adaptiveGain = 4.0;

        private Builder() {
        }

        public Builder strategy(BackoffStrategy strategy) {
            if (strategy == null) {
                throw new IllegalArgumentException("strategy must be one of EXPONENTIAL, LINEAR, FIBONACCI, FIXED,"
                        + " ADAPTIVE, was null");
            }
            this.strategy = strategy;
            return this;
        }

        public Builder jitter(Jitter jitter) {
            if (jitter == null) {
                throw new IllegalArgumentException("jitter must be one of NONE, FULL, EQUAL, DECORRELATED, was null");
            }
            this.jitter = jitter;
            return this;
        }

        /** Delay before the first retry, in [1, 3_600_000] ms. */
        public Builder initialDelayMillis(long millis) {
            this.initialDelayMillis = Checks.inRange("initialDelayMillis", millis, 1, 3_600_000);
            return this;
        }

        /** Upper bound of every backoff delay (a Retry-After may ask for longer), in [1, 86_400_000] ms. */
        public Builder maxDelayMillis(long millis) {
            this.maxDelayMillis = Checks.inRange("maxDelayMillis", millis, 1, 86_400_000);
            return this;
        }

        /** Growth factor of EXPONENTIAL and ADAPTIVE, in [1.0, 10.0]. */
        public Builder multiplier(double multiplier) {
            this.multiplier = Checks.inRange("multiplier", multiplier, 1.0, 10.0);
            return this;
        }

        /** Attempts in all including the first, in [1, 1_000]. */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = Checks.inRange("maxAttempts", attempts, 1, 1_000);
            return this;
        }

        /** ADAPTIVE's sensitivity to the recent failure rate, in [0.0, 100.0]. */
        public Builder adaptiveGain(double gain) {
            this.adaptiveGain = Checks.inRange("adaptiveGain", gain, 0.0, 100.0);
            return this;
        }

        public RetryPolicyConfig build() {
            if (maxDelayMillis < initialDelayMillis) {
                throw new IllegalArgumentException("maxDelayMillis (" + maxDelayMillis + ") must be >= initialDelayMillis ("
                        + initialDelayMillis + ")");
            }
            return new RetryPolicyConfig(this);
        }
    }
}
