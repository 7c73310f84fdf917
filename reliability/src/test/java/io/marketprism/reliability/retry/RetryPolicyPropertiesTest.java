package io.marketprism.reliability.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.ErrorClass;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class RetryPolicyPropertiesTest {

    private static final long NOW = 1_700_000_000_000L;

    @Property
    void unjitteredBackoffIsBoundedAndNeverShrinks(
            @ForAll BackoffStrategy strategy,
            @ForAll @LongRange(min = 1, max = 5_000) long initial,
            @ForAll @LongRange(min = 0, max = 100_000) long extraToMax,
            @ForAll @DoubleRange(min = 1.0, max = 10.0) double multiplier,
            @ForAll @DoubleRange(min = 0.0, max = 1.0) double failureRate,
            @ForAll String taskId) {
        RetryPolicy policy = new RetryPolicy(RetryPolicyConfig.builder().strategy(strategy).jitter(Jitter.NONE)
                .initialDelayMillis(initial).maxDelayMillis(initial + extraToMax).multiplier(multiplier)
                .maxAttempts(1_000).build());

        long previous = 0;
        for (int attempt = 1; attempt < 200; attempt++) {
            long delay = delay(policy, taskId, attempt, failureRate);
            assertThat(delay).isBetween(previous, initial + extraToMax);
            previous = delay;
        }
    }

    @Property
    void everyJitteredDelayIsBoundedByTheMaximumAndRepeatable(
            @ForAll BackoffStrategy strategy,
            @ForAll Jitter jitter,
            @ForAll @LongRange(min = 1, max = 5_000) long initial,
            @ForAll @LongRange(min = 0, max = 100_000) long extraToMax,
            @ForAll @IntRange(min = 1, max = 60) int attempt,
            @ForAll String taskId) {
        RetryPolicy policy = new RetryPolicy(RetryPolicyConfig.builder().strategy(strategy).jitter(jitter)
                .initialDelayMillis(initial).maxDelayMillis(initial + extraToMax).maxAttempts(100).build());

        long delay = delay(policy, taskId, attempt, 0.3);

        assertThat(delay).isBetween(0L, initial + extraToMax);
        assertThat(delay(policy, taskId, attempt, 0.3)).isEqualTo(delay);
    }

    private static long delay(RetryPolicy policy, String taskId, int attempt, double failureRate) {
        RetryDecision decision = policy.decide(new RetryRequest(taskId, attempt, ErrorClass.SERVER,
                RetryRequest.NO_RETRY_AFTER, RetryRequest.NO_DEADLINE, failureRate, NOW));
        return ((RetryDecision.RetryAt) decision).delayMillis();
    }
}
