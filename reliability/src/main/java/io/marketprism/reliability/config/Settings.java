package io.marketprism.reliability.config;

import static io.marketprism.reliability.config.Setting.Part.BALANCER;
import static io.marketprism.reliability.config.Setting.Part.BREAKER;
import static io.marketprism.reliability.config.Setting.Part.LIMITER;
import static io.marketprism.reliability.config.Setting.Part.RETRY;
import static io.marketprism.reliability.config.Setting.Part.RETRY_BUDGET;
import static io.marketprism.reliability.config.Setting.bool;
import static io.marketprism.reliability.config.Setting.doubleIn;
import static io.marketprism.reliability.config.Setting.intIn;
import static io.marketprism.reliability.config.Setting.longIn;
import static io.marketprism.reliability.config.Setting.oneOf;

import io.marketprism.reliability.Checks;
import io.marketprism.reliability.balancer.BalancerConfig;
import io.marketprism.reliability.balancer.BalancingStrategy;
import io.marketprism.reliability.breaker.BreakerConfig;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.limiter.WindowMeasure;
import io.marketprism.reliability.retry.BackoffStrategy;
import io.marketprism.reliability.retry.Jitter;
import io.marketprism.reliability.retry.RetryBudgetConfig;
import io.marketprism.reliability.retry.RetryPolicyConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The catalogue of component settings {@link ReliabilityConfig#fromMap} reads; ranges match the builders'. */
final class Settings {

    private static final String DAY_MS = "86400000";

    /** Every setting by its name (the key without the {@code exchange.<name>.} prefix), in table order. */
    static final Map<String, Setting> BY_NAME = index(List.of(
            Setting.<BreakerConfig.Builder, Double>of(BREAKER, "breaker.failure.rate.threshold", "[1, 100]",
                    "percentage of failed calls in the window that opens an endpoint's breaker",
                    doubleIn(1, 100), (b, v) -> b.failureRateThreshold(v.floatValue()),
                    p -> p.breaker().failureRateThreshold()),
            Setting.<BreakerConfig.Builder, Double>of(BREAKER, "breaker.slow.call.rate.threshold", "[1, 100]",
                    "percentage of slow calls in the window that opens the breaker",
                    doubleIn(1, 100), (b, v) -> b.slowCallRateThreshold(v.floatValue()),
                    p -> p.breaker().slowCallRateThreshold()),
            Setting.<BreakerConfig.Builder, Long>of(BREAKER, "breaker.slow.call.duration.ms", "[1, 3600000]",
                    "a call slower than this counts as slow",
                    longIn(1, 3_600_000), BreakerConfig.Builder::slowCallDurationThresholdMillis,
                    p -> p.breaker().slowCallDurationThresholdMillis()),
            Setting.<BreakerConfig.Builder, Integer>of(BREAKER, "breaker.window.calls", "[1, 10000]",
                    "calls in the breaker's count-based window",
                    intIn(1, 10_000), (b, v) -> b.window(BreakerConfig.WindowType.COUNT_BASED, v),
                    p -> p.breaker().windowSize()),
            Setting.<BreakerConfig.Builder, Integer>of(BREAKER, "breaker.minimum.calls", "[1, 100000]",
                    "calls the window must hold before rates are judged (at most breaker.window.calls)",
                    intIn(1, 100_000), BreakerConfig.Builder::minimumNumberOfCalls,
                    p -> p.breaker().minimumNumberOfCalls()),
            Setting.<BreakerConfig.Builder, Integer>of(BREAKER, "breaker.consecutive.failures", "[0, 100000]",
                    "failures in a row that open a closed breaker; 0 turns the rule off",
                    intIn(0, 100_000), BreakerConfig.Builder::consecutiveFailuresThreshold,
                    p -> p.breaker().consecutiveFailuresThreshold()),
            Setting.<BreakerConfig.Builder, Long>of(BREAKER, "breaker.wait.in.open.ms", "[1, " + DAY_MS + "]",
                    "how long an open breaker refuses calls before it lets probes through",
                    longIn(1, 86_400_000), BreakerConfig.Builder::waitInOpenMillis,
                    p -> p.breaker().waitInOpenMillis()),
            Setting.<BreakerConfig.Builder, Double>of(BREAKER, "breaker.wait.multiplier", "[1.0, 10.0]",
                    "growth of the open wait each time the breaker re-opens in a row; 1 keeps it fixed",
                    doubleIn(1.0, 10.0), BreakerConfig.Builder::waitMultiplier,
                    p -> p.breaker().waitMultiplier()),
            Setting.<BreakerConfig.Builder, Long>of(BREAKER, "breaker.max.wait.in.open.ms", "[1, " + DAY_MS + "]",
                    "upper bound of the growing open wait (at least breaker.wait.in.open.ms)",
                    longIn(1, 86_400_000), BreakerConfig.Builder::maxWaitInOpenMillis,
                    p -> p.breaker().maxWaitInOpenMillis()),
            Setting.<BreakerConfig.Builder, Integer>of(BREAKER, "breaker.half.open.calls", "[1, 1000]",
                    "probe calls a half-open breaker lets through",
                    intIn(1, 1_000), BreakerConfig.Builder::permittedCallsInHalfOpen,
                    p -> p.breaker().permittedCallsInHalfOpen()),
            Setting.<RetryPolicyConfig.Builder, BackoffStrategy>of(RETRY, "retry.strategy",
                    Setting.names(BackoffStrategy.class), "how the delay grows from one retry to the next",
                    oneOf(BackoffStrategy.class), RetryPolicyConfig.Builder::strategy, p -> p.retry().strategy()),
            Setting.<RetryPolicyConfig.Builder, Jitter>of(RETRY, "retry.jitter", Setting.names(Jitter.class),
                    "how the delay is randomised (deterministically per task and attempt)",
                    oneOf(Jitter.class), RetryPolicyConfig.Builder::jitter, p -> p.retry().jitter()),
            Setting.<RetryPolicyConfig.Builder, Integer>of(RETRY, "retry.max.attempts", "[1, 1000]",
                    "attempts in all, the first included",
                    intIn(1, 1_000), RetryPolicyConfig.Builder::maxAttempts, p -> p.retry().maxAttempts()),
            Setting.<RetryPolicyConfig.Builder, Long>of(RETRY, "retry.base.delay.ms", "[1, 3600000]",
                    "delay before the first retry",
                    longIn(1, 3_600_000), RetryPolicyConfig.Builder::initialDelayMillis,
                    p -> p.retry().initialDelayMillis()),
            Setting.<RetryPolicyConfig.Builder, Long>of(RETRY, "retry.max.delay.ms", "[1, " + DAY_MS + "]",
                    "cap of every backoff delay (a Retry-After may ask for longer)",
                    longIn(1, 86_400_000), RetryPolicyConfig.Builder::maxDelayMillis,
                    p -> p.retry().maxDelayMillis()),
            Setting.<RetryPolicyConfig.Builder, Double>of(RETRY, "retry.multiplier", "[1.0, 10.0]",
                    "growth factor of EXPONENTIAL and ADAPTIVE",
                    doubleIn(1.0, 10.0), RetryPolicyConfig.Builder::multiplier, p -> p.retry().multiplier()),
            Setting.<RetryPolicyConfig.Builder, Double>of(RETRY, "retry.adaptive.gain", "[0.0, 100.0]",
                    "how much ADAPTIVE lengthens delays with the domain's recent failure rate",
                    doubleIn(0.0, 100.0), RetryPolicyConfig.Builder::adaptiveGain,
                    p -> p.retry().adaptiveGain()),
            Setting.<RetryBudgetConfig.Builder, Double>of(RETRY_BUDGET, "retry.budget.ratio", "[0.0, 1.0]",
                    "retries a limit domain may make, as a share of its first attempts in the window",
                    doubleIn(0.0, 1.0), RetryBudgetConfig.Builder::retryRatio, p -> p.retryBudget().retryRatio()),
            Setting.<RetryBudgetConfig.Builder, Long>of(RETRY_BUDGET, "retry.budget.window.ms", "[100, 3600000]",
                    "sliding window of the retry budget (a multiple of 10 ms)",
                    longIn(100, 3_600_000), RetryBudgetConfig.Builder::windowMillis,
                    p -> p.retryBudget().windowMillis()),
            Setting.<RetryBudgetConfig.Builder, Integer>of(RETRY_BUDGET, "retry.budget.min.retries",
                    "[0, 1000000]", "retries always allowed per window, however quiet the domain",
                    intIn(0, 1_000_000), RetryBudgetConfig.Builder::minRetriesPerWindow,
                    p -> p.retryBudget().minRetriesPerWindow()),
            Setting.<BalancerConfig.Builder, BalancingStrategy>of(BALANCER, "balancer.strategy",
                    Setting.names(BalancingStrategy.class), "how an exchange's endpoint is chosen per call",
                    oneOf(BalancingStrategy.class), BalancerConfig.Builder::strategy,
                    p -> p.balancer().strategy()),
            Setting.<BalancerConfig.Builder, Integer>of(BALANCER, "balancer.eject.consecutive.failures",
                    "[1, 10000]", "failures in a row that eject an endpoint from rotation",
                    intIn(1, 10_000), BalancerConfig.Builder::consecutiveFailuresToEject,
                    p -> p.balancer().consecutiveFailuresToEject()),
            Setting.<BalancerConfig.Builder, Double>of(BALANCER, "balancer.eject.min.success.rate", "[0.0, 1.0]",
                    "an endpoint below this success rate over its last calls is ejected; 0 turns it off",
                    doubleIn(0.0, 1.0), BalancerConfig.Builder::minSuccessRate,
                    p -> p.balancer().minSuccessRate()),
            Setting.<BalancerConfig.Builder, Long>of(BALANCER, "balancer.eject.base.ms", "[1, " + DAY_MS + "]",
                    "length of a first ejection; it doubles with each repeated one",
                    longIn(1, 86_400_000), BalancerConfig.Builder::baseEjectionMillis,
                    p -> p.balancer().baseEjectionMillis()),
            Setting.<BalancerConfig.Builder, Long>of(BALANCER, "balancer.eject.max.ms", "[1, " + DAY_MS + "]",
                    "cap of the ejection length (at least balancer.eject.base.ms)",
                    longIn(1, 86_400_000), BalancerConfig.Builder::maxEjectionMillis,
                    p -> p.balancer().maxEjectionMillis()),
            Setting.<BalancerConfig.Builder, Double>of(BALANCER, "balancer.eject.max.share", "[0.0, 1.0]",
                    "most endpoints ejected at once, as a share of all; 0 turns ejection off",
                    doubleIn(0.0, 1.0), BalancerConfig.Builder::maxEjectedShare,
                    p -> p.balancer().maxEjectedShare()),
            Setting.<BalancerConfig.Builder, Double>of(BALANCER, "balancer.panic.threshold", "[0.0, 1.0]",
                    "above this share of unavailable endpoints ejections are ignored; 1 turns panic off",
                    doubleIn(0.0, 1.0), BalancerConfig.Builder::panicThreshold,
                    p -> p.balancer().panicThreshold()),
            Setting.<BalancerConfig.Builder, Boolean>of(BALANCER, "balancer.dynamic.weights", "{true, false}",
                    "whether endpoint weights shrink with failures and latency",
                    bool(), BalancerConfig.Builder::dynamicWeights, p -> p.balancer().dynamicWeights()),
            Setting.<LimiterConfig.Builder, Integer>of(LIMITER, "limiter.queue.capacity", "[1, 10000000]",
                    "tasks waiting per limit domain; beyond it the lowest priority is shed",
                    intIn(1, 10_000_000), LimiterConfig.Builder::queueCapacity,
                    p -> p.limiter().queueCapacity()),
            Setting.<LimiterConfig.Builder, Double>of(LIMITER, "limiter.critical.reserve", "[0.0, 0.5]",
                    "share of every budget only CRITICAL tasks may use",
                    doubleIn(0.0, 0.5), LimiterConfig.Builder::criticalReserveShare,
                    p -> p.limiter().criticalReserveShare()),
            Setting.<LimiterConfig.Builder, Double>of(LIMITER, "limiter.rate.cut.factor", "[0.01, 0.99]",
                    "factor the refill rate is multiplied by on every 429",
                    doubleIn(0.01, 0.99), LimiterConfig.Builder::rateCutFactor,
                    p -> p.limiter().rateCutFactor()),
            Setting.<LimiterConfig.Builder, Long>of(LIMITER, "limiter.ban.default.ms", "[1, " + DAY_MS + "]",
                    "how long a 418 without Retry-After bans the domain",
                    longIn(1, 86_400_000), LimiterConfig.Builder::defaultBanMillis,
                    p -> p.limiter().defaultBanMillis()),
            Setting.<LimiterConfig.Builder, Long>perExchange(LIMITER, "limiter.bucket.capacity",
                    "[1, 1000000000]", "burst size of the domain's token bucket, in weight",
                    longIn(1, 1_000_000_000L), LimiterConfig.Builder::bucketCapacity,
                    p -> p.limiter().bucketCapacity()),
            Setting.<LimiterConfig.Builder, Double>perExchange(LIMITER, "limiter.refill.per.second",
                    "[0.001, 1.0E9]", "weight per second the token bucket refills at full rate",
                    doubleIn(0.001, 1e9), LimiterConfig.Builder::refillPerSecond,
                    p -> p.limiter().refillPerSecond()),
            Setting.<LimiterConfig.Builder, WindowLimit[]>perExchange(LIMITER, "limiter.windows",
                    "1..8 of weight|requests:LIMIT/MILLIS",
                    "rolling budgets of the domain, e.g. weight:6000/60000,requests:1200/60000",
                    Settings::parseWindows, LimiterConfig.Builder::windows, p -> formatWindows(p.limiter())),
            Setting.<LimiterConfig.Builder, Long>perExchange(LIMITER, "limiter.used.weight.window.ms",
                    "0 or a weight window's length", "window the exchange's used-weight header reports; 0 ignores it",
                    longIn(0, WindowLimit.MAX_LENGTH_MILLIS), LimiterConfig.Builder::usedWeightWindowMillis,
                    p -> p.limiter().usedWeightWindowMillis())));

    private Settings() {
    }

    static String formatWindows(LimiterConfig config) {
        List<String> parts = new ArrayList<>();
        for (WindowLimit window : config.windows()) {
            parts.add(window.measure().name().toLowerCase(Locale.ROOT) + ":" + window.limit() + "/"
                    + window.lengthMillis());
        }
        return String.join(",", parts);
    }

    private static WindowLimit[] parseWindows(String key, String text) {
        String[] parts = text.split(",");
        WindowLimit[] windows = new WindowLimit[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            int colon = part.indexOf(':');
            int slash = part.indexOf('/');
            try {
                WindowMeasure measure = WindowMeasure.valueOf(part.substring(0, colon).toUpperCase(Locale.ROOT));
                long limit = Long.parseLong(part.substring(colon + 1, slash).trim());
                long length = Long.parseLong(part.substring(slash + 1).trim());
                windows[i] = measure == WindowMeasure.WEIGHT
                        ? WindowLimit.weight(limit, length) : WindowLimit.requests(limit, length);
            } catch (RuntimeException e) {
                throw Checks.outOfRange(key, "'" + text + "'", "1..8 of weight|requests:LIMIT/MILLIS ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            }
        }
        return windows;
    }

    private static Map<String, Setting> index(List<Setting> settings) {
        Map<String, Setting> byName = new LinkedHashMap<>();
        settings.forEach(setting -> byName.put(setting.name, setting));
        return byName;
    }
}
