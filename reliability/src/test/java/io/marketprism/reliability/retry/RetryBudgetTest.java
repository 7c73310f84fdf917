package io.marketprism.reliability.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.breaker.BreakerConfig;
import io.marketprism.reliability.state.UnreadableStateException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private static final long T0 = 1_700_000_000_000L;

    /** 20 % over 10 s in 1 s buckets, at least 2 retries per window. */
    private static RetryBudgetConfig twentyPercent() {
        return RetryBudgetConfig.builder().retryRatio(0.2).windowMillis(10_000).buckets(10).minRetriesPerWindow(2)
                .build();
    }

    @Test
    void shouldGrantTheMinimumToAQuietDomain() {
        RetryBudget budget = RetryBudget.create(twentyPercent(), T0);

        assertThat(budget.tryAcquireRetry(T0)).isTrue();
        assertThat(budget.tryAcquireRetry(T0 + 1)).isTrue();
        assertThat(budget.tryAcquireRetry(T0 + 2)).isFalse();
    }

    @Test
    void shouldGrantTheConfiguredShareOfRequests() {
        // Given 50 requests in the window: 20 % is 10 retries
        RetryBudget budget = RetryBudget.create(twentyPercent(), T0);
        for (int i = 0; i < 50; i++) {
            budget.recordRequest(T0 + i);
        }

        // When 11 retries are asked for
        int granted = 0;
        for (int i = 0; i < 11; i++) {
            granted += budget.tryAcquireRetry(T0 + 100) ? 1 : 0;
        }

        // Then exactly 10 are granted
        assertThat(granted).isEqualTo(10);
        assertThat(budget.availableRetries(T0 + 100)).isZero();
    }

    @Test
    void shouldForgetRequestsAndRetriesThatLeftTheWindow() {
        // Given a budget used up at T0
        RetryBudget budget = RetryBudget.create(twentyPercent(), T0);
        budget.tryAcquireRetry(T0);
        budget.tryAcquireRetry(T0);
        boolean atT0 = budget.tryAcquireRetry(T0 + 999);

        // When the bucket of T0 slides out 10 s later
        boolean beforeItLeft = budget.tryAcquireRetry(T0 + 9_999);
        boolean afterItLeft = budget.tryAcquireRetry(T0 + 10_000);

        // Then retries are granted again
        assertThat(atT0).isFalse();
        assertThat(beforeItLeft).isFalse();
        assertThat(afterItLeft).isTrue();
    }

    @Test
    void shouldCountAnEarlierTimeInTheNewestBucket() {
        RetryBudget budget = RetryBudget.create(twentyPercent(), T0 + 5_000);

        budget.tryAcquireRetry(T0);
        budget.tryAcquireRetry(T0);

        assertThat(budget.tryAcquireRetry(T0 + 14_999)).isFalse();
        assertThat(budget.tryAcquireRetry(T0 + 15_000)).isTrue();
    }

    @Test
    void shouldContinueFromItsSnapshotBytes() {
        // Given a budget with requests and retries spread over the window
        RetryBudget original = RetryBudget.create(twentyPercent(), T0);
        for (int i = 0; i < 30; i++) {
            original.recordRequest(T0 + i * 300);
        }
        original.tryAcquireRetry(T0 + 2_000);
        original.tryAcquireRetry(T0 + 8_500);

        // When restored from its bytes
        byte[] bytes = RetryBudgetCodec.INSTANCE.encode(original.snapshot());
        RetryBudget restored = RetryBudget.restore(RetryBudgetCodec.INSTANCE.decode(bytes), twentyPercent());

        // Then both grant the same retries as time goes on
        assertThat(restored.snapshot()).isEqualTo(original.snapshot());
        for (long at = T0 + 9_000; at < T0 + 25_000; at += 700) {
            assertThat(restored.tryAcquireRetry(at)).isEqualTo(original.tryAcquireRetry(at));
        }
    }

    @Test
    void shouldRejectDamagedSnapshotsAndMisalignedBuckets() {
        byte[] bytes = RetryBudgetCodec.INSTANCE.encode(RetryBudget.create(twentyPercent(), T0).snapshot());
        RetryBudgetSnapshot misaligned = new RetryBudgetSnapshot(T0 + 10,
                java.util.List.of(new RetryBudgetSnapshot.Bucket(T0 + 10, 1, 0)));

        assertThatThrownBy(() -> RetryBudgetCodec.INSTANCE.decode(new byte[] {1, 0, 0, 0}))
                .isInstanceOf(UnreadableStateException.class);
        assertThatThrownBy(() -> RetryBudgetCodec.INSTANCE.decode(Arrays.copyOf(bytes, 12)))
                .isInstanceOf(UnreadableStateException.class);
        assertThatThrownBy(() -> RetryBudget.restore(misaligned, twentyPercent()))
                .hasMessageContaining("not a multiple of the bucket length 1000 ms");
    }

    @Test
    void shouldValidateItsConfiguration() {
        assertThatThrownBy(() -> RetryBudgetConfig.builder().retryRatio(1.5))
                .hasMessage("retryRatio must be in [0.0, 1.0], was 1.5");
        assertThatThrownBy(() -> RetryBudgetConfig.builder().windowMillis(10_000).buckets(3).build())
                .hasMessage("windowMillis (10000) must be a multiple of buckets (3)");
    }
    @Test
    void shouldByDefaultServeEveryRetryOfAFailureRateJustBelowTheBreakersThresholdWithoutABacklog() {
        // Given the default budget and calls failing at 5 points below the default breaker's threshold (45 %)
        double failureRate = BreakerConfig.ofDefaults().failureRateThreshold() / 100.0 - 0.05;

        // When 50 first attempts a second flow for two minutes, each failed call retried as soon as budget allows
        Flow flow = Flow.run(RetryBudgetConfig.ofDefaults(), failureRate, 120_000);

        // Then retries never wait for long: the backlog stays below a second's worth of failures
        assertThat(flow.largestBacklog).isLessThan(Flow.FIRST_ATTEMPTS_PER_SECOND);
    }

    @Test
    void shouldByDefaultCapTheRetriesAtTheFirstAttemptsWhenEveryCallFails() {
        // Given an exchange failing every call: a retry storm in the making
        // When 50 first attempts a second flow for two minutes, each failed call retried as soon as budget allows
        Flow flow = Flow.run(RetryBudgetConfig.ofDefaults(), 1.0, 120_000);

        // Then the exchange sees at most twice the first attempts (the window's minimum aside)
        assertThat(flow.retries).isBetween(flow.firstAttempts - 100, flow.firstAttempts + 100);
    }

    /**
     * First attempts at {@link #FIRST_ATTEMPTS_PER_SECOND} against an exchange failing a fixed share of calls (every
     * call, first or retry, adds {@code failureRate} to a running sum and fails each time the sum passes a whole
     * number), each failure retried when the budget grants it; on a fake clock ticking every 20 ms.
     */
    private static final class Flow {
        static final int FIRST_ATTEMPTS_PER_SECOND = 50;
        long firstAttempts;
        long retries;
        long largestBacklog;
        private double failures;
        private long backlog;

        static Flow run(RetryBudgetConfig config, double failureRate, long millis) {
            Flow flow = new Flow();
            RetryBudget budget = RetryBudget.create(config, T0);
            long tick = 1_000 / FIRST_ATTEMPTS_PER_SECOND;
            for (long now = T0; now < T0 + millis; now += tick) {
                budget.recordRequest(now);
                flow.firstAttempts++;
                flow.call(failureRate);
                long waiting = flow.backlog;
                for (long i = 0; i < waiting && budget.tryAcquireRetry(now); i++) {
                    flow.backlog--;
                    flow.retries++;
                    flow.call(failureRate);
                }
                flow.largestBacklog = Math.max(flow.largestBacklog, flow.backlog);
            }
            return flow;
        }

        private void call(double failureRate) {
            double before = failures;
            failures += failureRate;
            if (Math.floor(failures) > Math.floor(before)) {
                backlog++;
            }
        }
    }
}
