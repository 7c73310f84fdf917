package io.marketprism.reliability.engine;

import io.marketprism.reliability.balancer.BalancingStrategy;
import io.marketprism.reliability.breaker.BreakerConfig;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.retry.BackoffStrategy;
import io.marketprism.reliability.retry.Jitter;
import io.marketprism.reliability.retry.RetryPolicyConfig;

/** A small, predictable exchange "ex" with endpoints a and b, for engine tests. */
final class EngineFixture {

    static final long T0 = 1_700_000_000_000L;
    static final long BREAKER_WAIT = 10_000;

    private EngineFixture() {
    }

    /**
     * Round robin over a and b; a bucket of 2 refilling 1 per second, queue of 3, no CRITICAL reserve; breakers open
     * after 3 failures in a row for 10 s; 3 attempts, 100 ms doubling, no jitter.
     */
    static ReliabilityConfig config() {
        ExchangeProfile base = ExchangeProfile.builder("ex", "a", "b").build();
        return ReliabilityConfig.of(base.toBuilder()
                .balancer(base.balancer().toBuilder().strategy(BalancingStrategy.ROUND_ROBIN).build())
                .limiter(LimiterConfig.builder().bucketCapacity(2).refillPerSecond(1)
                        .windows(WindowLimit.requests(1000, 60_000)).usedWeightWindowMillis(0)
                        .criticalReserveShare(0).queueCapacity(3).defaultBanMillis(10_000).build())
                .breaker(BreakerConfig.builder().consecutiveFailuresThreshold(3).waitInOpenMillis(BREAKER_WAIT)
                        .maxWaitInOpenMillis(BREAKER_WAIT).build())
                .retry(RetryPolicyConfig.builder().strategy(BackoffStrategy.EXPONENTIAL).jitter(Jitter.NONE)
                        .initialDelayMillis(100).maxDelayMillis(10_000).maxAttempts(3).build())
                .build());
    }

    /**
     * {@link #config()} with endpoints ejected after {@code failures} endpoint failures in a row, for 1 s doubling up
     * to 8 s, at most {@code maxEjectedShare} of them at once, and panic above {@code panicThreshold}.
     */
    static ReliabilityConfig configEjecting(int failures, double maxEjectedShare, double panicThreshold) {
        ExchangeProfile base = config().exchange("ex");
        return ReliabilityConfig.of(base.toBuilder()
                .balancer(base.balancer().toBuilder().consecutiveFailuresToEject(failures).baseEjectionMillis(1_000)
                        .maxEjectionMillis(8_000).maxEjectedShare(maxEjectedShare).panicThreshold(panicThreshold)
                        .build())
                .build());
    }

    static TaskView task(String id) {
        return TaskView.of(id, "ex", "TRADES");
    }
}
