package io.marketprism.reliability.limiter;

import io.marketprism.reliability.Checks;
import io.marketprism.reliability.Priority;
import java.util.List;
import java.util.Objects;

/**
 * Immutable settings of one {@link PriorityRateLimiter}: token bucket, rolling windows, waiting-queue capacity,
 * the share of every budget reserved for {@link Priority#CRITICAL}, AIMD adaptation and ban handling.
 * Built by {@link #builder()}; {@link #ofDefaults()} fits Binance spot (6000 weight and 1200 requests per minute).
 */
public final class LimiterConfig {

    private final long bucketCapacity;
    private final double refillPerSecond;
    private final List<WindowLimit> windows;
    private final int queueCapacity;
    private final double criticalReserveShare;
    private final double rateCutFactor;
    private final double rateIncreasePerSuccess;
    private final double rateFloor;
    private final long defaultBanMillis;
    private final long usedWeightWindowMillis;

    private LimiterConfig(Builder b) {
        this.bucketCapacity = b.bucketCapacity;
        this.refillPerSecond = b.refillPerSecond;
        this.windows = b.windows;
        this.queueCapacity = b.queueCapacity;
        this.criticalReserveShare = b.criticalReserveShare;
        this.rateCutFactor = b.rateCutFactor;
        this.rateIncreasePerSuccess = b.rateIncreasePerSuccess;
        this.rateFloor = b.rateFloor;
        this.defaultBanMillis = b.defaultBanMillis;
        this.usedWeightWindowMillis = b.usedWeightWindowMillis;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static LimiterConfig ofDefaults() {
        return builder().build();
    }

    /** A builder preset with this configuration's values. */
    public Builder toBuilder() {
        return new Builder().bucketCapacity(bucketCapacity).refillPerSecond(refillPerSecond)
                .windows(windows.toArray(new WindowLimit[0])).queueCapacity(queueCapacity)
                .criticalReserveShare(criticalReserveShare).rateCutFactor(rateCutFactor)
                .rateIncreasePerSuccess(rateIncreasePerSuccess).rateFloor(rateFloor).defaultBanMillis(defaultBanMillis)
                .usedWeightWindowMillis(usedWeightWindowMillis);
    }

    /** Most weight the token bucket holds (burst size). */
    public long bucketCapacity() {
        return bucketCapacity;
    }

    /** Weight per second the bucket refills at full rate (before AIMD cuts). */
    public double refillPerSecond() {
        return refillPerSecond;
    }

    public List<WindowLimit> windows() {
        return windows;
    }

    /** Most tasks waiting in the domain's queue, all priorities together. */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** Share of every budget only {@link Priority#CRITICAL} tasks may use. */
    public double criticalReserveShare() {
        return criticalReserveShare;
    }

    /** Factor the refill rate is multiplied by on every 429. */
    public double rateCutFactor() {
        return rateCutFactor;
    }

    /** Share of the full refill rate added back on every 2xx response. */
    public double rateIncreasePerSuccess() {
        return rateIncreasePerSuccess;
    }

    /** Lowest share of the full refill rate AIMD cuts may reach. */
    public double rateFloor() {
        return rateFloor;
    }

    /** How long a 418 without Retry-After bans the domain. */
    public long defaultBanMillis() {
        return defaultBanMillis;
    }

    /** Length of the weight window the exchange's used-weight header describes; 0 when the header is ignored. */
    public long usedWeightWindowMillis() {
        return usedWeightWindowMillis;
    }

    /** Part of {@code limit} a task of {@code priority} may use: all of it for CRITICAL, less the reserve otherwise. */
    long usableShareOf(long limit, Priority priority) {
        if (priority == Priority.CRITICAL) {
            return limit;
        }
        return (long) Math.floor(limit * (1.0 - criticalReserveShare));
    }

    /** Builder with the defaults of {@link #ofDefaults()}; every setter checks its range. */
    public static final class Builder {
        private long bucketCapacity = 300;
        private double refillPerSecond = 100;
        private List<WindowLimit> windows = List.of(WindowLimit.weight(6000, 60_000), WindowLimit.requests(1200, 60_000));
        private int queueCapacity = 10_000;
        private double criticalReserveShare = 0.10;
        private double rateCutFactor = 0.5;
        private double rateIncreasePerSuccess = 0.02;
        private double rateFloor = 0.05;
        private long defaultBanMillis = 120_000;
        private long usedWeightWindowMillis = 60_000;

        private Builder() {
        }

        /** Burst size in weight, 1..1e9. */
        public Builder bucketCapacity(long capacity) {
            this.bucketCapacity = Checks.inRange("bucketCapacity", capacity, 1, 1_000_000_000L);
            return this;
        }

        /** Full refill rate in weight per second, 0.001..1e9. */
        public Builder refillPerSecond(double perSecond) {
            this.refillPerSecond = Checks.inRange("refillPerSecond", perSecond, 0.001, 1e9);
            return this;
        }

        /** Replaces the rolling windows; 1..8 of them, each must allow a task. */
        public Builder windows(WindowLimit... limits) {
            Checks.inRange("windows.count", limits.length, 1, 8);
            for (WindowLimit limit : limits) {
                Objects.requireNonNull(limit, "windows must not contain null");
            }
            this.windows = List.of(limits);
            return this;
        }

        /** Waiting tasks per domain, 1..10,000,000. */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = Checks.inRange("queueCapacity", capacity, 1, 10_000_000);
            return this;
        }

        /** Share of every budget kept for CRITICAL, 0..0.5. */
        public Builder criticalReserveShare(double share) {
            this.criticalReserveShare = Checks.inRange("criticalReserveShare", share, 0.0, 0.5);
            return this;
        }

        /** Multiplicative decrease on 429, 0.01..0.99. */
        public Builder rateCutFactor(double factor) {
            this.rateCutFactor = Checks.inRange("rateCutFactor", factor, 0.01, 0.99);
            return this;
        }

        /** Additive increase per success as a share of the full rate, 0.0001..1. */
        public Builder rateIncreasePerSuccess(double share) {
            this.rateIncreasePerSuccess = Checks.inRange("rateIncreasePerSuccess", share, 0.0001, 1.0);
            return this;
        }

        /** Lowest share of the full rate, 0.001..1. */
        public Builder rateFloor(double share) {
            this.rateFloor = Checks.inRange("rateFloor", share, 0.001, 1.0);
            return this;
        }

        /** Ban length for a 418 without Retry-After, 1 ms..1 day. */
        public Builder defaultBanMillis(long millis) {
            this.defaultBanMillis = Checks.inRange("defaultBanMillis", millis, 1, 86_400_000L);
            return this;
        }

        /** Length of the WEIGHT window the used-weight header describes, 0 (ignore header)..1 week. */
        public Builder usedWeightWindowMillis(long millis) {
            this.usedWeightWindowMillis =
                    Checks.inRange("usedWeightWindowMillis", millis, 0, WindowLimit.MAX_LENGTH_MILLIS);
            return this;
        }

        /** Checks the settings against each other and builds the config. */
        public LimiterConfig build() {
            LimiterConfig config = new LimiterConfig(this);
            if (config.usableShareOf(bucketCapacity, Priority.LOW) < 1) {
                throw new IllegalArgumentException("bucketCapacity " + bucketCapacity
                        + " leaves nothing outside criticalReserveShare " + criticalReserveShare);
            }
            for (WindowLimit window : windows) {
                if (config.usableShareOf(window.limit(), Priority.LOW) < 1) {
                    throw new IllegalArgumentException("window " + window
                            + " leaves nothing outside criticalReserveShare " + criticalReserveShare);
                }
            }
            if (usedWeightWindowMillis > 0 && windows.stream().noneMatch(w ->
                    w.measure() == WindowMeasure.WEIGHT && w.lengthMillis() == usedWeightWindowMillis)) {
                throw new IllegalArgumentException("usedWeightWindowMillis " + usedWeightWindowMillis
                        + " must be 0 or the length of a WEIGHT window in " + windows);
            }
            return config;
        }
    }
}
