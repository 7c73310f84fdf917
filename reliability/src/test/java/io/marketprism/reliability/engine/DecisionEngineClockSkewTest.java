package io.marketprism.reliability.engine;

import static io.marketprism.reliability.engine.EngineFixture.T0;
import static io.marketprism.reliability.engine.EngineFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.state.InMemoryStateStorage;
import io.marketprism.reliability.state.StateKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clocks that disagree: state saved by an instance whose clock ran ahead, and an instance whose clock steps back.
 * Time is the {@code now} each call is given (a fake clock).
 */
class DecisionEngineClockSkewTest {

    private static final long HOUR = 3_600_000;
    private static final long TOLERANCE = 5_000;

    private final List<ReliabilityEvent> events = new ArrayList<>();
    private final InMemoryStateStorage storage = new InMemoryStateStorage();
    private final InMemoryWaitQueue queue = new InMemoryWaitQueue();
    private final ReliabilityConfig config = EngineFixture.config().withClockSkewToleranceMillis(TOLERANCE);

    private DecisionEngine engine() {
        return new DecisionEngine(config, storage, events::add);
    }

    /** An instance an hour ahead loads the exchange, sends a call that succeeds, and saves. */
    private void runAnHourAhead() {
        DecisionEngine fast = engine();
        Decision.Dispatch dispatch = (Decision.Dispatch) fast.decide(task("f1"), queue, T0 + HOUR);
        fast.record(CallReport.success(task("f1"), dispatch.endpoint(), 20), T0 + HOUR);
        fast.saveChanges();
        events.clear();
    }

    private List<ReliabilityEvent.ClockSkewed> skewEvents() {
        return events.stream().filter(ReliabilityEvent.ClockSkewed.class::isInstance)
                .map(ReliabilityEvent.ClockSkewed.class::cast).toList();
    }

    @Test
    void shouldDispatchAtOnceAfterFailoverFromAnInstanceWhoseClockRanAnHourAhead() {
        runAnHourAhead();

        Decision decision = engine().decide(task("t1").withDeadline(T0 + 40 * 60_000L), queue, T0 + 2_000);

        assertThat(decision).isInstanceOf(Decision.Dispatch.class);
    }

    @Test
    void shouldCountOneClockSkewEventPerComponentMovedBackToNow() {
        runAnHourAhead();

        engine().decide(task("t1"), queue, T0);

        assertThat(skewEvents()).extracting(ReliabilityEvent.ClockSkewed::component)
                .containsExactlyInAnyOrder(StateKind.BREAKER, StateKind.BREAKER, StateKind.BALANCER,
                        StateKind.LIMITER, StateKind.RETRY_BUDGET);
        assertThat(skewEvents()).allSatisfy(event -> {
            assertThat(event.at()).isEqualTo(T0);
            assertThat(event.aheadMillis()).isEqualTo(HOUR);
            assertThat(event.kind()).isEqualTo(ReliabilityEvent.Kind.CLOCK_SKEW);
        });
    }

    @Test
    void shouldSaveTheMovedBackStateSoTheNextOwnerFindsNoSkew() {
        runAnHourAhead();
        DecisionEngine next = engine();
        next.decide(task("t1"), queue, T0);
        next.saveChanges();
        events.clear();

        engine().decide(task("t2"), queue, T0 + 1);

        assertThat(skewEvents()).isEmpty();
    }

    @Test
    void shouldKeepSavedClocksWithinTheTolerance() {
        DecisionEngine slightlyAhead = engine();
        Decision.Dispatch dispatch = (Decision.Dispatch) slightlyAhead.decide(task("f1"), queue, T0 + TOLERANCE);
        slightlyAhead.record(CallReport.success(task("f1"), dispatch.endpoint(), 20), T0 + TOLERANCE);
        slightlyAhead.saveChanges();
        events.clear();

        engine().decide(task("t1"), queue, T0);

        assertThat(skewEvents()).isEmpty();
    }

    @Test
    void shouldKeepTheTimeABanHadLeftWhenItWasSavedByAClockAnHourAhead() {
        DecisionEngine fast = engine();
        Decision.Dispatch dispatch = (Decision.Dispatch) fast.decide(task("f1"), queue, T0 + HOUR);
        fast.record(CallReport.status(task("f1"), dispatch.endpoint(), 429, null, 10_000L, 20), T0 + HOUR);
        fast.saveChanges();

        Decision decision = engine().decide(task("t1"), queue, T0);

        assertThat(decision).isEqualTo(new Decision.Hold("t1", T0 + 10_000, Decision.HoldReason.BANNED));
    }

    @Test
    void shouldMoveLoadedStateBackWhenThisInstancesClockStepsBack() {
        DecisionEngine engine = engine();
        Decision.Dispatch first = (Decision.Dispatch) engine.decide(task("f1"), queue, T0 + HOUR);
        engine.record(CallReport.success(task("f1"), first.endpoint(), 20), T0 + HOUR);
        events.clear();

        Decision afterStep = engine.decide(task("t1"), queue, T0);

        assertThat(afterStep).isInstanceOf(Decision.Dispatch.class);
        assertThat(skewEvents()).isNotEmpty().allSatisfy(e -> assertThat(e.aheadMillis()).isEqualTo(HOUR));
    }

    @Test
    void shouldTreatAStepBackWithinTheToleranceAsTheLatestTimeSeen() {
        DecisionEngine engine = engine();
        engine.decide(task("f1"), queue, T0 + TOLERANCE);

        engine.decide(task("t1"), queue, T0);

        assertThat(skewEvents()).isEmpty();
    }
}
