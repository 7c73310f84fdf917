package io.marketprism.reliability.config;

import static io.marketprism.reliability.config.Setting.Part.BALANCER;
import static io.marketprism.reliability.config.Setting.Part.BREAKER;
import static io.marketprism.reliability.config.Setting.Part.LIMITER;
import static io.marketprism.reliability.config.Setting.Part.RETRY;
import static io.marketprism.reliability.config.Setting.Part.RETRY_BUDGET;
import static io.marketprism.reliability.config.ValueType.bool;
import static io.marketprism.reliability.config.ValueType.decimal;
import static io.marketprism.reliability.config.ValueType.integer;
import static io.marketprism.reliability.config.ValueType.longInteger;
import static io.marketprism.reliability.config.ValueType.oneOf;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.balancer.BalancerConfig;
import io.marketprism.reliability.balancer.BalancingStrategy;
import io.marketprism.reliability.breaker.BreakerConfig;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.retry.BackoffStrategy;
import io.marketprism.reliability.retry.Jitter;
import io.marketprism.reliability.retry.RetryBudgetConfig;
import io.marketprism.reliability.retry.RetryPolicyConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The declarations of every key {@link ReliabilityConfig#fromMap} reads, in table order: one line per component
 * setting (its type gives parsing, range and the documented allowed values; the presets give the documented
 * default), then the keys only an exchange has. Ranges match the builders', which also check fields against each
 * other.
 */
final class Settings {

    private static final long DAY_MS = 86_400_000;

    /** Every component setting by its name (the key without the {@code exchange.<name>.} prefix), in table order. */
    static final Map<String, Setting<?, ?>> BY_NAME = index(List.of(
            Setting.<BreakerConfig.Builder, Double>of(BREAKER, "breaker.failure.rate.threshold", "failureRateThreshold",
                    decimal(1, 100),
                    "percentage of failed calls in the window that opens an endpoint's breaker",
                    (b, v) -> b.failureRateThreshold(v.floatValue()), p -> (double) p.breaker().failureRateThreshold()),
            Setting.<BreakerConfig.Builder, Double>of(BREAKER, "breaker.slow.call.rate.threshold",
                    "slowCallRateThreshold", decimal(1, 100),
                    "percentage of slow calls in the window that opens the breaker",
                    (b, v) -> b.slowCallRateThreshold(v.floatValue()),
                    p -> (double) p.breaker().slowCallRateThreshold()),
            Setting.of(BREAKER, "breaker.slow.call.duration.ms", "slowCallDurationThresholdMillis",
                    longInteger(1, 3_600_000),
                    "a call slower than this counts as slow",
                    BreakerConfig.Builder::slowCallDurationThresholdMillis,
                    p -> p.breaker().slowCallDurationThresholdMillis()),
            Setting.<BreakerConfig.Builder, Integer>of(BREAKER, "breaker.window.calls", "windowSize",
                    integer(1, 10_000),
                    "calls in the breaker's count-based window",
                    (b, v) -> b.window(BreakerConfig.WindowType.COUNT_BASED, v), p -> p.breaker().windowSize()),
            Setting.of(BREAKER, "breaker.minimum.calls", "minimumNumberOfCalls", integer(1, 100_000),
                    "calls the window must hold before rates are judged (at most breaker.window.calls)",
                    BreakerConfig.Builder::minimumNumberOfCalls, p -> p.breaker().minimumNumberOfCalls()),
            Setting.of(BREAKER, "breaker.consecutive.failures", "consecutiveFailuresThreshold", integer(0, 100_000),
                    "failures in a row that open a closed breaker; 0 turns the rule off",
                    BreakerConfig.Builder::consecutiveFailuresThreshold,
                    p -> p.breaker().consecutiveFailuresThreshold()),
            Setting.of(BREAKER, "breaker.wait.in.open.ms", "waitInOpenMillis", longInteger(1, DAY_MS),
                    "how long an open breaker refuses calls before it lets probes through",
                    BreakerConfig.Builder::waitInOpenMillis, p -> p.breaker().waitInOpenMillis()),
            Setting.of(BREAKER, "breaker.wait.multiplier", "waitMultiplier", decimal(1.0, 10.0),
                    "growth of the open wait each time the breaker re-opens in a row; 1 keeps it fixed",
                    BreakerConfig.Builder::waitMultiplier, p -> p.breaker().waitMultiplier()),
            Setting.of(BREAKER, "breaker.max.wait.in.open.ms", "maxWaitInOpenMillis", longInteger(1, DAY_MS),
                    "upper bound of the growing open wait (at least breaker.wait.in.open.ms)",
                    BreakerConfig.Builder::maxWaitInOpenMillis, p -> p.breaker().maxWaitInOpenMillis()),
            Setting.of(BREAKER, "breaker.half.open.calls", "permittedCallsInHalfOpen", integer(1, 1_000),
                    "probe calls a half-open breaker lets through",
                    BreakerConfig.Builder::permittedCallsInHalfOpen, p -> p.breaker().permittedCallsInHalfOpen()),
            Setting.of(RETRY, "retry.strategy", "strategy", oneOf(BackoffStrategy.class),
                    "how the delay grows from one retry to the next",
                    RetryPolicyConfig.Builder::strategy, p -> p.retry().strategy()),
            Setting.of(RETRY, "retry.jitter", "jitter", oneOf(Jitter.class),
                    "how the delay is randomised (deterministically per task and attempt)",
                    RetryPolicyConfig.Builder::jitter, p -> p.retry().jitter()),
            Setting.of(RETRY, "retry.max.attempts", "maxAttempts",
                    integer(1, 1_000), "attempts in all, the first included",
                    RetryPolicyConfig.Builder::maxAttempts, p -> p.retry().maxAttempts()),
            Setting.of(RETRY, "retry.base.delay.ms", "initialDelayMillis",
                    longInteger(1, 3_600_000), "delay before the first retry",
                    RetryPolicyConfig.Builder::initialDelayMillis, p -> p.retry().initialDelayMillis()),
            Setting.of(RETRY, "retry.max.delay.ms", "maxDelayMillis", longInteger(1, DAY_MS),
                    "cap of every backoff delay (a Retry-After may ask for longer)",
                    RetryPolicyConfig.Builder::maxDelayMillis, p -> p.retry().maxDelayMillis()),
            Setting.of(RETRY, "retry.multiplier", "multiplier",
                    decimal(1.0, 10.0), "growth factor of EXPONENTIAL and ADAPTIVE",
                    RetryPolicyConfig.Builder::multiplier, p -> p.retry().multiplier()),
            Setting.of(RETRY, "retry.adaptive.gain", "adaptiveGain", decimal(0.0, 100.0),
                    "how much ADAPTIVE lengthens delays with the domain's recent failure rate",
                    RetryPolicyConfig.Builder::adaptiveGain, p -> p.retry().adaptiveGain()),
            Setting.of(RETRY_BUDGET, "retry.budget.ratio", "retryRatio", decimal(0.0, 1.0),
                    "retries a limit domain may make, as a share of its first attempts in the window",
                    RetryBudgetConfig.Builder::retryRatio, p -> p.retryBudget().retryRatio()),
            Setting.of(RETRY_BUDGET, "retry.budget.window.ms", "windowMillis", longInteger(100, 3_600_000),
                    "sliding window of the retry budget (a multiple of 10 ms)",
                    RetryBudgetConfig.Builder::windowMillis, p -> p.retryBudget().windowMillis()),
            Setting.of(RETRY_BUDGET, "retry.budget.min.retries", "minRetriesPerWindow", integer(0, 1_000_000),
                    "retries always allowed per window, however quiet the domain",
                    RetryBudgetConfig.Builder::minRetriesPerWindow, p -> p.retryBudget().minRetriesPerWindow()),
            Setting.of(BALANCER, "balancer.strategy", "strategy", oneOf(BalancingStrategy.class),
                    "how an exchange's endpoint is chosen per call",
                    BalancerConfig.Builder::strategy, p -> p.balancer().strategy()),
            Setting.of(BALANCER, "balancer.eject.consecutive.failures", "consecutiveFailuresToEject",
                    integer(1, 10_000),
                    "failures in a row that eject an endpoint from rotation",
                    BalancerConfig.Builder::consecutiveFailuresToEject, p -> p.balancer().consecutiveFailuresToEject()),
            Setting.of(BALANCER, "balancer.eject.min.success.rate", "minSuccessRate", decimal(0.0, 1.0),
                    "an endpoint below this success rate over its last calls is ejected; 0 turns it off",
                    BalancerConfig.Builder::minSuccessRate, p -> p.balancer().minSuccessRate()),
            Setting.of(BALANCER, "balancer.eject.base.ms", "baseEjectionMillis", longInteger(1, DAY_MS),
                    "length of a first ejection; it doubles with each repeated one (a failed health check ejects again"
                            + " for as long)",
                    BalancerConfig.Builder::baseEjectionMillis, p -> p.balancer().baseEjectionMillis()),
            Setting.of(BALANCER, "balancer.eject.max.ms", "maxEjectionMillis", longInteger(1, DAY_MS),
                    "cap of the ejection length (at least balancer.eject.base.ms)",
                    BalancerConfig.Builder::maxEjectionMillis, p -> p.balancer().maxEjectionMillis()),
            Setting.of(BALANCER, "balancer.eject.max.share", "maxEjectedShare", decimal(0.0, 1.0),
                    "most endpoints ejected at once, as a share of all; 0 turns ejection off",
                    BalancerConfig.Builder::maxEjectedShare, p -> p.balancer().maxEjectedShare()),
            Setting.of(BALANCER, "balancer.panic.threshold", "panicThreshold", decimal(0.0, 1.0),
                    "above this share of unavailable endpoints ejections are ignored; 1 turns panic off",
                    BalancerConfig.Builder::panicThreshold, p -> p.balancer().panicThreshold()),
            Setting.of(BALANCER, "balancer.dynamic.weights", "dynamicWeights", bool(),
                    "whether endpoint weights shrink with failures and latency",
                    BalancerConfig.Builder::dynamicWeights, p -> p.balancer().dynamicWeights()),
            Setting.of(LIMITER, "limiter.queue.capacity", "queueCapacity", integer(1, 10_000_000),
                    "tasks waiting per limit domain; beyond it the lowest priority is shed",
                    LimiterConfig.Builder::queueCapacity, p -> p.limiter().queueCapacity()),
            Setting.of(LIMITER, "limiter.critical.reserve", "criticalReserveShare", decimal(0.0, 0.5),
                    "share of every budget only CRITICAL tasks may use",
                    LimiterConfig.Builder::criticalReserveShare, p -> p.limiter().criticalReserveShare()),
            Setting.of(LIMITER, "limiter.rate.cut.factor", "rateCutFactor", decimal(0.01, 0.99),
                    "factor the refill rate is multiplied by on every 429",
                    LimiterConfig.Builder::rateCutFactor, p -> p.limiter().rateCutFactor()),
            Setting.of(LIMITER, "limiter.ban.default.ms", "defaultBanMillis", longInteger(1, DAY_MS),
                    "how long a 418 without Retry-After bans the domain",
                    LimiterConfig.Builder::defaultBanMillis, p -> p.limiter().defaultBanMillis())));

    /** Default of {@link #CLOCK_SKEW_TOLERANCE}. */
    static final long DEFAULT_CLOCK_SKEW_TOLERANCE_MILLIS = 5_000;

    private static final String CLOCK_SKEW_TOLERANCE_KEY = "state.clock.skew.tolerance.ms";

    /**
     * Every key of the reliability configuration, in table order, defaults as the profiles of the shipped exchange
     * definitions have them.
     */
    static final ConfigTable TABLE = table(ReliabilityConfig.profilesOf(ExchangeDefinitions.builtIn()));

    /** The engine-wide key of {@link ReliabilityConfig#clockSkewToleranceMillis()}, as {@link #TABLE} declares it. */
    @SuppressWarnings("unchecked")
    static final ConfigKey<Long> CLOCK_SKEW_TOLERANCE =
            (ConfigKey<Long>) TABLE.find(CLOCK_SKEW_TOLERANCE_KEY).orElseThrow();

    private Settings() {
    }

    private static ConfigTable table(List<ExchangeProfile> presets) {
        ConfigTable.Builder table = ConfigTable.builder();
        for (Setting<?, ?> setting : BY_NAME.values()) {
            declare(table, setting, presets);
        }
        table.define(CLOCK_SKEW_TOLERANCE_KEY, longInteger(0, 3_600_000), DEFAULT_CLOCK_SKEW_TOLERANCE_MILLIS,
                "saved limiter, breaker, balancer and retry-budget clocks further ahead of this instance's clock are"
                        + " moved back to now when loaded (a clock-skew event), and so is loaded state when this"
                        + " instance's clock steps back further");
        table.define("exchange.<name>.endpoints", ValueType.names("[^/,\\s]+", "comma-separated names without '/'"),
                null, defaultsOf(presets, p -> String.join(",", p.endpoints())),
                "the exchange's endpoints; the service configuration normally supplies them");
        table.define("exchange.<name>.weight.<data_type>",
                ValueType.of("N, PARAM:BOUND=N,...,*=N, count:PARAM:BOUND=N,...,*=N or each:PARAM=N,min=N",
                        spec -> spec, spec -> spec), null,
                defaultsOf(presets, p -> p.weights().specs().toString()),
                "request weight of a data type (ORDER_BOOK, TRADES, ...); unlisted types weigh 1");
        table.define("exchange.<name>.error.code.<code>", oneOf(ErrorClass.class), null, "per exchange definition",
                "class of an exchange error code (e.g. -1003 on Binance)");
        table.define("exchange.<name>.error.status.<status>", oneOf(ErrorClass.class), null,
                "429/418 RATE_LIMITED, 408 TIMEOUT, 4xx NON_RETRYABLE, 5xx SERVER", "class of an HTTP status");
        table.define("exchange.<name>.error.exception.<class>", oneOf(ErrorClass.class), null,
                "java.net and TLS exceptions NETWORK, timeouts TIMEOUT",
                "class of an exception's fully qualified name");
        return table.build();
    }

    private static <T> void declare(ConfigTable.Builder table, Setting<?, T> setting, List<ExchangeProfile> presets) {
        table.define(setting.pattern(), setting.type, null, defaultsOf(presets, setting::valueIn), setting.meaning);
    }

    /** One value for all presets as {@code `v`}, else each exchange's, e.g. {@code binance: `300`; okx: `20`}. */
    private static String defaultsOf(List<ExchangeProfile> presets, Function<ExchangeProfile, String> value) {
        Map<String, String> byExchange = new LinkedHashMap<>();
        presets.forEach(p -> byExchange.put(p.name(), value.apply(p)));
        if (byExchange.values().stream().distinct().count() == 1) {
            return "`" + byExchange.values().iterator().next() + "`";
        }
        List<String> parts = new ArrayList<>();
        byExchange.forEach((name, v) -> parts.add(name + ": `" + v + "`"));
        return String.join("; ", parts);
    }

    private static Map<String, Setting<?, ?>> index(List<Setting<?, ?>> settings) {
        Map<String, Setting<?, ?>> byName = new LinkedHashMap<>();
        settings.forEach(setting -> byName.put(setting.name, setting));
        return byName;
    }
}
