package io.marketprism.reliability.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointBreakerTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final String ENDPOINT = "binance/api1";

    private final List<BreakerTransition> transitions = new ArrayList<>();

    private EndpointBreaker breaker(BreakerConfig.Builder config) {
        return EndpointBreaker.create(ENDPOINT, config.build(), transitions::add, T0);
    }

    /** 50 % over the last 10 calls, all 10 needed; 1 s wait; 3 probes; consecutive rule off. */
    private static BreakerConfig.Builder tenCallWindow() {
        return BreakerConfig.builder()
                .window(BreakerConfig.WindowType.COUNT_BASED, 10)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .slowCallDurationThresholdMillis(1_000)
                .waitInOpenMillis(1_000)
                .permittedCallsInHalfOpen(3)
                .consecutiveFailuresThreshold(0);
    }

    private static void record(EndpointBreaker breaker, int successes, int failures, long now) {
        for (int i = 0; i < successes; i++) {
            breaker.onSuccess(10, now);
        }
        for (int i = 0; i < failures; i++) {
            breaker.onFailure(10, now);
        }
    }

    private static void trip(EndpointBreaker breaker, long now) {
        record(breaker, 0, 10, now);
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void shouldOpenWhenFailureRateReachesThresholdWithTheWindowFull() {
        // Given a breaker that needs 10 calls and opens at 50 % failures
        EndpointBreaker breaker = breaker(tenCallWindow());

        // When 5 successes and 4 failures are recorded, then a fifth failure
        record(breaker, 5, 4, T0);
        BreakerState beforeTenthCall = breaker.state();
        breaker.onFailure(10, T0 + 1);

        // Then it stays closed below the minimum and opens at exactly 50 %
        assertThat(beforeTenthCall).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(transitions).containsExactly(new BreakerTransition(ENDPOINT, BreakerState.CLOSED, BreakerState.OPEN,
                TransitionCause.FAILURE_RATE, T0 + 1));
        assertThat(breaker.tryAcquire(T0 + 2)).isFalse();
    }

    @Test
    void shouldForgetFailuresThatLeftTheCountWindow() {
        // Given 4 failures followed by 6 successes: 40 %, below the threshold
        EndpointBreaker breaker = breaker(tenCallWindow());
        record(breaker, 0, 4, T0);
        record(breaker, 6, 0, T0);

        // When 4 more successes push the old failures out and 4 new failures arrive
        record(breaker, 4, 0, T0 + 1);
        record(breaker, 0, 4, T0 + 2);

        // Then the window holds 6 successes and 4 failures, not 8 failures: still closed
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.snapshot().window()).hasSize(10).filteredOn(RecordedCall::failure).hasSize(4);
    }

    @Test
    void shouldForgetCallsOlderThanTheTimeWindow() {
        // Given a 10 s time window needing 4 calls, with 3 failures recorded at T0
        EndpointBreaker breaker = breaker(tenCallWindow()
                .window(BreakerConfig.WindowType.TIME_BASED, 10)
                .minimumNumberOfCalls(4));
        record(breaker, 0, 3, T0);

        // When one more failure arrives 10 s later, after the first second has left the window
        breaker.onFailure(10, T0 + 10_000);

        // Then only one call is in the window: below the minimum, still closed
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.snapshot().window()).hasSize(1);

        // And three more failures within the window open it
        record(breaker, 0, 3, T0 + 10_500);
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void shouldOpenWhenSlowCallRateReachesThreshold() {
        // Given 60 % slow calls open the breaker and calls over 1 s are slow
        EndpointBreaker breaker = breaker(tenCallWindow().slowCallRateThreshold(60));

        // When 4 fast and 6 slow successes are recorded (exactly 1 s is not slow)
        record(breaker, 4, 0, T0);
        for (int i = 0; i < 5; i++) {
            breaker.onSuccess(1_001, T0);
        }
        breaker.onSuccess(1_000, T0);
        BreakerState withFiveSlow = breaker.state();
        breaker.onSuccess(1_001, T0);

        // Then it opens on the sixth slow call among the last ten, for the slow-call rate
        assertThat(withFiveSlow).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(transitions).extracting(BreakerTransition::cause).containsExactly(TransitionCause.SLOW_CALL_RATE);
    }

    @Test
    void shouldOpenAfterFiveConsecutiveFailures() {
        // Given the consecutive-failures rule at 5 and a window that cannot trip yet
        EndpointBreaker breaker = breaker(tenCallWindow().window(BreakerConfig.WindowType.COUNT_BASED, 100)
                .minimumNumberOfCalls(100).consecutiveFailuresThreshold(5));

        // When five failures arrive in a row
        record(breaker, 0, 4, T0);
        BreakerState afterFour = breaker.state();
        breaker.onFailure(10, T0 + 5);

        // Then the fifth opens it
        assertThat(afterFour).isEqualTo(BreakerState.CLOSED);
        assertThat(transitions).containsExactly(new BreakerTransition(ENDPOINT, BreakerState.CLOSED, BreakerState.OPEN,
                TransitionCause.CONSECUTIVE_FAILURES, T0 + 5));
    }

    @Test
    void shouldResetTheConsecutiveCountOnASuccess() {
        // Given the consecutive-failures rule at 5
        EndpointBreaker breaker = breaker(tenCallWindow().window(BreakerConfig.WindowType.COUNT_BASED, 100)
                .minimumNumberOfCalls(100).consecutiveFailuresThreshold(5));

        // When 4 failures, a success and 4 failures arrive
        record(breaker, 0, 4, T0);
        breaker.onSuccess(10, T0);
        record(breaker, 0, 4, T0);

        // Then the count restarted at the success: still closed with 4 in a row
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.snapshot().consecutiveFailures()).isEqualTo(4);
    }

    @Test
    void shouldRefuseUntilTheWaitHasElapsedThenMoveToHalfOpen() {
        // Given a breaker opened at T0 with a 1 s wait
        EndpointBreaker breaker = breaker(tenCallWindow());
        trip(breaker, T0);

        // When asked just before, exactly at and just after the end of the wait
        boolean before = breaker.tryAcquire(T0 + 999);
        boolean atTheEnd = breaker.tryAcquire(T0 + 1_000);
        BreakerState stillOpen = breaker.state();
        boolean after = breaker.tryAcquire(T0 + 1_001);

        // Then only the request strictly after the wait is admitted, and it moves the breaker to half-open
        assertThat(before).isFalse();
        assertThat(atTheEnd).isFalse();
        assertThat(stillOpen).isEqualTo(BreakerState.OPEN);
        assertThat(after).isTrue();
        assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(transitions).last().isEqualTo(new BreakerTransition(ENDPOINT, BreakerState.OPEN,
                BreakerState.HALF_OPEN, TransitionCause.WAIT_ELAPSED, T0 + 1_001));
    }

    @Test
    void shouldAdmitExactlyThePermittedProbesInHalfOpen() {
        // Given a half-open breaker with 3 probes
        EndpointBreaker breaker = breaker(tenCallWindow());
        trip(breaker, T0);

        // When 4 calls ask for permission
        List<Boolean> permits = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            permits.add(breaker.tryAcquire(T0 + 1_001 + i));
        }

        // Then exactly 3 are admitted and the fourth refused
        assertThat(permits).containsExactly(true, true, true, false);
        assertThat(breaker.snapshot().halfOpenPermitsIssued()).isEqualTo(3);
    }

    @Test
    void shouldSayATrialIsDueFromTheEndOfTheOpenWaitWhilePermitsAreLeft() {
        // Given a breaker open since T0 for 1 s, with 3 trial permits per half-open period
        EndpointBreaker breaker = breaker(tenCallWindow());
        trip(breaker, T0);
        assertThat(breaker.trialDue(T0 + 1_000)).isFalse();

        // When the wait is over and the 3 permits are taken one by one
        List<Boolean> due = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            due.add(breaker.trialDue(T0 + 1_001));
            breaker.tryAcquire(T0 + 1_001);
        }

        // Then a trial was due before each, and none is once all are out
        assertThat(due).containsExactly(true, true, true);
        assertThat(breaker.trialDue(T0 + 1_001)).isFalse();
        assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
    }

    @Test
    void shouldAwaitATrialOutcomeWhileAPermitIsOutAndNotWhenClosed() {
        EndpointBreaker breaker = breaker(tenCallWindow());
        assertThat(breaker.awaitsTrialOutcome()).isFalse();
        trip(breaker, T0);
        assertThat(breaker.awaitsTrialOutcome()).isFalse();

        breaker.tryAcquire(T0 + 1_001);
        assertThat(breaker.awaitsTrialOutcome()).isTrue();
        breaker.onSuccess(5, T0 + 1_002);
        assertThat(breaker.awaitsTrialOutcome()).isFalse();

        // A breaker restored with a permit out still awaits its outcome: whoever made the trial may be gone
        breaker.tryAcquire(T0 + 1_003);
        EndpointBreaker restored = EndpointBreaker.restore(breaker.snapshot(), tenCallWindow().build(), t -> { });
        assertThat(restored.awaitsTrialOutcome()).isTrue();
    }

    @Test
    void shouldCloseWhenTheProbesSucceed() {
        // Given a half-open breaker with 3 probes admitted
        EndpointBreaker breaker = breaker(tenCallWindow());
        trip(breaker, T0);
        for (int i = 0; i < 3; i++) {
            breaker.tryAcquire(T0 + 1_001);
        }

        // When 2 probes succeed and 1 fails (33 %, below 50 %)
        breaker.onSuccess(10, T0 + 1_100);
        breaker.onFailure(10, T0 + 1_100);
        BreakerState beforeLastProbe = breaker.state();
        breaker.onSuccess(10, T0 + 1_200);

        // Then it closes after the last probe, with an empty window
        assertThat(beforeLastProbe).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(transitions).last().isEqualTo(new BreakerTransition(ENDPOINT, BreakerState.HALF_OPEN,
                BreakerState.CLOSED, TransitionCause.PROBES_SUCCEEDED, T0 + 1_200));
        assertThat(breaker.snapshot().window()).isEmpty();
        assertThat(breaker.tryAcquire(T0 + 1_201)).isTrue();
    }

    @Test
    void shouldGrowTheWaitEachTimeTheProbesFailUpToTheMaximum() {
        // Given a wait of 1 s doubling up to 3 s
        EndpointBreaker breaker = breaker(tenCallWindow().waitMultiplier(2.0).maxWaitInOpenMillis(3_000));
        trip(breaker, T0);

        // When the probes fail three times in a row
        long openedAt = T0;
        List<Long> waits = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            long probeAt = firstAdmittedAfter(breaker, openedAt);
            waits.add(probeAt - 1 - openedAt);
            record(breaker, 0, 3, probeAt);
            assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
            openedAt = probeAt;
        }

        // Then the waits were 1 s, 2 s, then capped at 3 s, and the re-openings are reported as failed probes
        assertThat(waits).containsExactly(1_000L, 2_000L, 3_000L);
        assertThat(breaker.snapshot().openingsInARow()).isEqualTo(4);
        assertThat(transitions).filteredOn(t -> t.cause() == TransitionCause.PROBES_FAILED).hasSize(3);
    }

    @Test
    void shouldForgetTheGrowingWaitOnceClosed() {
        // Given a growing wait and a breaker that re-opened once
        EndpointBreaker breaker = breaker(tenCallWindow().waitMultiplier(2.0).maxWaitInOpenMillis(8_000));
        trip(breaker, T0);
        long probeAt = firstAdmittedAfter(breaker, T0);
        record(breaker, 0, 3, probeAt);

        // When it recovers and trips again
        long secondProbeAt = firstAdmittedAfter(breaker, probeAt);
        record(breaker, 3, 0, secondProbeAt);
        trip(breaker, secondProbeAt);

        // Then the wait is back to the first one
        assertThat(firstAdmittedAfter(breaker, secondProbeAt) - 1 - secondProbeAt).isEqualTo(1_000L);
    }

    @Test
    void shouldStayOpenWithoutAutomaticTransitionUntilClosedByAnOperator() {
        // Given a breaker that does not move to half-open by itself
        EndpointBreaker breaker = breaker(tenCallWindow().automaticTransitionToHalfOpen(false));
        trip(breaker, T0);

        // When asked long after the wait, then closed by an operator
        boolean afterWait = breaker.tryAcquire(T0 + 60_000);
        breaker.close(T0 + 60_001);

        // Then it refused until closed
        assertThat(afterWait).isFalse();
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.tryAcquire(T0 + 60_002)).isTrue();
        assertThat(transitions).last().extracting(BreakerTransition::cause).isEqualTo(TransitionCause.CLOSED_BY_OPERATOR);
    }

    @Test
    void shouldRefuseEverythingWhenForcedOpen() {
        // Given a forced-open breaker
        EndpointBreaker breaker = breaker(tenCallWindow());
        breaker.forceOpen(T0);

        // When asked long afterwards
        boolean permitted = breaker.tryAcquire(T0 + 3_600_000);

        // Then it refuses and stays forced open
        assertThat(permitted).isFalse();
        assertThat(breaker.state()).isEqualTo(BreakerState.FORCED_OPEN);
    }

    @Test
    void shouldPermitAndRecordNothingWhenDisabled() {
        // Given a disabled breaker
        EndpointBreaker breaker = breaker(tenCallWindow());
        breaker.disable(T0);

        // When 20 failures are recorded and the breaker is closed again
        record(breaker, 0, 20, T0);
        boolean permitted = breaker.tryAcquire(T0);
        breaker.close(T0 + 1);

        // Then nothing tripped and the window is empty
        assertThat(permitted).isTrue();
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.snapshot().window()).isEmpty();
        assertThat(transitions).extracting(BreakerTransition::to)
                .containsExactly(BreakerState.DISABLED, BreakerState.CLOSED);
    }

    @Test
    void shouldResetToAnEmptyClosedBreakerFromAnyState() {
        // Given a closed breaker with 9 failures in its window
        EndpointBreaker breaker = breaker(tenCallWindow());
        record(breaker, 0, 9, T0);

        // When reset
        breaker.reset(T0 + 1);

        // Then the window is empty, so one more failure does not open it, and the reset is reported
        breaker.onFailure(10, T0 + 2);
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.snapshot().window()).hasSize(1);
        assertThat(transitions).containsExactly(new BreakerTransition(ENDPOINT, BreakerState.CLOSED,
                BreakerState.CLOSED, TransitionCause.RESET, T0 + 1));
    }

    @Test
    void shouldNeverLetTheClockRunBackwards() {
        // Given a breaker opened at T0 + 5 s
        EndpointBreaker breaker = breaker(tenCallWindow());
        trip(breaker, T0 + 5_000);

        // When a late call reports an earlier time
        breaker.onSuccess(10, T0);

        // Then the breaker's time stays at the latest seen
        assertThat(breaker.snapshot().clockMillis()).isEqualTo(T0 + 5_000);
    }

    @Test
    void shouldRejectNegativeLatency() {
        EndpointBreaker breaker = breaker(tenCallWindow());

        assertThatThrownBy(() -> breaker.onSuccess(-1, T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latencyMillis");
    }

    @Test
    void shouldContinueFromASnapshotInHalfOpen() {
        // Given a half-open breaker with 2 of 3 probes admitted and one success recorded
        EndpointBreaker original = breaker(tenCallWindow());
        trip(original, T0);
        original.tryAcquire(T0 + 1_001);
        original.tryAcquire(T0 + 1_002);
        original.onSuccess(10, T0 + 1_003);

        // When restored from its bytes
        BreakerSnapshot snapshot = BreakerCodec.INSTANCE.decode(BreakerCodec.INSTANCE.encode(original.snapshot()));
        List<BreakerTransition> restoredTransitions = new ArrayList<>();
        EndpointBreaker restored = EndpointBreaker.restore(snapshot, tenCallWindow().build(), restoredTransitions::add);

        // Then one probe is left, and two more successes close it at the time given
        assertThat(restored.state()).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(restored.tryAcquire(T0 + 1_004)).isTrue();
        assertThat(restored.tryAcquire(T0 + 1_005)).isFalse();
        restored.onSuccess(10, T0 + 1_006);
        restored.onSuccess(10, T0 + 1_007);
        assertThat(restoredTransitions).containsExactly(new BreakerTransition(ENDPOINT, BreakerState.HALF_OPEN,
                BreakerState.CLOSED, TransitionCause.PROBES_SUCCEEDED, T0 + 1_007));
    }

    @Test
    void shouldRestoreAFullCountWindowWhoseOldestCallAloneWouldTrip() {
        // Given a 4-call window evaluated from the first call, holding F S S S after older successes (25 %)
        BreakerConfig config = tenCallWindow().window(BreakerConfig.WindowType.COUNT_BASED, 4)
                .minimumNumberOfCalls(1).build();
        EndpointBreaker original = EndpointBreaker.create(ENDPOINT, config, BreakerListener.NONE, T0);
        record(original, 4, 1, T0);
        record(original, 3, 0, T0 + 1);

        // When restored (replaying F alone would read 100 %)
        EndpointBreaker restored = EndpointBreaker.restore(original.snapshot(), config, BreakerListener.NONE);

        // Then it is closed and opens on the same later call as the original
        assertSameStatesAfterFailures(original, restored, 3, T0 + 2);
        assertThat(restored.state()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void shouldRestoreATimeWindowWhoseEarlierSecondsAloneWouldTrip() {
        // Given a 2 s window evaluated from the first call: successes in second 0, F S S S in second 1, S in second 2
        BreakerConfig config = tenCallWindow().window(BreakerConfig.WindowType.TIME_BASED, 2)
                .minimumNumberOfCalls(1).build();
        EndpointBreaker original = EndpointBreaker.create(ENDPOINT, config, BreakerListener.NONE, T0);
        record(original, 3, 0, T0);
        record(original, 0, 1, T0 + 1_000);
        record(original, 3, 0, T0 + 1_100);
        record(original, 1, 0, T0 + 2_000);
        assertThat(original.snapshot().window()).hasSize(5);

        // When restored (replaying second 1 from an empty window would read 100 % at its first call)
        EndpointBreaker restored = EndpointBreaker.restore(original.snapshot(), config, BreakerListener.NONE);

        // Then it is closed and opens on the same later call as the original
        assertSameStatesAfterFailures(original, restored, 4, T0 + 2_500);
        assertThat(restored.state()).isEqualTo(BreakerState.OPEN);
    }

    private static void assertSameStatesAfterFailures(EndpointBreaker original, EndpointBreaker restored,
            int failures, long now) {
        assertThat(restored.state()).isEqualTo(BreakerState.CLOSED);
        for (int i = 0; i < failures; i++) {
            original.onFailure(10, now);
            restored.onFailure(10, now);
            assertThat(restored.state()).as("after failure %d", i + 1).isEqualTo(original.state());
        }
    }

    @Test
    void shouldRefuseToRestoreUnderAConfigurationThatWouldHaveTrippedAlready() {
        // Given a closed breaker with 4 failures in 10 calls (40 %)
        EndpointBreaker original = breaker(tenCallWindow());
        record(original, 6, 4, T0);

        // When restored under a 30 % threshold
        BreakerConfig stricter = tenCallWindow().failureRateThreshold(30).build();

        // Then restoring is refused
        assertThatThrownBy(() -> EndpointBreaker.restore(original.snapshot(), stricter, BreakerListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replays to OPEN");
    }

    private static long firstAdmittedAfter(EndpointBreaker breaker, long openedAt) {
        for (long at = openedAt; at < openedAt + 100_000; at += 1) {
            if (breaker.tryAcquire(at)) {
                return at;
            }
        }
        throw new AssertionError("never admitted after " + openedAt);
    }
}
