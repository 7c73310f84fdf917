package io.marketprism.reliability.config;

import io.marketprism.reliability.balancer.BalancerConfig;
import io.marketprism.reliability.balancer.EndpointSpec;
import io.marketprism.reliability.breaker.BreakerConfig;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.retry.ClassificationRules;
import io.marketprism.reliability.retry.RetryBudgetConfig;
import io.marketprism.reliability.retry.RetryPolicyConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the engine needs to know about one exchange: its endpoints and balancer, its limit-domain budgets,
 * request weights, error classification, and its breaker and retry settings (the module defaults unless
 * overridden). Immutable; presets {@link #binance()}, {@link #okx()}, {@link #deribit()}.
 */
public final class ExchangeProfile {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final String name;
    private final BalancerConfig balancer;
    private final LimiterConfig limiter;
    private final RequestWeights weights;
    private final ClassificationRules classification;
    private final BreakerConfig breaker;
    private final RetryPolicyConfig retry;
    private final RetryBudgetConfig retryBudget;

    private ExchangeProfile(Builder b) {
        this.name = b.name;
        this.balancer = b.balancer;
        this.limiter = b.limiter;
        this.weights = b.weights;
        this.classification = b.classification;
        this.breaker = b.breaker;
        this.retry = b.retry;
        this.retryBudget = b.retryBudget;
    }

    /**
     * Binance spot: endpoints api, api1, api2, api3; 6000 weight and 1200 requests per minute; order book weight by
     * {@code limit} (<=100: 5, <=500: 25, <=1000: 50, above: 250), trades 25, ticker 2 (1 per symbol when several
     * are asked), funding rate and open interest 1.
     */
    public static ExchangeProfile binance() {
        return builder("binance", "api", "api1", "api2", "api3")
                .limiter(LimiterConfig.builder()
                        .bucketCapacity(300).refillPerSecond(100)
                        .windows(WindowLimit.weight(6000, 60_000), WindowLimit.requests(1200, 60_000))
                        .usedWeightWindowMillis(60_000)
                        .build())
                .weights(RequestWeights.of(Map.of(
                        "ORDER_BOOK", "limit:100=5,500=25,1000=50,*=250",
                        "TRADES", "25",
                        "TICKER", "each:symbols=1,min=2",
                        "FUNDING_RATE", "1",
                        "OPEN_INTEREST", "1")))
                .classification(ClassificationRules.binance())
                .build();
    }

    /** OKX: endpoints www and aws; weight 1 per request, 20 requests per 2 s per endpoint family (limit domain). */
    public static ExchangeProfile okx() {
        return builder("okx", "www", "aws")
                .limiter(LimiterConfig.builder()
                        .bucketCapacity(20).refillPerSecond(10)
                        .windows(WindowLimit.requests(20, 2_000))
                        .usedWeightWindowMillis(0)
                        .build())
                .classification(ClassificationRules.okx())
                .build();
    }

    /** Deribit: endpoint www; weight 1 per request, 20 request credits per second. */
    public static ExchangeProfile deribit() {
        return builder("deribit", "www")
                .limiter(LimiterConfig.builder()
                        .bucketCapacity(20).refillPerSecond(20)
                        .windows(WindowLimit.requests(20, 1_000))
                        .usedWeightWindowMillis(0)
                        .build())
                .classification(ClassificationRules.deribit())
                .build();
    }

    /**
     * A profile with module defaults for everything but the endpoints: default breaker, retry, balancer and limiter,
     * every request weighing 1, generic error classification.
     */
    public static Builder builder(String name, String... endpoints) {
        return new Builder(name, endpointSpecs(name, List.of(endpoints)));
    }

    /** A builder preset with this profile's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The same profile with these endpoints (weight 1 each), in this order; ejection and panic settings kept. */
    public ExchangeProfile withEndpoints(List<String> endpoints) {
        return toBuilder().balancer(balancer.toBuilder().endpoints(endpointSpecs(name, endpoints)).build()).build();
    }

    public String name() {
        return name;
    }

    /** Endpoint ids, in configured order. */
    public List<String> endpoints() {
        List<String> ids = new ArrayList<>(balancer.endpoints().size());
        balancer.endpoints().forEach(spec -> ids.add(spec.id()));
        return ids;
    }

    /** The weight the exchange charges for one request of {@code dataType} with {@code params}. */
    public int weightOf(String dataType, Map<String, String> params) {
        return weights.weightOf(dataType, params);
    }

    public BalancerConfig balancer() {
        return balancer;
    }

    /** Budgets of each of this exchange's limit domains. */
    public LimiterConfig limiter() {
        return limiter;
    }

    public RequestWeights weights() {
        return weights;
    }

    public ClassificationRules classification() {
        return classification;
    }

    /** Settings of the breaker of each endpoint. */
    public BreakerConfig breaker() {
        return breaker;
    }

    public RetryPolicyConfig retry() {
        return retry;
    }

    /** Settings of the retry budget of each of this exchange's limit domains. */
    public RetryBudgetConfig retryBudget() {
        return retryBudget;
    }

    @Override
    public String toString() {
        return "ExchangeProfile{" + name + ", endpoints=" + endpoints() + ", weights=" + weights + '}';
    }

    private static List<EndpointSpec> endpointSpecs(String exchange, List<String> ids) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("exchange." + exchange + ".endpoints must name at least one endpoint");
        }
        List<EndpointSpec> specs = new ArrayList<>(ids.size());
        for (String id : ids) {
            specs.add(new EndpointSpec(id, 1));
        }
        return specs;
    }

    /** Builder of {@link ExchangeProfile}; setters replace one component's settings. */
    public static final class Builder {
        private final String name;
        private BalancerConfig balancer;
        private LimiterConfig limiter = LimiterConfig.ofDefaults();
        private RequestWeights weights = RequestWeights.of(Map.of());
        private ClassificationRules classification;
        private BreakerConfig breaker = BreakerConfig.ofDefaults();
        private RetryPolicyConfig retry = RetryPolicyConfig.ofDefaults();
        private RetryBudgetConfig retryBudget = RetryBudgetConfig.ofDefaults();

        private Builder(String name, List<EndpointSpec> endpoints) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("exchange name must match " + NAME + ", was '" + name + "'");
            }
            this.name = name;
            BalancerConfig.Builder balancerBuilder = BalancerConfig.builder();
            endpoints.forEach(spec -> balancerBuilder.endpoint(spec.id(), spec.weight()));
            this.balancer = balancerBuilder.build();
            this.classification = ClassificationRules.forExchange(name);
        }

        private Builder(ExchangeProfile p) {
            this.name = p.name;
            this.balancer = p.balancer;
            this.limiter = p.limiter;
            this.weights = p.weights;
            this.classification = p.classification;
            this.breaker = p.breaker;
            this.retry = p.retry;
            this.retryBudget = p.retryBudget;
        }

        /** Balancer settings including the endpoints. */
        public Builder balancer(BalancerConfig config) {
            this.balancer = Objects.requireNonNull(config, "balancer");
            return this;
        }

        public Builder limiter(LimiterConfig config) {
            this.limiter = Objects.requireNonNull(config, "limiter");
            return this;
        }

        public Builder weights(RequestWeights value) {
            this.weights = Objects.requireNonNull(value, "weights");
            return this;
        }

        public Builder classification(ClassificationRules rules) {
            this.classification = Objects.requireNonNull(rules, "classification");
            return this;
        }

        public Builder breaker(BreakerConfig config) {
            this.breaker = Objects.requireNonNull(config, "breaker");
            return this;
        }

        public Builder retry(RetryPolicyConfig config) {
            this.retry = Objects.requireNonNull(config, "retry");
            return this;
        }

        public Builder retryBudget(RetryBudgetConfig config) {
            this.retryBudget = Objects.requireNonNull(config, "retryBudget");
            return this;
        }

        /** Checks the endpoint names (no '/', it separates exchange and endpoint in state keys) and builds. */
        public ExchangeProfile build() {
            for (EndpointSpec spec : balancer.endpoints()) {
                String endpoint = spec.id();
                if (endpoint.indexOf('/') >= 0) {
                    throw new IllegalArgumentException("exchange." + name + ".endpoints: endpoint '" + endpoint
                            + "' must not contain '/'");
                }
            }
            return new ExchangeProfile(this);
        }
    }
}
