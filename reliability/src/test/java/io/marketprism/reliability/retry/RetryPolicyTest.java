package io.marketprism.reliability.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.ErrorClass;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final long NOW = 1_700_000_000_000L;

    private static RetryPolicy policy(BackoffStrategy strategy, Jitter jitter) {
        return new RetryPolicy(RetryPolicyConfig.builder().strategy(strategy).jitter(jitter).initialDelayMillis(100)
                .maxDelayMillis(1_000).multiplier(2.0).maxAttempts(10).adaptiveGain(4.0).build());
    }

    private static List<Long> delays(RetryPolicy policy, int attempts) {
        List<Long> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            delays.add(((RetryDecision.RetryAt) policy.decide(RetryRequest.of("t", attempt, ErrorClass.SERVER, NOW)))
                    .delayMillis());
        }
        return delays;
    }

    @Test
    void shouldGrowEachStrategyAsDocumentedAndCapAtTheMaximum() {
        assertThat(delays(policy(BackoffStrategy.EXPONENTIAL, Jitter.NONE), 6))
                .containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L);
        assertThat(delays(policy(BackoffStrategy.LINEAR, Jitter.NONE), 4)).containsExactly(100L, 200L, 300L, 400L);
        assertThat(delays(policy(BackoffStrategy.FIBONACCI, Jitter.NONE), 6))
                .containsExactly(100L, 200L, 300L, 500L, 800L, 1_000L);
        assertThat(delays(policy(BackoffStrategy.FIXED, Jitter.NONE), 3)).containsExactly(100L, 100L, 100L);
    }

    @Test
    void shouldLengthenAdaptiveBackoffWithTheDomainsFailureRate() {
        // Given an adaptive policy with gain 4
        RetryPolicy policy = policy(BackoffStrategy.ADAPTIVE, Jitter.NONE);

        // When the domain is healthy, or failing half of its calls
        RetryDecision healthy = policy.decide(new RetryRequest("t", 2, ErrorClass.SERVER,
                RetryRequest.NO_RETRY_AFTER, RetryRequest.NO_DEADLINE, 0.0, NOW));
        RetryDecision sick = policy.decide(new RetryRequest("t", 2, ErrorClass.SERVER,
                RetryRequest.NO_RETRY_AFTER, RetryRequest.NO_DEADLINE, 0.5, NOW));

        // Then the sick domain waits 1 + 4 x 0.5 = 3 times longer
        assertThat(healthy).isEqualTo(new RetryDecision.RetryAt(NOW + 200, 200));
        assertThat(sick).isEqualTo(new RetryDecision.RetryAt(NOW + 600, 600));
    }

    @Test
    void shouldHonourRetryAfterEvenAboveTheMaximumDelay() {
        RetryPolicy policy = policy(BackoffStrategy.EXPONENTIAL, Jitter.NONE);

        RetryDecision shortHint = policy.decide(new RetryRequest("t", 1, ErrorClass.RATE_LIMITED, 50,
                RetryRequest.NO_DEADLINE, 0.0, NOW));
        RetryDecision longHint = policy.decide(new RetryRequest("t", 1, ErrorClass.RATE_LIMITED, 5_000,
                RetryRequest.NO_DEADLINE, 0.0, NOW));

        assertThat(shortHint).isEqualTo(new RetryDecision.RetryAt(NOW + 100, 100));
        assertThat(longHint).isEqualTo(new RetryDecision.RetryAt(NOW + 5_000, 5_000));
    }

    @Test
    void shouldGiveUpOnANonRetryableError() {
        RetryDecision decision = policy(BackoffStrategy.FIXED, Jitter.NONE)
                .decide(RetryRequest.of("t", 1, ErrorClass.NON_RETRYABLE, NOW));

        assertThat(decision).isInstanceOfSatisfying(RetryDecision.GiveUp.class,
                giveUp -> assertThat(giveUp.reason()).isEqualTo(GiveUpReason.NON_RETRYABLE));
    }

    @Test
    void shouldGiveUpWhenTheLastAllowedAttemptFailed() {
        RetryPolicy policy = new RetryPolicy(RetryPolicyConfig.builder().maxAttempts(3).jitter(Jitter.NONE).build());

        RetryDecision afterSecond = policy.decide(RetryRequest.of("t", 2, ErrorClass.TIMEOUT, NOW));
        RetryDecision afterThird = policy.decide(RetryRequest.of("t", 3, ErrorClass.TIMEOUT, NOW));

        assertThat(afterSecond).isInstanceOf(RetryDecision.RetryAt.class);
        assertThat(afterThird).isEqualTo(new RetryDecision.GiveUp(GiveUpReason.RETRIES_EXHAUSTED, "3 of 3 attempts used"));
    }

    @Test
    void shouldExpireWhenTheNextTryWouldStartAfterTheDeadline() {
        RetryPolicy policy = policy(BackoffStrategy.FIXED, Jitter.NONE);

        RetryDecision justInTime = policy.decide(new RetryRequest("t", 1, ErrorClass.SERVER,
                RetryRequest.NO_RETRY_AFTER, NOW + 100, 0.0, NOW));
        RetryDecision tooLate = policy.decide(new RetryRequest("t", 1, ErrorClass.SERVER,
                RetryRequest.NO_RETRY_AFTER, NOW + 99, 0.0, NOW));

        assertThat(justInTime).isEqualTo(new RetryDecision.RetryAt(NOW + 100, 100));
        assertThat(tooLate).isInstanceOfSatisfying(RetryDecision.GiveUp.class,
                giveUp -> assertThat(giveUp.reason()).isEqualTo(GiveUpReason.EXPIRED));
    }

    @Test
    void shouldKeepJitteredDelaysInTheirRanges() {
        for (int attempt = 1; attempt <= 5; attempt++) {
            String taskId = "task-" + attempt;
            long full = delayOf(policy(BackoffStrategy.FIXED, Jitter.FULL), taskId, attempt);
            long equal = delayOf(policy(BackoffStrategy.FIXED, Jitter.EQUAL), taskId, attempt);
            long decorrelated = delayOf(policy(BackoffStrategy.FIXED, Jitter.DECORRELATED), taskId, attempt);

            assertThat(full).isBetween(0L, 99L);
            assertThat(equal).isBetween(50L, 100L);
            assertThat(decorrelated).isBetween(100L, 1_000L);
        }
    }

    @Test
    void shouldJitterTheSameTaskAndAttemptTheSameWayButDifferentTasksDifferently() {
        RetryPolicy policy = policy(BackoffStrategy.EXPONENTIAL, Jitter.FULL);

        long first = delayOf(policy, "BTCUSDT-book-42", 3);
        long again = delayOf(new RetryPolicy(policy.config()), "BTCUSDT-book-42", 3);
        List<Long> others = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            others.add(delayOf(policy, "BTCUSDT-book-" + i, 3));
        }

        assertThat(again).isEqualTo(first);
        assertThat(others.stream().distinct().count()).isGreaterThan(10);
    }

    @Test
    void shouldRejectAnInvalidRequest() {
        assertThatThrownBy(() -> RetryRequest.of("t", 0, ErrorClass.SERVER, NOW)).hasMessageContaining("attempt");
        assertThatThrownBy(() -> new RetryRequest("t", 1, ErrorClass.SERVER, -1, RetryRequest.NO_DEADLINE, 1.5, NOW))
                .hasMessageContaining("recentFailureRate must be in [0, 1]");
    }

    private static long delayOf(RetryPolicy policy, String taskId, int attempt) {
        return ((RetryDecision.RetryAt) policy.decide(RetryRequest.of(taskId, attempt, ErrorClass.NETWORK, NOW)))
                .delayMillis();
    }
}
