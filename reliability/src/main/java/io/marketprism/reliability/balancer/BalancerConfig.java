package io.marketprism.reliability.balancer;

import io.marketprism.reliability.Checks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable settings of one exchange's {@link LoadBalancer}: strategy, endpoints with static weights, outlier
 * ejection, panic threshold, EWMA smoothing and dynamic weights. Built by {@link #builder()}.
 *
 * <p>A first ejection lasts 5 s by default, doubling on each repeated one: an ejected endpoint returns only after a
 * health check succeeds, so a short ejection costs one check per period, and an endpoint that recovers from an outage
 * is checked again within 5 s, well inside the 30 s the service promises for traffic to return; at 30 s a recovery
 * just after a failed check waited the whole 30 s.
 */
public final class BalancerConfig {

    private final BalancingStrategy strategy;
    private final List<EndpointSpec> endpoints;
    private final int consecutiveFailuresToEject;
    private final double minSuccessRate;
    private final int successRateCalls;
    private final long baseEjectionMillis;
    private final long maxEjectionMillis;
    private final double maxEjectedShare;
    private final double panicThreshold;
    private final double ewmaAlpha;
    private final boolean dynamicWeights;
    private final double minDynamicWeightShare;
    private final long unavailableRetryMillis;
    private final long seed;

    private BalancerConfig(Builder b) {
        this.strategy = b.strategy;
        this.endpoints = List.copyOf(b.endpoints);
        this.consecutiveFailuresToEject = b.consecutiveFailuresToEject;
        this.minSuccessRate = b.minSuccessRate;
        this.successRateCalls = b.successRateCalls;
        this.baseEjectionMillis = b.baseEjectionMillis;
        this.maxEjectionMillis = b.maxEjectionMillis;
        this.maxEjectedShare = b.maxEjectedShare;
        this.panicThreshold = b.panicThreshold;
        this.ewmaAlpha = b.ewmaAlpha;
        this.dynamicWeights = b.dynamicWeights;
        this.minDynamicWeightShare = b.minDynamicWeightShare;
        this.unavailableRetryMillis = b.unavailableRetryMillis;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Default settings for the given endpoints, each of weight 1. */
    public static BalancerConfig ofDefaults(String... endpointIds) {
        Builder builder = builder();
        for (String id : endpointIds) {
            builder.endpoint(id, 1);
        }
        return builder.build();
    }

    /** A builder preset with this configuration's values, endpoints included. */
    public Builder toBuilder() {
        return new Builder().strategy(strategy).endpoints(endpoints)
                .consecutiveFailuresToEject(consecutiveFailuresToEject).minSuccessRate(minSuccessRate)
                .successRateCalls(successRateCalls).baseEjectionMillis(baseEjectionMillis)
                .maxEjectionMillis(maxEjectionMillis).maxEjectedShare(maxEjectedShare).panicThreshold(panicThreshold)
                .ewmaAlpha(ewmaAlpha).dynamicWeights(dynamicWeights).minDynamicWeightShare(minDynamicWeightShare)
                .unavailableRetryMillis(unavailableRetryMillis).seed(seed);
    }

    public BalancingStrategy strategy() {
        return strategy;
    }

    public List<EndpointSpec> endpoints() {
        return endpoints;
    }

    /** Failures in a row that eject an endpoint. */
    public int consecutiveFailuresToEject() {
        return consecutiveFailuresToEject;
    }

    /** An endpoint whose success rate over the last {@link #successRateCalls()} calls is below this is ejected. */
    public double minSuccessRate() {
        return minSuccessRate;
    }

    /** Number of most recent calls the success rate is taken over (and the least needed to judge it). */
    public int successRateCalls() {
        return successRateCalls;
    }

    /** Ejection time of a first ejection; it doubles with each repeated ejection. */
    public long baseEjectionMillis() {
        return baseEjectionMillis;
    }

    /** Cap of the ejection time; an endpoint back this long without ejection starts again from the base. */
    public long maxEjectionMillis() {
        return maxEjectionMillis;
    }

    /** Most endpoints ejected at once, as a share of all (at least one when the share is above 0). */
    public double maxEjectedShare() {
        return maxEjectedShare;
    }

    /** Panic mode starts when more than this share of endpoints is ejected or refused by the gate. */
    public double panicThreshold() {
        return panicThreshold;
    }

    /** Weight of the newest sample in latency and success EWMAs. */
    public double ewmaAlpha() {
        return ewmaAlpha;
    }

    /** Whether weights shrink with the success EWMA and with latency relative to the fastest endpoint. */
    public boolean dynamicWeights() {
        return dynamicWeights;
    }

    /** Lowest share of its static weight a dynamic weight may drop to. */
    public double minDynamicWeightShare() {
        return minDynamicWeightShare;
    }

    /** Retry hint when the gate refuses every endpoint. */
    public long unavailableRetryMillis() {
        return unavailableRetryMillis;
    }

    /** Seed of the random choices of {@link BalancingStrategy#POWER_OF_TWO_CHOICES}. */
    public long seed() {
        return seed;
    }

    /** Builder with defaults; endpoints must be added. Every setter checks its range. */
    public static final class Builder {
        private BalancingStrategy strategy = BalancingStrategy.WEIGHTED;
        private final List<EndpointSpec> endpoints = new ArrayList<>();
        private int consecutiveFailuresToEject = 5;
        private double minSuccessRate = 0.5;
        private int successRateCalls = 20;
        private long baseEjectionMillis = 5_000;
        private long maxEjectionMillis = 300_000;
        private double maxEjectedShare = 0.5;
        private double panicThreshold = 0.5;
        private double ewmaAlpha = 0.3;
        private boolean dynamicWeights = true;
        private double minDynamicWeightShare = 0.1;
        private long unavailableRetryMillis = 1_000;
        private long seed = 0x6D61726B6574L;

        private Builder() {
        }

        public Builder strategy(BalancingStrategy value) {
            this.strategy = Objects.requireNonNull(value, "strategy");
            return this;
        }

        /** Adds an endpoint with static weight 1..1000. */
        public Builder endpoint(String id, int weight) {
            endpoints.add(new EndpointSpec(id, weight));
            return this;
        }

        /** Replaces the endpoints added so far. */
        public Builder endpoints(List<EndpointSpec> specs) {
            endpoints.clear();
            specs.forEach(spec -> endpoints.add(Objects.requireNonNull(spec, "endpoint")));
            return this;
        }

        /** 1..10,000 failures in a row. */
        public Builder consecutiveFailuresToEject(int failures) {
            this.consecutiveFailuresToEject = Checks.inRange("consecutiveFailuresToEject", failures, 1, 10_000);
            return this;
        }

        /** 0..1; 0 turns success-rate ejection off. */
        public Builder minSuccessRate(double rate) {
            this.minSuccessRate = Checks.inRange("minSuccessRate", rate, 0.0, 1.0);
            return this;
        }

        /** 1..10,000 calls. */
        public Builder successRateCalls(int calls) {
            this.successRateCalls = Checks.inRange("successRateCalls", calls, 1, 10_000);
            return this;
        }

        /** 1 ms..1 day. */
        public Builder baseEjectionMillis(long millis) {
            this.baseEjectionMillis = Checks.inRange("baseEjectionMillis", millis, 1, 86_400_000L);
            return this;
        }

        /** 1 ms..1 day, at least the base. */
        public Builder maxEjectionMillis(long millis) {
            this.maxEjectionMillis = Checks.inRange("maxEjectionMillis", millis, 1, 86_400_000L);
            return this;
        }

        /** 0..1; 0 turns ejection off. */
        public Builder maxEjectedShare(double share) {
            this.maxEjectedShare = Checks.inRange("maxEjectedShare", share, 0.0, 1.0);
            return this;
        }

        /** 0..1; 1 turns panic mode off. */
        public Builder panicThreshold(double share) {
            this.panicThreshold = Checks.inRange("panicThreshold", share, 0.0, 1.0);
            return this;
        }

        /** 0.001..1. */
        public Builder ewmaAlpha(double alpha) {
            this.ewmaAlpha = Checks.inRange("ewmaAlpha", alpha, 0.001, 1.0);
            return this;
        }

        public Builder dynamicWeights(boolean enabled) {
            this.dynamicWeights = enabled;
            return this;
        }

        /** 0.01..1. */
        public Builder minDynamicWeightShare(double share) {
            this.minDynamicWeightShare = Checks.inRange("minDynamicWeightShare", share, 0.01, 1.0);
            return this;
        }

        /** 1 ms..1 hour. */
        public Builder unavailableRetryMillis(long millis) {
            this.unavailableRetryMillis = Checks.inRange("unavailableRetryMillis", millis, 1, 3_600_000L);
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Checks the settings against each other and builds the config. */
        public BalancerConfig build() {
            Checks.inRange("endpoints.count", endpoints.size(), 1, 10_000);
            Set<String> ids = new HashSet<>();
            for (EndpointSpec endpoint : endpoints) {
                if (!ids.add(endpoint.id())) {
                    throw new IllegalArgumentException("endpoint " + endpoint.id() + " is listed twice");
                }
            }
            if (maxEjectionMillis < baseEjectionMillis) {
                throw new IllegalArgumentException("maxEjectionMillis " + maxEjectionMillis
                        + " must be at least baseEjectionMillis " + baseEjectionMillis);
            }
            return new BalancerConfig(this);
        }
    }
}
