package io.marketprism.reliability.config;

import io.marketprism.reliability.balancer.BalancerConfig;
import io.marketprism.reliability.balancer.EndpointSpec;
import io.marketprism.reliability.breaker.BreakerConfig;
import io.marketprism.reliability.exchange.ExchangeDefinition;
import io.marketprism.reliability.exchange.HostSet;
import io.marketprism.reliability.exchange.LimitGroup;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.retry.ClassificationRules;
import io.marketprism.reliability.retry.RetryBudgetConfig;
import io.marketprism.reliability.retry.RetryPolicyConfig;
import io.marketprism.reliability.state.DomainId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the engine needs to know about one exchange (a host set of an exchange definition, e.g.
 * {@code binance-spot}): its endpoints and balancer, the budgets of its limit groups, request weights, error
 * classification, and its breaker and retry settings (the module defaults unless overridden). Immutable; built from a
 * definition with {@link #of}, or by hand with {@link #builder}.
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
    private final Map<String, LimitGroup> limitGroups;
    private final String healthGroup;
    private final int healthWeight;

    private ExchangeProfile(Builder b) {
        this.limitGroups = Map.copyOf(b.limitGroups);
        this.healthGroup = b.healthGroup;
        this.healthWeight = b.healthWeight;
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
     * The profile of one host set of an exchange definition: its endpoints, its limit groups' budgets, the weights
     * and error codes of its requests; breaker, retry and balancer settings the module defaults.
     */
    public static ExchangeProfile of(ExchangeDefinition definition, String hostSet) {
        HostSet hosts = definition.hostSets().get(hostSet);
        if (hosts == null) {
            throw new IllegalArgumentException(definition.name() + " has no host set '" + hostSet + "'; host sets: "
                    + definition.hostSets().keySet());
        }
        Builder b = builder(hostSet, hosts.endpoints().keySet().toArray(new String[0]))
                .weights(RequestWeights.of(definition.weightsOf(hostSet)))
                .classification(definition.errors().classification(hostSet));
        definition.limitGroupsOf(hostSet).forEach(group -> b.limitGroups.put(group.name(), group));
        return b.health(hosts.healthGroup(), hosts.healthWeight()).build();
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

    /**
     * The limiter settings of every domain: queue, reserve, adaptation and bans, and, for a profile without limit
     * groups, the budgets too.
     */
    public LimiterConfig limiter() {
        return limiter;
    }

    /** The limit groups of a profile built from a definition, by name; empty for one built by hand. */
    public Map<String, LimitGroup> limitGroups() {
        return limitGroups;
    }

    /**
     * The limiter of {@code domain}: {@link #limiter()} with the budgets of the domain's limit group, or
     * {@link #limiter()} itself for a profile without limit groups.
     *
     * @throws IllegalArgumentException when the profile has limit groups and the domain names none of them
     */
    public LimiterConfig limiterOf(DomainId domain) {
        if (limitGroups.isEmpty()) {
            return limiter;
        }
        LimitGroup group = domain.group() == null ? null : limitGroups.get(domain.group());
        if (group == null) {
            throw new IllegalArgumentException("domain " + domain + " names no limit group of " + name
                    + "; groups: " + new java.util.TreeSet<>(limitGroups.keySet()));
        }
        return group.budgetOn(limiter);
    }

    public RequestWeights weights() {
        return weights;
    }

    /**
     * The limit group the exchange charges a health probe of this host set to, whose budget the probe takes; null
     * when probes are charged to no group of the profile.
     */
    public String healthGroup() {
        return healthGroup;
    }

    /** The weight of one health probe in {@link #healthGroup()}. */
    public int healthWeight() {
        return healthWeight;
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
        private final Map<String, LimitGroup> limitGroups = new java.util.LinkedHashMap<>();
        private String healthGroup;
        private int healthWeight = 1;

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
            this.limitGroups.putAll(p.limitGroups);
            this.healthGroup = p.healthGroup;
            this.healthWeight = p.healthWeight;
        }

        /**
         * The limit group health probes are charged to, with the weight of one; a null group charges them to none.
         * In a profile with limit groups it must be one of them when {@link #build} is called.
         */
        public Builder health(String group, int weight) {
            if (weight < 1) {
                throw new IllegalArgumentException("health probe weight must be at least 1, not " + weight);
            }
            this.healthGroup = group;
            this.healthWeight = weight;
            return this;
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
            if (healthGroup != null && !limitGroups.isEmpty() && !limitGroups.containsKey(healthGroup)) {
                throw new IllegalArgumentException("exchange " + name + ": health probes are charged to limit group '"
                        + healthGroup + "', which it does not have; groups: " + limitGroups.keySet());
            }
            return new ExchangeProfile(this);
        }
    }
}
