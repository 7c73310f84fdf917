package io.marketprism.reliability.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.core.IntervalFunction;
import io.marketprism.reliability.Checks;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Immutable settings of an {@link EndpointBreaker}. One instance is normally shared by every endpoint of an
 * exchange. Build with {@link #builder()}; every setter rejects out-of-range values naming the key.
 */
public final class BreakerConfig {

    /** How the closed-state window counts calls. */
    public enum WindowType {
        /** The last {@code windowSize} calls. */
        COUNT_BASED,
        /** The calls of the last {@code windowSize} seconds (whole epoch seconds, as Resilience4j buckets them). */
        TIME_BASED
    }

    private final float failureRateThreshold;
    private final long slowCallDurationThresholdMillis;
    private final float slowCallRateThreshold;
    private final WindowType windowType;
    private final int windowSize;
    private final int minimumNumberOfCalls;
    private final long waitInOpenMillis;
    private final double waitMultiplier;
    private final long maxWaitInOpenMillis;
    private final int permittedCallsInHalfOpen;
    private final int consecutiveFailuresThreshold;
    private final boolean automaticTransitionToHalfOpen;
    private final IntervalFunction waitInterval;

    private BreakerConfig(Builder b) {
        this.failureRateThreshold = b.failureRateThreshold;
        this.slowCallDurationThresholdMillis = b.slowCallDurationThresholdMillis;
        this.slowCallRateThreshold = b.slowCallRateThreshold;
        this.windowType = b.windowType;
        this.windowSize = b.windowSize;
        this.minimumNumberOfCalls = b.minimumNumberOfCalls;
        this.waitInOpenMillis = b.waitInOpenMillis;
        this.waitMultiplier = b.waitMultiplier;
        this.maxWaitInOpenMillis = b.maxWaitInOpenMillis;
        this.permittedCallsInHalfOpen = b.permittedCallsInHalfOpen;
        this.consecutiveFailuresThreshold = b.consecutiveFailuresThreshold;
        this.automaticTransitionToHalfOpen = b.automaticTransitionToHalfOpen;
        this.waitInterval = waitMultiplier == 1.0
                ? IntervalFunction.of(waitInOpenMillis)
                : IntervalFunction.ofExponentialBackoff(waitInOpenMillis, waitMultiplier, maxWaitInOpenMillis);
    }

    /**
     * Defaults: opens at 50 % failures or 100 % calls slower than 2 s over the last 50 calls (at least 20 recorded),
     * or at 10 failures in a row; waits 5 s (fixed) in open, then admits 5 probes. The short wait keeps the promise that
     * traffic returns to a recovered endpoint within 30 s even when trials fail at a background error rate (a third
     * of 5xx fails about one trial in four), at the cost of 5 trial calls per 5 s to an endpoint that stays down.
     */
    public static BreakerConfig ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this configuration's values. */
    public Builder toBuilder() {
        return new Builder()
                .failureRateThreshold(failureRateThreshold)
                .slowCallDurationThresholdMillis(slowCallDurationThresholdMillis)
                .slowCallRateThreshold(slowCallRateThreshold)
                .window(windowType, windowSize)
                .minimumNumberOfCalls(minimumNumberOfCalls)
                .waitInOpenMillis(waitInOpenMillis)
                .waitMultiplier(waitMultiplier)
                .maxWaitInOpenMillis(maxWaitInOpenMillis)
                .permittedCallsInHalfOpen(permittedCallsInHalfOpen)
                .consecutiveFailuresThreshold(consecutiveFailuresThreshold)
                .automaticTransitionToHalfOpen(automaticTransitionToHalfOpen);
    }

    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    public long slowCallDurationThresholdMillis() {
        return slowCallDurationThresholdMillis;
    }

    public float slowCallRateThreshold() {
        return slowCallRateThreshold;
    }

    public WindowType windowType() {
        return windowType;
    }

    /** Calls for {@link WindowType#COUNT_BASED}, seconds for {@link WindowType#TIME_BASED}. */
    public int windowSize() {
        return windowSize;
    }

    public int minimumNumberOfCalls() {
        return minimumNumberOfCalls;
    }

    public long waitInOpenMillis() {
        return waitInOpenMillis;
    }

    /** 1.0 for a fixed wait; above 1.0 the wait grows by this factor each time the breaker re-opens in a row. */
    public double waitMultiplier() {
        return waitMultiplier;
    }

    public long maxWaitInOpenMillis() {
        return maxWaitInOpenMillis;
    }

    public int permittedCallsInHalfOpen() {
        return permittedCallsInHalfOpen;
    }

    /** Failures in a row (while closed) that open the breaker regardless of the window; 0 turns the rule off. */
    public int consecutiveFailuresThreshold() {
        return consecutiveFailuresThreshold;
    }

    /**
     * When true, the first permission request after the open wait has elapsed moves the breaker to half-open; when
     * false it stays open until an operator calls {@link EndpointBreaker#close} or {@link EndpointBreaker#reset}.
     */
    public boolean automaticTransitionToHalfOpen() {
        return automaticTransitionToHalfOpen;
    }

    /** The open wait after the breaker has opened {@code openingsInARow} times in a row (1 = first opening). */
    public long waitInOpenMillisAfter(int openingsInARow) {
        return waitInterval.apply(openingsInARow);
    }

    /** Calls a half-open breaker evaluates before deciding; Resilience4j caps the minimum at the probe count. */
    int halfOpenEvaluationSize() {
        return Math.min(minimumNumberOfCalls, permittedCallsInHalfOpen);
    }

    /** The equivalent Resilience4j configuration, reading time from {@code clock} and never starting timers. */
    CircuitBreakerConfig toResilience4j(Clock clock) {
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRateThreshold)
                .slowCallRateThreshold(slowCallRateThreshold)
                .slowCallDurationThreshold(Duration.ofMillis(slowCallDurationThresholdMillis))
                .slidingWindow(windowSize, minimumNumberOfCalls,
                        windowType == WindowType.COUNT_BASED ? SlidingWindowType.COUNT_BASED : SlidingWindowType.TIME_BASED,
                        SlidingWindowSynchronizationStrategy.SYNCHRONIZED)
                .waitIntervalFunctionInOpenState(waitInterval)
                .permittedNumberOfCallsInHalfOpenState(permittedCallsInHalfOpen)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .maxWaitDurationInHalfOpenState(Duration.ZERO)
                .clock(clock)
                .currentTimestampFunction(Clock::millis, TimeUnit.MILLISECONDS)
                .build();
    }

    @Override
    public String toString() {
        return "BreakerConfig{failureRateThreshold=" + failureRateThreshold
                + ", slowCallDurationThresholdMillis=" + slowCallDurationThresholdMillis
                + ", slowCallRateThreshold=" + slowCallRateThreshold
                + ", window=" + windowType + "/" + windowSize
                + ", minimumNumberOfCalls=" + minimumNumberOfCalls
                + ", waitInOpenMillis=" + waitInOpenMillis + "x" + waitMultiplier + "<=" + maxWaitInOpenMillis
                + ", permittedCallsInHalfOpen=" + permittedCallsInHalfOpen
                + ", consecutiveFailuresThreshold=" + consecutiveFailuresThreshold
                + ", automaticTransitionToHalfOpen=" + automaticTransitionToHalfOpen + '}';
    }

    /** Validating builder for {@link BreakerConfig}. */
    public static final class Builder {
        private float failureRateThreshold = 50f;
        private long slowCallDurationThresholdMillis = 2_000;
        private float slowCallRateThreshold = 100f;
        private WindowType windowType = WindowType.COUNT_BASED;
        private int windowSize = 50;
        private int minimumNumberOfCalls = 20;
        private long waitInOpenMillis = 5_000;
        private double waitMultiplier = 1.0;
        private long maxWaitInOpenMillis = 300_000;
        private int permittedCallsInHalfOpen = 5;
        private int consecutiveFailuresThreshold = 10;
        private boolean automaticTransitionToHalfOpen = true;

        private Builder() {
        }

        /** Percentage of failed calls in the window that opens the breaker, in [1, 100]. */
        public Builder failureRateThreshold(float percent) {
            this.failureRateThreshold = checkPercent("failureRateThreshold", percent);
            return this;
        }

        /** Calls taking longer than this (strictly) count as slow, in [1, 3_600_000] ms. */
        public Builder slowCallDurationThresholdMillis(long millis) {
            this.slowCallDurationThresholdMillis =
                    Checks.inRange("slowCallDurationThresholdMillis", millis, 1, 3_600_000);
            return this;
        }

        /** Percentage of slow calls in the window that opens the breaker, in [1, 100]. */
        public Builder slowCallRateThreshold(float percent) {
            this.slowCallRateThreshold = checkPercent("slowCallRateThreshold", percent);
            return this;
        }

        /** Window type and size: [1, 10_000] calls when count based, [1, 3_600] seconds when time based. */
        public Builder window(WindowType type, int size) {
            if (type == null) {
                throw new IllegalArgumentException("windowType must be COUNT_BASED or TIME_BASED, was null");
            }
            boolean countBased = type == WindowType.COUNT_BASED;
            this.windowSize = Checks.inRange(countBased ? "windowSize (calls)" : "windowSize (seconds)",
                    size, 1, countBased ? 10_000 : 3_600);
            this.windowType = type;
            return this;
        }

        /** Calls the window must hold before rates are evaluated, in [1, 100_000]. */
        public Builder minimumNumberOfCalls(int calls) {
            this.minimumNumberOfCalls = Checks.inRange("minimumNumberOfCalls", calls, 1, 100_000);
            return this;
        }

        /** Wait in open before the first probe, in [1, 86_400_000] ms (the first wait when it grows). */
        public Builder waitInOpenMillis(long millis) {
            this.waitInOpenMillis = Checks.inRange("waitInOpenMillis", millis, 1, 86_400_000);
            return this;
        }

        /** Growth of the wait each time the breaker re-opens in a row, in [1.0, 10.0]; 1.0 keeps it fixed. */
        public Builder waitMultiplier(double multiplier) {
            this.waitMultiplier = Checks.inRange("waitMultiplier", multiplier, 1.0, 10.0);
            return this;
        }

        /** Upper bound of the growing wait, in [1, 86_400_000] ms. */
        public Builder maxWaitInOpenMillis(long millis) {
            this.maxWaitInOpenMillis = Checks.inRange("maxWaitInOpenMillis", millis, 1, 86_400_000);
            return this;
        }

        /** Probe calls admitted in half-open, in [1, 1_000]. */
        public Builder permittedCallsInHalfOpen(int calls) {
            this.permittedCallsInHalfOpen = Checks.inRange("permittedCallsInHalfOpen", calls, 1, 1_000);
            return this;
        }

        /** Failures in a row that open a closed breaker, in [0, 100_000]; 0 turns the rule off. */
        public Builder consecutiveFailuresThreshold(int failures) {
            this.consecutiveFailuresThreshold = Checks.inRange("consecutiveFailuresThreshold", failures, 0, 100_000);
            return this;
        }

        /** See {@link BreakerConfig#automaticTransitionToHalfOpen()}. */
        public Builder automaticTransitionToHalfOpen(boolean enabled) {
            this.automaticTransitionToHalfOpen = enabled;
            return this;
        }

        public BreakerConfig build() {
            if (windowType == WindowType.COUNT_BASED && minimumNumberOfCalls > windowSize) {
                throw new IllegalArgumentException("minimumNumberOfCalls (" + minimumNumberOfCalls
                        + ") must not exceed windowSize (" + windowSize + ") for a COUNT_BASED window");
            }
            if (maxWaitInOpenMillis < waitInOpenMillis) {
                throw new IllegalArgumentException("maxWaitInOpenMillis (" + maxWaitInOpenMillis
                        + ") must be >= waitInOpenMillis (" + waitInOpenMillis + ")");
            }
            return new BreakerConfig(this);
        }

        private static float checkPercent(String key, float percent) {
            if (!(percent >= 1f && percent <= 100f)) {
                throw Checks.outOfRange(key, String.valueOf(percent), "[1, 100] percent");
            }
            return percent;
        }
    }
}
