package io.marketprism.reliability.engine;

import static io.marketprism.reliability.engine.EngineFixture.BREAKER_WAIT;
import static io.marketprism.reliability.engine.EngineFixture.T0;
import static io.marketprism.reliability.engine.EngineFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.Priority;
import io.marketprism.reliability.balancer.EjectionReason;
import io.marketprism.reliability.breaker.BreakerState;
import io.marketprism.reliability.breaker.TransitionCause;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.limiter.ShedReason;
import io.marketprism.reliability.retry.GiveUpReason;
import io.marketprism.reliability.retry.RetryBudgetConfig;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.EndpointId;
import io.marketprism.reliability.state.InMemoryStateStorage;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.reliability.state.StateStorage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DecisionEngineTest {

    private final List<ReliabilityEvent> events = new ArrayList<>();
    private final RecordingStorage storage = new RecordingStorage();
    private final InMemoryWaitQueue queue = new InMemoryWaitQueue();
    private DecisionEngine engine;

    @BeforeEach
    void createEngine() {
        engine = new DecisionEngine(EngineFixture.config(), storage, events::add);
    }

    @Test
    void shouldDeadLetterAsExpiredWhenTheDeadlineHasPassed() {
        Decision decision = engine.decide(task("t1").withDeadline(T0 - 1), queue, T0);

        assertThat(decision).isInstanceOf(Decision.DeadLetter.class);
        assertThat(((Decision.DeadLetter) decision).reason()).isEqualTo(GiveUpReason.EXPIRED);
        assertThat(events).singleElement().isInstanceOf(ReliabilityEvent.TaskGivenUp.class);
        engine.saveChanges();
        assertThat(storage.saved).isEmpty();
    }

    @Test
    void shouldHoldUntilNotBeforeWithoutSpendingAnything() {
        Decision decision = engine.decide(task("t1").retry(2, T0 + 500, "a", ErrorClass.SERVER), queue, T0);

        assertThat(decision).isEqualTo(new Decision.Hold("t1", T0 + 500, Decision.HoldReason.NOT_BEFORE));
        engine.saveChanges();
        assertThat(storage.saved).isEmpty();
    }

    @Test
    void shouldDispatchAdmittedTasksRoundRobin() {
        assertThat(engine.decide(task("t1"), queue, T0)).isEqualTo(new Decision.Dispatch("t1", "a", false));
        assertThat(engine.decide(task("t2"), queue, T0)).isEqualTo(new Decision.Dispatch("t2", "b", false));
    }

    @Test
    void shouldFailOverAwayFromTheLastEndpointAfterANetworkError() {
        engine.decide(task("t1"), queue, T0);
        TaskView retried = task("t2").retry(2, null, "b", ErrorClass.NETWORK);

        assertThat(engine.decide(retried, queue, T0 + 2_000)).isEqualTo(new Decision.Dispatch("t2", "a", false));
    }

    @Test
    void shouldNotFailOverAfterAServerError() {
        engine.decide(task("t1"), queue, T0);
        TaskView retried = task("t2").retry(2, null, "b", ErrorClass.SERVER);

        assertThat(engine.decide(retried, queue, T0 + 2_000)).isEqualTo(new Decision.Dispatch("t2", "b", false));
    }

    @Test
    void shouldQueueInsteadOfDispatchingWhenEveryEndpointHasNoFreeCallSlot() {
        DecisionEngine oneSlot = new DecisionEngine(EngineFixture.config(), storage, events::add, 1);
        assertThat(oneSlot.decide(task("t1"), queue, T0)).isInstanceOf(Decision.Dispatch.class);
        assertThat(oneSlot.decide(task("t2"), queue, T0)).isInstanceOf(Decision.Dispatch.class);

        Decision third = oneSlot.decide(task("t3").withPriority(Priority.LOW), queue, T0 + 5_000);
        Decision fourth = oneSlot.decide(task("t4").withPriority(Priority.CRITICAL), queue, T0 + 5_000);

        assertThat(third).isInstanceOf(Decision.Queued.class);
        assertThat(fourth).isInstanceOf(Decision.Queued.class);
        assertThat(queue.totalDepth()).isEqualTo(2);
        assertThat(oneSlot.drain("ex", queue, T0 + 5_000)).isEmpty();
    }

    @Test
    void shouldDrainTheHighestPriorityFirstWhenACallSlotFreesUp() {
        DecisionEngine oneSlot = new DecisionEngine(EngineFixture.config(), storage, events::add, 1);
        Decision.Dispatch first = (Decision.Dispatch) oneSlot.decide(task("t1"), queue, T0);
        oneSlot.decide(task("t2"), queue, T0);
        for (int i = 0; i < 3; i++) {
            oneSlot.decide(task("low" + i).withPriority(Priority.LOW), queue, T0 + 5_000);
        }
        oneSlot.decide(task("critical").withPriority(Priority.CRITICAL), queue, T0 + 5_000);

        oneSlot.record(CallReport.success(task("t1"), first.endpoint(), 10), T0 + 5_000);
        List<Decision.Dispatch> drained = oneSlot.drain("ex", queue, T0 + 5_000);

        assertThat(drained).extracting(Decision.Dispatch::taskId).containsExactly("critical");
        assertThat(drained.get(0).endpoint()).isEqualTo(first.endpoint());
    }

    @Test
    void shouldFreeTheCallSlotAndTheHalfOpenPermitOfAReleasedDispatch() {
        DecisionEngine oneSlot = new DecisionEngine(EngineFixture.config(), storage, events::add, 1);
        Decision.Dispatch first = (Decision.Dispatch) oneSlot.decide(task("t1"), queue, T0);
        oneSlot.decide(task("t2"), queue, T0);
        oneSlot.decide(task("t3"), queue, T0 + 5_000);

        oneSlot.release("ex", first.endpoint(), T0 + 5_000);

        assertThat(oneSlot.drain("ex", queue, T0 + 5_000)).extracting(Decision.Dispatch::taskId)
                .containsExactly("t3");
    }

    @Test
    void shouldLetTheNextWaitingTaskUseTheBudgetARefundedDispatchGaveBack() {
        // Given an empty bucket and two tasks waiting
        engine.decide(task("t1"), queue, T0);
        engine.decide(task("t2"), queue, T0);
        engine.decide(task("t3"), queue, T0);
        engine.decide(task("t4"), queue, T0);

        // When one second refills one token, t3 takes it, and its call is not made after all
        Decision.Dispatch third = engine.drainNext("ex", queue, T0 + 1_000);
        assertThat(engine.drainNext("ex", queue, T0 + 1_000)).isNull();
        engine.release("ex", third.endpoint(), T0 + 1_000);
        engine.refund(task("t3"), T0 + 1_000);

        // Then t4 goes at once with the budget t3 gave back
        assertThat(engine.drainNext("ex", queue, T0 + 1_000)).extracting(Decision.Dispatch::taskId).isEqualTo("t4");
    }

    @Test
    void shouldQueueWhenTheBucketIsEmptyAndDrainByPriority() {
        engine.decide(task("t1"), queue, T0);
        engine.decide(task("t2"), queue, T0);

        Decision low = engine.decide(task("low").withPriority(Priority.LOW), queue, T0);
        Decision high = engine.decide(task("high").withPriority(Priority.HIGH), queue, T0);

        assertThat(low).isEqualTo(new Decision.Queued("low", T0 + 1_000, Optional.empty()));
        assertThat(high).isInstanceOf(Decision.Queued.class);
        assertThat(engine.drain("ex", queue, T0 + 999)).isEmpty();
        assertThat(engine.drain("ex", queue, T0 + 1_000)).extracting(Decision.Dispatch::taskId)
                .containsExactly("high");
        assertThat(engine.drain("ex", queue, T0 + 2_000)).extracting(Decision.Dispatch::taskId)
                .containsExactly("low");
    }

    @ParameterizedTest
    @EnumSource(value = ErrorClass.class, names = {"NETWORK", "TIMEOUT"})
    void shouldDrainAQueuedRetryAwayFromTheEndpointItsLastAttemptCouldNotReach(ErrorClass lastError) {
        engine.decide(task("t1"), queue, T0);
        engine.decide(task("t2"), queue, T0);
        TaskView retried = task("t3").retry(2, null, "a", lastError);

        Decision queued = engine.decide(retried, queue, T0);
        List<Decision.Dispatch> drained = engine.drain("ex", queue, T0 + 1_000);

        assertThat(queued).isInstanceOf(Decision.Queued.class);
        assertThat(drained).containsExactly(new Decision.Dispatch("t3", "b", false));
    }

    @Test
    void shouldDrainAQueuedRetryAfterAServerErrorToWhicheverEndpointIsNext() {
        engine.decide(task("t1"), queue, T0);
        engine.decide(task("t2"), queue, T0);
        TaskView retried = task("t3").retry(2, null, "a", ErrorClass.SERVER);

        Decision queued = engine.decide(retried, queue, T0);
        List<Decision.Dispatch> drained = engine.drain("ex", queue, T0 + 1_000);

        assertThat(queued).isInstanceOf(Decision.Queued.class);
        assertThat(drained).containsExactly(new Decision.Dispatch("t3", "a", false));
    }

    @Test
    void shouldShedTheNewcomerWhenTheQueueIsFullOfEqualPriority() {
        fillBucketAndQueue(Priority.NORMAL);

        Decision decision = engine.decide(task("late"), queue, T0);

        assertThat(decision).isEqualTo(new Decision.Shed("late", ShedReason.QUEUE_FULL));
        assertThat(events).filteredOn(e -> e.kind() == ReliabilityEvent.Kind.TASK_SHED).singleElement()
                .extracting(ReliabilityEvent::subject).isEqualTo("ex");
    }

    @Test
    void shouldDisplaceTheNewestLowerTaskForAHigherNewcomer() {
        fillBucketAndQueue(Priority.LOW);

        Decision decision = engine.decide(task("urgent").withPriority(Priority.CRITICAL), queue, T0);

        assertThat(decision).isEqualTo(new Decision.Queued("urgent", T0 + 1_000, Optional.of("q2")));
    }

    @Test
    void shouldShedATaskHeavierThanTheBudget() {
        assertThat(engine.decide(task("huge").withWeight(3), queue, T0))
                .isEqualTo(new Decision.Shed("huge", ShedReason.EXCEEDS_BUDGET));
    }

    @Test
    void shouldWeighTasksByTheExchangeProfile() {
        // Given Binance spot's 6,000-weight budget, where a 5,000-deep book weighs 250 and a 1,000-deep one 50
        // When books of one depth are decided in one instant until one has to wait
        // Then the budget holds 6,000 / weight of them
        assertThat(binanceBooksDispatchedAtOnce("5000")).isEqualTo(24);
        assertThat(binanceBooksDispatchedAtOnce("1000")).isEqualTo(120);
    }

    private static int binanceBooksDispatchedAtOnce(String limit) {
        DecisionEngine binance = new DecisionEngine(ReliabilityConfig.ofDefaults(), new InMemoryStateStorage(),
                EventListener.IGNORE);
        String domain = DomainId.of("binance", "spot", "direct").name();
        InMemoryWaitQueue waiting = new InMemoryWaitQueue();
        int dispatched = 0;
        while (binance.decide(new TaskView("book" + dispatched, "binance-spot", domain, "ORDER_BOOK",
                Map.of("limit", limit), Priority.CRITICAL, null, 1, null, null, null, null), waiting, T0)
                instanceof Decision.Dispatch) {
            dispatched++;
        }
        return dispatched;
    }

    @Test
    void shouldCompleteASuccessfulCall() {
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(task("t1"), queue, T0);

        assertThat(engine.record(CallReport.success(task("t1"), dispatch.endpoint(), 30), T0 + 30))
                .isEqualTo(new AfterCall.Completed());
    }

    @Test
    void shouldRetryAServerErrorAfterTheBackoff() {
        engine.decide(task("t1"), queue, T0);

        AfterCall after = engine.record(CallReport.status(task("t1"), "a", 503, null, null, 10), T0 + 10);

        assertThat(after).isEqualTo(new AfterCall.RetryAt(T0 + 110, 100, ErrorClass.SERVER));
    }

    @Test
    void shouldGiveUpANonRetryableError() {
        engine.decide(task("t1"), queue, T0);

        AfterCall after = engine.record(CallReport.status(task("t1"), "a", 400, null, null, 10), T0 + 10);

        assertThat(after).isInstanceOf(AfterCall.GiveUp.class);
        assertThat(((AfterCall.GiveUp) after).reason()).isEqualTo(GiveUpReason.NON_RETRYABLE);
        assertThat(events).filteredOn(e -> e.kind() == ReliabilityEvent.Kind.TASK_GIVEN_UP).hasSize(1);
    }

    @Test
    void shouldGiveUpWhenTheLastAttemptFails() {
        TaskView third = task("t1").retry(3, null, "a", ErrorClass.SERVER);
        engine.decide(third, queue, T0);

        AfterCall after = engine.record(CallReport.status(third, "a", 500, null, null, 10), T0 + 10);

        assertThat(((AfterCall.GiveUp) after).reason()).isEqualTo(GiveUpReason.RETRIES_EXHAUSTED);
    }

    @Test
    void shouldGiveUpAsExpiredWhenTheRetryWouldMissTheDeadline() {
        TaskView task = task("t1").withDeadline(T0 + 50);
        engine.decide(task, queue, T0);

        AfterCall after = engine.record(CallReport.status(task, "a", 500, null, null, 10), T0 + 10);

        assertThat(((AfterCall.GiveUp) after).reason()).isEqualTo(GiveUpReason.EXPIRED);
    }

    @Test
    void shouldCutTheRateAndHonourRetryAfterOnA429() {
        engine.decide(task("t1"), queue, T0);

        AfterCall after = engine.record(CallReport.status(task("t1"), "a", 429, null, 2_000L, 10), T0 + 10);

        assertThat(after).isEqualTo(new AfterCall.RetryAt(T0 + 2_010, 2_000, ErrorClass.RATE_LIMITED));
        assertThat(events).extracting(ReliabilityEvent::kind)
                .contains(ReliabilityEvent.Kind.RATE_CUT, ReliabilityEvent.Kind.BAN_STARTED);
    }

    @Test
    void shouldHoldTasksWhileTheDomainIsBanned() {
        engine.decide(task("t1"), queue, T0);
        engine.record(CallReport.status(task("t1"), "a", 418, null, 5_000L, 10), T0 + 10);

        assertThat(engine.bannedUntil("ex")).isEqualTo(T0 + 5_010);
        assertThat(engine.bannedUntil("unknown-domain")).isZero();
        assertThat(engine.decide(task("t2"), queue, T0 + 20))
                .isEqualTo(new Decision.Hold("t2", T0 + 5_010, Decision.HoldReason.BANNED));
        assertThat(engine.decide(task("t3").withDeadline(T0 + 1_000), queue, T0 + 20))
                .isInstanceOf(Decision.DeadLetter.class);
        assertThat(engine.decide(task("t4"), queue, T0 + 5_010)).isInstanceOf(Decision.Dispatch.class);
        assertThat(events).extracting(ReliabilityEvent::kind).contains(ReliabilityEvent.Kind.BAN_ENDED);
    }

    @Test
    void shouldHoldUntilABreakerLetsTrialsThroughWhenAllBreakersAreOpenAndMakeTheTrialsWithProbes() {
        long now = T0;
        for (int i = 0; i < 6; i++, now += 1_000) {
            Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(task("t" + i), queue, now);
            engine.record(CallReport.status(task("t" + i), dispatch.endpoint(), 500, null, null, 5), now);
        }
        long openedA = T0 + 4_000;
        long openedB = T0 + 5_000;

        Decision held = engine.decide(task("late"), queue, now);

        assertThat(held).isEqualTo(new Decision.Hold("late", openedA + BREAKER_WAIT + 1,
                Decision.HoldReason.NO_ENDPOINT));
        assertThat(events).filteredOn(e -> e instanceof ReliabilityEvent.BreakerTransitioned t
                        && t.to() == BreakerState.OPEN).extracting(ReliabilityEvent::at)
                .containsExactly(openedA, openedB);
        long trialsFrom = openedA + BREAKER_WAIT + 1;
        assertThat(engine.probesDue(trialsFrom)).containsExactly(new ProbeRequest("ex", "a", null));
        assertThat(engine.decide(task("still-waiting"), queue, trialsFrom)).isEqualTo(new Decision.Hold(
                "still-waiting", trialsFrom + EngineFixture.config().exchange("ex").balancer().unavailableRetryMillis(),
                Decision.HoldReason.NO_ENDPOINT));
    }

    @Test
    void shouldSendTasksToAnEndpointAgainOnceTheTrialProbesOfItsBreakerSucceeded() {
        // Given a's breaker open since T0 (3 failures in a row), b's forced open
        engine.apply(new OperatorCommand.ForceOpenBreaker(new EndpointId("ex", "b")), T0);
        for (int i = 0; i < 3; i++) {
            engine.record(CallReport.status(task("t" + i), "a", 500, null, null, 5), T0);
        }

        // When the wait is over and a's five trial probes succeed, one at a time
        long now = T0 + BREAKER_WAIT + 1;
        for (int i = 0; i < 5; i++, now += 100) {
            assertThat(engine.decide(task("early" + i), queue, now)).isInstanceOf(Decision.Hold.class);
            assertThat(engine.probesDue(now)).containsExactly(new ProbeRequest("ex", "a", null));
            assertThat(engine.probesDue(now)).as("one probe at a time").isEmpty();
            engine.recordProbe("ex", "a", true, now);
        }

        // Then a's breaker is closed and the next task goes to a
        assertThat(events).filteredOn(e -> e instanceof ReliabilityEvent.BreakerTransitioned t
                && t.endpoint().equals("a")).extracting(e -> ((ReliabilityEvent.BreakerTransitioned) e).cause())
                .containsExactly(TransitionCause.CONSECUTIVE_FAILURES, TransitionCause.WAIT_ELAPSED,
                        TransitionCause.PROBES_SUCCEEDED);
        assertThat(engine.decide(task("after"), queue, now)).isEqualTo(new Decision.Dispatch("after", "a", false));
    }

    @Test
    void shouldProbeAgainForATrialPermitWhoseProbeARestartLost() {
        // Given a's breaker half-open with its trial probe out, saved, and the engine gone with the probe
        engine.apply(new OperatorCommand.ForceOpenBreaker(new EndpointId("ex", "b")), T0);
        for (int i = 0; i < 3; i++) {
            engine.record(CallReport.status(task("t" + i), "a", 500, null, null, 5), T0);
        }
        long trialAt = T0 + BREAKER_WAIT + 1;
        assertThat(engine.probesDue(trialAt)).hasSize(1);
        engine.saveChanges();

        // When a new engine over the saved state is asked for due probes, and the probe fails
        DecisionEngine restarted = new DecisionEngine(EngineFixture.config(), storage, events::add);
        assertThat(restarted.probesDue(trialAt + 1)).containsExactly(new ProbeRequest("ex", "a", null));
        for (int i = 0; i < 5; i++) {
            restarted.recordProbe("ex", "a", false, trialAt + 1 + i);
            restarted.probesDue(trialAt + 1 + i);
        }

        // Then the lost permit was probed for again, not left out forever: the trials opened the breaker again
        assertThat(events).filteredOn(e -> e instanceof ReliabilityEvent.BreakerTransitioned t
                && t.endpoint().equals("a")).extracting(e -> ((ReliabilityEvent.BreakerTransitioned) e).cause())
                .containsExactly(TransitionCause.CONSECUTIVE_FAILURES, TransitionCause.WAIT_ELAPSED,
                        TransitionCause.PROBES_FAILED);
    }

    @Test
    void shouldHoldOnlyUntilTheRetryIntervalWhileAHalfOpenBreakerAwaitsItsTrialAndTheOtherIsOpenLonger() {
        // Given a opened at T0 + 4 s, b at T0 + 7 s, both for 10 s; half-open breakers let one trial call through
        ExchangeProfile profile = EngineFixture.config().exchange("ex");
        engine = new DecisionEngine(ReliabilityConfig.of(profile.toBuilder().breaker(profile.breaker().toBuilder()
                .permittedCallsInHalfOpen(1).build()).build()), storage, events::add);
        boolean[] failed = {true, false, true, false, true, true, true, true};
        String[] endpoints = {"a", "b", "a", "b", "a", "b", "b", "b"};
        for (int i = 0; i < failed.length; i++) {
            long at = T0 + i * 1_000L;
            TaskView task = task("t" + i);
            assertThat(engine.decide(task, queue, at)).isEqualTo(new Decision.Dispatch("t" + i, endpoints[i], false));
            engine.record(failed[i] ? CallReport.status(task, endpoints[i], 500, null, null, 5)
                    : CallReport.success(task, endpoints[i], 5), at);
        }
        long halfOpenA = T0 + 4_000 + BREAKER_WAIT + 1;
        assertThat(engine.probesDue(halfOpenA)).containsExactly(new ProbeRequest("ex", "a", null));

        // When a task comes while a's trial probe is out and b stays open until T0 + 17 s, past the task's deadline
        Decision decision = engine.decide(task("late").withDeadline(T0 + 16_000), queue, halfOpenA);

        // Then it waits the balancer's retry interval (the trial may close a any moment) instead of expiring
        long retryInterval = profile.balancer().unavailableRetryMillis();
        assertThat(decision).isEqualTo(new Decision.Hold("late", halfOpenA + retryInterval,
                Decision.HoldReason.NO_ENDPOINT));
    }

    @Test
    void shouldCallARecoveredEndpointAgainWithinThirtySecondsOfItsRecoveryUnderTheDefaults() {
        // Given the module's defaults, endpoint a refusing every connection for a minute, b healthy
        engine = new DecisionEngine(ReliabilityConfig.of(ExchangeProfile.builder("ex", "a", "b").build()), storage,
                events::add);
        long recovered = T0 + 60_000;
        long firstCallAfterRecovery = Long.MAX_VALUE;

        // When a task comes every 100 ms, and every due health check is made, until a is called after its recovery
        for (long now = T0, i = 0; now < T0 + 180_000 && firstCallAfterRecovery == Long.MAX_VALUE; now += 100, i++) {
            boolean aUp = now >= recovered;
            for (ProbeRequest probe : engine.probesDue(now)) {
                engine.recordProbe("ex", probe.endpoint(), aUp || probe.endpoint().equals("b"), now);
            }
            TaskView task = task("t" + i);
            if (engine.decide(task, queue, now) instanceof Decision.Dispatch dispatch) {
                boolean toA = dispatch.endpoint().equals("a");
                engine.record(toA && !aUp ? CallReport.exception(task, "a", "java.net.ConnectException", 1)
                        : CallReport.success(task, dispatch.endpoint(), 5), now);
                firstCallAfterRecovery = toA && aUp ? now : firstCallAfterRecovery;
            }
        }

        // Then a takes calls again within the 30 s the service promises
        assertThat(firstCallAfterRecovery - recovered).isLessThan(30_000);
    }

    @Test
    void shouldNotCountABadRequestAgainstTheEndpoint() {
        long now = T0;
        for (int i = 0; i < 8; i++, now += 1_000) {
            Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(task("t" + i), queue, now);
            engine.record(CallReport.status(task("t" + i), dispatch.endpoint(), 400, null, null, 5), now);
        }

        assertThat(events).noneMatch(e -> e.kind() == ReliabilityEvent.Kind.BREAKER_TRANSITION);
    }

    @Test
    void shouldSaveExactlyTheComponentsChangedSinceTheLastSave() {
        engine.decide(task("t1"), queue, T0);
        engine.saveChanges();
        assertThat(storage.saved).containsExactlyInAnyOrder("LIMITER ex", "RETRY_BUDGET ex", "BALANCER ex",
                "BREAKER ex/a", "BREAKER ex/b");

        storage.saved.clear();
        engine.decide(task("t2"), queue, T0);
        engine.saveChanges();
        assertThat(storage.saved).as("a closed breaker's permission changes nothing")
                .containsExactlyInAnyOrder("LIMITER ex", "BALANCER ex");

        storage.saved.clear();
        engine.record(CallReport.success(task("t1"), "a", 20), T0 + 20);
        engine.saveChanges();
        assertThat(storage.saved).as("a success at full rate leaves the limiter as it was")
                .containsExactlyInAnyOrder("RETRY_BUDGET ex", "BALANCER ex", "BREAKER ex/a");

        storage.saved.clear();
        engine.record(CallReport.status(task("t2").retry(2, null, "a", ErrorClass.SERVER), "b", 429, null, null, 20),
                T0 + 20);
        engine.saveChanges();
        assertThat(storage.saved).as("the retry budget is charged when a retry is sent, not when it is scheduled")
                .containsExactlyInAnyOrder("LIMITER ex", "BALANCER ex", "BREAKER ex/b");

        storage.saved.clear();
        engine.decide(task("t3").retry(2, T0 + 500, "a", ErrorClass.SERVER), queue, T0 + 20);
        engine.saveChanges();
        assertThat(storage.saved).isEmpty();
    }

    @Test
    void shouldWriteNothingUntilSavedAndThenEachChangedComponentOnce() {
        engine.decide(task("t1"), queue, T0);
        engine.decide(task("t2"), queue, T0);
        engine.record(CallReport.success(task("t1"), "a", 20), T0 + 20);
        engine.record(CallReport.success(task("t2"), "b", 20), T0 + 20);
        assertThat(storage.saved).isEmpty();

        engine.saveChanges();

        assertThat(storage.saved).containsExactlyInAnyOrder("LIMITER ex", "RETRY_BUDGET ex", "BALANCER ex",
                "BREAKER ex/a", "BREAKER ex/b");
        storage.saved.clear();
        engine.saveChanges();
        assertThat(storage.saved).as("nothing left to save").isEmpty();
    }

    @Test
    void shouldContinueFromStoredStateInANewEngine() {
        engine.decide(task("t1"), queue, T0);
        engine.decide(task("t2"), queue, T0);
        engine.decide(task("t3"), queue, T0);
        engine.saveChanges();

        DecisionEngine restarted = new DecisionEngine(EngineFixture.config(), storage, events::add);

        assertThat(restarted.drain("ex", queue, T0 + 1_000)).containsExactly(new Decision.Dispatch("t3", "a", false));
        assertThat(restarted.drain("unknown", queue, T0 + 1_000)).isEmpty();
    }

    @Test
    void shouldRefuseUnknownExchangesAndEndpoints() {
        assertThatThrownBy(() -> engine.decide(TaskView.of("t", "kraken", "TRADES"), queue, T0))
                .hasMessageStartingWith("exchange 'kraken' is not configured");
        engine.decide(task("t1"), queue, T0);
        assertThatThrownBy(() -> engine.record(CallReport.success(task("t1"), "zz", 5), T0))
                .hasMessageStartingWith("unknown endpoint 'zz' of exchange ex");
    }

    @Test
    void shouldKeepAnEjectedEndpointOutOfRotationAfterItsTimeUntilAProbeSucceeds() {
        engine = ejectingEngine(0.5);
        ejectA(T0);

        List<String> afterEjectionTime = List.of(dispatchedEndpoint("t2", T0 + 2_000),
                dispatchedEndpoint("t3", T0 + 2_000));
        List<ProbeRequest> due = engine.probesDue(T0 + 2_000);
        engine.recordProbe("ex", "a", true, T0 + 2_000);
        List<String> afterProbe = List.of(dispatchedEndpoint("t4", T0 + 4_000), dispatchedEndpoint("t5", T0 + 4_000));

        assertThat(afterEjectionTime).containsOnly("b");
        assertThat(due).containsExactly(new ProbeRequest("ex", "a", null));
        assertThat(afterProbe).containsExactly("a", "b");
        assertThat(events).last().isEqualTo(new ReliabilityEvent.EndpointRestored(T0 + 2_000, "ex", "a"));
    }

    @Test
    void shouldEjectAgainForAsLongWhenAProbeFails() {
        engine = ejectingEngine(0.5);
        ejectA(T0);

        List<ProbeRequest> firstDue = engine.probesDue(T0 + 1_000);
        engine.recordProbe("ex", "a", false, T0 + 1_000);

        assertThat(firstDue).containsExactly(new ProbeRequest("ex", "a", null));
        assertThat(events).filteredOn(ReliabilityEvent.EndpointEjected.class::isInstance)
                .extracting(e -> ((ReliabilityEvent.EndpointEjected) e).reason(),
                        e -> ((ReliabilityEvent.EndpointEjected) e).until())
                .containsExactly(tuple(EjectionReason.CONSECUTIVE_FAILURES, T0 + 1_000),
                        tuple(EjectionReason.PROBE_FAILED, T0 + 2_000));
        assertThat(engine.probesDue(T0 + 1_999)).isEmpty();
        assertThat(dispatchedEndpoint("t2", T0 + 1_999)).isEqualTo("b");
        assertThat(engine.probesDue(T0 + 2_000)).containsExactly(new ProbeRequest("ex", "a", null));
    }

    @Test
    void shouldNotHandOutAProbeTwiceWhileItIsOutstanding() {
        engine = ejectingEngine(0.5);
        ejectA(T0);

        List<ProbeRequest> first = engine.probesDue(T0 + 1_000);
        List<ProbeRequest> again = engine.probesDue(T0 + 60_000);
        engine.recordProbe("ex", "a", false, T0 + 60_000);

        assertThat(first).containsExactly(new ProbeRequest("ex", "a", null));
        assertThat(again).isEmpty();
        assertThat(engine.probesDue(T0 + 62_000)).containsExactly(new ProbeRequest("ex", "a", null));
    }

    @Test
    void shouldHandOutDueProbesAgainAfterARestartBeforeAnyTaskAndCountTheOutcomeOfOneHandedOutBefore() {
        engine = ejectingEngine(0.5);
        ejectA(T0);
        List<ProbeRequest> handedOutBefore = engine.probesDue(T0 + 1_000);
        engine.saveChanges();

        engine = new DecisionEngine(EngineFixture.configEjecting(1, 0.5, 1.0), storage, events::add);
        List<ProbeRequest> dueAgain = engine.probesDue(T0 + 1_000);
        engine.recordProbe("ex", "a", true, T0 + 1_100);
        engine.recordProbe("ex", "a", true, T0 + 1_200);

        assertThat(dueAgain).isEqualTo(handedOutBefore).containsExactly(new ProbeRequest("ex", "a", null));
        assertThat(events).filteredOn(ReliabilityEvent.EndpointRestored.class::isInstance)
                .containsExactly(new ReliabilityEvent.EndpointRestored(T0 + 1_100, "ex", "a"));
        assertThat(List.of(dispatchedEndpoint("t2", T0 + 2_000), dispatchedEndpoint("t3", T0 + 2_000)))
                .containsExactly("b", "a");
    }

    @Test
    void shouldHoldTasksAheadWhileEveryEndpointAwaitsAProbe() {
        engine = ejectingEngine(1.0);
        ejectA(T0);
        Decision.Dispatch toB = (Decision.Dispatch) engine.decide(task("t2"), queue, T0);
        engine.record(CallReport.status(task("t2"), toB.endpoint(), 500, null, null, 5), T0);

        Decision firstHold = engine.decide(task("t3"), queue, T0 + 5_000);
        Decision laterHold = engine.decide(task("t3"), queue, T0 + 9_000);
        engine.probesDue(T0 + 9_000);
        engine.recordProbe("ex", "b", true, T0 + 9_100);

        assertThat(firstHold).isEqualTo(new Decision.Hold("t3", T0 + 6_000, Decision.HoldReason.NO_ENDPOINT));
        assertThat(laterHold).isEqualTo(new Decision.Hold("t3", T0 + 10_000, Decision.HoldReason.NO_ENDPOINT));
        assertThat(engine.decide(task("t3"), queue, T0 + 9_100)).isEqualTo(new Decision.Dispatch("t3", "b", false));
    }

    @Test
    void shouldDrainWaitingTasksAsSoonAsAProbeRestoresAnEndpoint() {
        engine = ejectingEngine(1.0);
        engine.decide(task("t1"), queue, T0);
        engine.decide(task("t2"), queue, T0);
        Decision queued = engine.decide(task("t3"), queue, T0);
        engine.record(CallReport.status(task("t1"), "a", 500, null, null, 5), T0);
        engine.record(CallReport.status(task("t2"), "b", 500, null, null, 5), T0);
        List<Decision.Dispatch> whileAwaitingProbes = engine.drain("ex", queue, T0 + 5_000);

        engine.probesDue(T0 + 5_000);
        engine.recordProbe("ex", "a", true, T0 + 5_100);

        assertThat(queued).isInstanceOf(Decision.Queued.class);
        assertThat(whileAwaitingProbes).isEmpty();
        assertThat(engine.drain("ex", queue, T0 + 5_100)).containsExactly(new Decision.Dispatch("t3", "a", false));
    }

    @Test
    void shouldIgnoreAProbeOutcomeForAnEndpointNotAwaitingOne() {
        engine = ejectingEngine(0.5);
        ejectA(T0);
        engine.recordProbe("ex", "b", false, T0 + 1_000);
        engine.recordProbe("ex", "a", false, T0 + 1_000);
        int eventsBefore = events.size();

        engine.recordProbe("ex", "a", false, T0 + 1_500);
        engine.recordProbe("ex", "a", true, T0 + 1_500);

        assertThat(events).hasSize(eventsBefore);
        assertThat(engine.probesDue(T0 + 1_999)).isEmpty();
        assertThat(engine.probesDue(T0 + 2_000)).containsExactly(new ProbeRequest("ex", "a", null));
    }

    @Test
    void shouldNotProbeWhileTheExchangeBansTheDomain() {
        engine = ejectingEngine(0.5);
        ejectA(T0);
        engine.decide(task("t2"), queue, T0);
        engine.record(CallReport.status(task("t2"), "b", 418, null, 5_000L, 10), T0 + 10);

        assertThat(engine.probesDue(T0 + 2_000)).isEmpty();
        assertThat(engine.probesDue(T0 + 5_010)).containsExactly(new ProbeRequest("ex", "a", null));
    }

    @Test
    void shouldProbeOnARouteTheExchangeDoesNotBanAndNotAtAllWhileItBansEveryRoute() {
        Map<String, String> twoRoutes = new LinkedHashMap<>();
        twoRoutes.put("ex.g.r1", "ex");
        twoRoutes.put("ex.g.r2", "ex");
        engine = new DecisionEngine(EngineFixture.configEjecting(1, 0.5, 1.0).withDomains(twoRoutes), storage,
                events::add);
        ejectA(T0);
        TaskView onRouteOne = taskIn("t2", "ex.g.r1");
        engine.decide(onRouteOne, queue, T0);
        engine.record(CallReport.status(onRouteOne, "b", 418, null, 5_000L, 10), T0 + 10);

        List<ProbeRequest> whileRouteOneIsBanned = engine.probesDue(T0 + 2_000);
        engine.recordProbe("ex", "a", false, T0 + 2_000);
        TaskView onRouteTwo = taskIn("t3", "ex.g.r2");
        engine.decide(onRouteTwo, queue, T0 + 3_000);
        engine.record(CallReport.status(onRouteTwo, "b", 418, null, 5_000L, 10), T0 + 3_000);

        assertThat(whileRouteOneIsBanned).containsExactly(new ProbeRequest("ex", "a", "r2"));
        assertThat(engine.probesDue(T0 + 4_000)).as("both routes banned").isEmpty();
        assertThat(engine.probesDue(T0 + 5_010)).containsExactly(new ProbeRequest("ex", "a", "r1"));
    }

    @Test
    void shouldKnowASavedBanBeforeProbingAfterARestartWhoseFirstTaskWasHeldBeforeItsDomainLoaded() {
        engine = ejectingEngine(0.5);
        ejectA(T0);
        engine.decide(task("t2"), queue, T0);
        engine.record(CallReport.status(task("t2"), "b", 418, null, 5_000L, 10), T0 + 10);
        engine.saveChanges();

        // A new engine's first task is a retry not due yet: it loads the exchange, then returns before the domain
        DecisionEngine restarted = new DecisionEngine(EngineFixture.configEjecting(1, 0.5, 1.0), storage,
                events::add);
        restarted.decide(task("t3").retry(2, T0 + 60_000, "a", ErrorClass.SERVER), new InMemoryWaitQueue(),
                T0 + 20);

        assertThat(restarted.probesDue(T0 + 2_000)).as("no probe of a banned address").isEmpty();
        assertThat(restarted.probesDue(T0 + 5_010)).containsExactly(new ProbeRequest("ex", "a", null));
    }

    @Test
    void shouldLoadTheSavedBanOfEveryDomainTheConfigurationRoutesTo() {
        ReliabilityConfig routed = EngineFixture.configEjecting(1, 0.5, 1.0).withDomains(Map.of("ex.g.r2", "ex"));
        engine = new DecisionEngine(routed, storage, events::add);
        ejectA(T0);
        TaskView onRouteTwo = new TaskView("t2", "ex", "ex.g.r2", "TRADES", Map.of(), Priority.NORMAL, null, 1, null,
                null, null, null);
        engine.decide(onRouteTwo, queue, T0);
        engine.record(CallReport.status(onRouteTwo, "b", 418, null, 5_000L, 10), T0 + 10);
        engine.saveChanges();

        DecisionEngine restarted = new DecisionEngine(routed, storage, events::add);

        assertThat(restarted.probesDue(T0 + 2_000)).isEmpty();
        assertThat(restarted.bannedUntil("ex.g.r2")).isEqualTo(T0 + 5_010);
    }

    @Test
    void shouldBanEveryDomainOfTheSameExchangeAndRouteOnA418ButNotThoseOfAnotherRoute() {
        ReliabilityConfig routed = EngineFixture.config().withDomains(Map.of("ex.books.r1", "ex", "ex.trades.r1", "ex",
                "ex.books.r2", "ex"));
        engine = new DecisionEngine(routed, storage, events::add);
        TaskView books = new TaskView("t1", "ex", "ex.books.r1", "ORDER_BOOK", Map.of(), Priority.NORMAL, null, 1,
                null, null, null, null);
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(books, queue, T0);

        engine.record(CallReport.status(books, dispatch.endpoint(), 418, null, 60_000L, 5), T0 + 5);

        assertThat(engine.bannedUntil("ex.books.r1")).isEqualTo(T0 + 60_005);
        assertThat(engine.bannedUntil("ex.trades.r1")).as("same address").isEqualTo(T0 + 60_005);
        assertThat(engine.bannedUntil("ex.books.r2")).as("another route").isLessThan(T0);
        TaskView trades = new TaskView("t2", "ex", "ex.trades.r1", "TRADES", Map.of(), Priority.NORMAL, null, 1, null,
                null, null, null);
        assertThat(engine.decide(trades, new InMemoryWaitQueue(), T0 + 10)).isInstanceOf(Decision.Hold.class);
    }

    @Test
    void shouldHoldARetryTheRetryBudgetRefusesUntilItsNextBucketWhenItsDeadlineAllows() {
        // Given a retry budget with no retry left (the fixture's default: 20 % of first attempts, at least 10)
        ReliabilityConfig noRetries = ReliabilityConfig.of(EngineFixture.config().exchange("ex").toBuilder()
                .retryBudget(RetryBudgetConfig.builder().retryRatio(0.0).minRetriesPerWindow(0).build()).build());
        engine = new DecisionEngine(noRetries, storage, events::add);
        TaskView retry = task("t1").retry(2, null, "a", ErrorClass.SERVER);

        // When it is decided with a deadline far away, and with one the wait would miss
        Decision waits = engine.decide(retry.withDeadline(T0 + 600_000), queue, T0);
        Decision givenUp = engine.decide(task("t2").retry(2, null, "a", ErrorClass.SERVER).withDeadline(T0 + 100),
                queue, T0);
        Decision noDeadline = engine.decide(task("t3").retry(2, null, "a", ErrorClass.SERVER), queue, T0);

        // Then the first waits for the budget's next bucket, the second is given up for the budget
        long bucket = noRetries.exchange("ex").retryBudget().bucketMillis();
        assertThat(waits).isEqualTo(new Decision.Hold("t1", T0 + bucket, Decision.HoldReason.RETRY_BUDGET));
        assertThat(givenUp).isInstanceOfSatisfying(Decision.DeadLetter.class,
                dead -> assertThat(dead.reason()).isEqualTo(GiveUpReason.BUDGET_EXHAUSTED));
        assertThat(noDeadline).as("nothing bounds the wait of a task without a deadline")
                .isInstanceOfSatisfying(Decision.DeadLetter.class,
                        dead -> assertThat(dead.reason()).isEqualTo(GiveUpReason.BUDGET_EXHAUSTED));
    }

    @Test
    void shouldScheduleARetryAfterAFailureWhateverTheRetryBudgetLeavesAndChargeItWhenItIsSent() {
        // Given a budget with no retry left
        ReliabilityConfig noRetries = ReliabilityConfig.of(EngineFixture.config().exchange("ex").toBuilder()
                .retryBudget(RetryBudgetConfig.builder().retryRatio(0.0).minRetriesPerWindow(0).build()).build());
        engine = new DecisionEngine(noRetries, storage, events::add);
        Decision.Dispatch first = (Decision.Dispatch) engine.decide(task("t1"), queue, T0);

        // When its first attempt fails with a retryable error
        AfterCall after = engine.record(CallReport.status(task("t1"), first.endpoint(), 503, null, null, 5), T0 + 5);

        // Then it is retried later, not given up (the budget is asked when the retry is sent)
        assertThat(after).isInstanceOf(AfterCall.RetryAt.class);
    }

    @Test
    void shouldSaveOnlyTheBalancerAfterARecordedProbe() {
        engine = ejectingEngine(0.5);
        ejectA(T0);
        engine.saveChanges();
        storage.saved.clear();

        engine.probesDue(T0 + 1_000);
        engine.saveChanges();
        boolean changedByHandingOut = !storage.saved.isEmpty();
        engine.recordProbe("ex", "a", true, T0 + 1_000);
        engine.saveChanges();

        assertThat(changedByHandingOut).isFalse();
        assertThat(storage.saved).containsExactly("BALANCER ex");
        DecisionEngine restarted = new DecisionEngine(EngineFixture.configEjecting(1, 0.5, 1.0), storage, events::add);
        assertThat(restarted.probesDue(T0 + 1_000)).as("restored in the saved state").isEmpty();
    }

    @Test
    void shouldRefuseProbeOutcomesOfUnknownExchangesAndEndpoints() {
        assertThatThrownBy(() -> engine.recordProbe("kraken", "a", true, T0))
                .hasMessageStartingWith("exchange 'kraken' is not configured");
        assertThatThrownBy(() -> engine.recordProbe("ex", "zz", true, T0))
                .hasMessageStartingWith("unknown endpoint 'zz' of exchange ex");
    }

    /** An engine whose balancer ejects after one failure for 1 s (doubling), and never panics. */
    private DecisionEngine ejectingEngine(double maxEjectedShare) {
        return new DecisionEngine(EngineFixture.configEjecting(1, maxEjectedShare, 1.0), storage, events::add);
    }

    /** Dispatches t1 to a and fails it at {@code at}: a is ejected until {@code at} + 1 s. */
    private void ejectA(long at) {
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(task("t1"), queue, at);
        assertThat(dispatch.endpoint()).isEqualTo("a");
        engine.record(CallReport.status(task("t1"), "a", 500, null, null, 5), at);
    }

    private static TaskView taskIn(String taskId, String domain) {
        return new TaskView(taskId, "ex", domain, "TRADES", Map.of(), Priority.NORMAL, null, 1, null, null, null,
                null);
    }

    private String dispatchedEndpoint(String taskId, long now) {
        return ((Decision.Dispatch) engine.decide(task(taskId), queue, now)).endpoint();
    }

    private void fillBucketAndQueue(Priority queued) {
        engine.decide(task("t1"), queue, T0);
        engine.decide(task("t2"), queue, T0);
        for (int i = 0; i < 3; i++) {
            assertThat(engine.decide(task("q" + i).withPriority(queued), queue, T0))
                    .isInstanceOf(Decision.Queued.class);
        }
    }

    /** An in-memory storage that also notes which entries each call saved. */
    private static final class RecordingStorage implements StateStorage {
        final InMemoryStateStorage inner = new InMemoryStateStorage();
        final Set<String> saved = new HashSet<>();

        @Override
        public byte[] load(StateKey key) {
            return inner.load(key);
        }

        @Override
        public void save(StateKey key, byte[] value) {
            saved.add(key.kind() + " " + key.id());
            inner.save(key, value);
        }

        @Override
        public void remove(StateKey key) {
            inner.remove(key);
        }
    }
}
