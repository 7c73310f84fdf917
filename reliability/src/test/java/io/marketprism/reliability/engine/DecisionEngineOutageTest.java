package io.marketprism.reliability.engine;

import static io.marketprism.reliability.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.breaker.BreakerState;
import io.marketprism.reliability.breaker.TransitionCause;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.state.InMemoryStateStorage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A whole exchange down for minutes, played through the engine the way the service's processor drives it: every
 * 100 ms of a fake clock it reports health checks, decides the held tasks that are due in the held store's order
 * (due time, then task id), drains the queue, and answers each call at once from the exchange's state.
 */
class DecisionEngineOutageTest {

    private static final long TICK = 100;
    private static final int TASKS = 20;

    /** When a held task is due; ordered like the held-tasks store's keys. */
    private record Due(long at, String taskId) {
    }

    private final List<ReliabilityEvent> events = new ArrayList<>();
    private final DecisionEngine engine = new DecisionEngine(
            ReliabilityConfig.of(ExchangeProfile.builder("ex", "a", "b").build()), new InMemoryStateStorage(),
            events::add);
    private final InMemoryWaitQueue queue = new InMemoryWaitQueue();
    private final TreeMap<Due, TaskView> held = new TreeMap<>(
            Comparator.comparingLong(Due::at).thenComparing(Due::taskId));
    private final Map<String, TaskView> waiting = new HashMap<>();
    /** Every terminal outcome per task id: a result, or the reason it was given up. */
    private final Map<String, List<String>> terminals = new HashMap<>();
    private boolean exchangeDown;

    @Test
    void shouldKeepTasksWaitingThroughTrialsThatFindTheExchangeDownAndEndEachInOneResultAfterItRecovers() {
        // Given both endpoints refusing every connection for five minutes, and tasks whose deadline lets them wait
        // ten, under the module's defaults (5 attempts, breakers open 5 s, 5 trial calls per half-open period)
        long recovery = T0 + 300_000;
        for (int i = 0; i < TASKS; i++) {
            String id = String.format("t%02d", i);
            held.put(new Due(T0, id), TaskView.of(id, "ex", "TRADES").withDeadline(T0 + 600_000));
        }

        // When the caller runs through the outage and two minutes past it
        for (long now = T0; now < recovery + 120_000; now += TICK) {
            exchangeDown = now < recovery;
            tick(now);
        }

        // Then no task ran out of attempts: each waited for its endpoints and ended in exactly one result, though
        // the breakers' trials found the exchange down again and again
        assertThat(terminals).hasSize(TASKS).allSatisfy((id, outcomes) ->
                assertThat(outcomes).as(id).containsExactly("result"));
        assertThat(events).filteredOn(e -> e instanceof ReliabilityEvent.BreakerTransitioned t
                && t.to() == BreakerState.OPEN && t.cause() == TransitionCause.PROBES_FAILED).hasSizeGreaterThan(50);
    }

    private void tick(long now) {
        for (ProbeRequest probe : engine.probesDue(now)) {
            engine.recordProbe(probe.exchange(), probe.endpoint(), !exchangeDown, now);
        }
        while (!held.isEmpty() && held.firstKey().at() <= now) {
            TaskView task = held.pollFirstEntry().getValue();
            onDecision(task, engine.decide(task, queue, now), now);
        }
        for (Decision.Dispatch dispatch : engine.drain("ex", queue, now)) {
            call(waiting.remove(dispatch.taskId()), dispatch.endpoint(), now);
        }
        engine.saveChanges();
    }

    private void onDecision(TaskView task, Decision decision, long now) {
        if (decision instanceof Decision.Dispatch dispatch) {
            call(task, dispatch.endpoint(), now);
        } else if (decision instanceof Decision.Queued queued) {
            waiting.put(task.taskId(), task);
            queued.displaced().ifPresent(id -> end(waiting.remove(id).taskId(), "displaced"));
        } else if (decision instanceof Decision.Hold hold) {
            held.put(new Due(hold.until(), task.taskId()), task);
        } else if (decision instanceof Decision.DeadLetter letter) {
            end(task.taskId(), letter.reason().name());
        } else {
            end(task.taskId(), ((Decision.Shed) decision).reason().name());
        }
    }

    private void call(TaskView task, String endpoint, long now) {
        CallReport report = exchangeDown ? CallReport.exception(task, endpoint, "java.net.ConnectException", 1)
                : CallReport.success(task, endpoint, 5);
        AfterCall after = engine.record(report, now);
        if (after instanceof AfterCall.RetryAt retry) {
            held.put(new Due(retry.dueAt(), task.taskId()),
                    task.retry(task.attempt() + 1, retry.dueAt(), endpoint, retry.errorClass()));
        } else if (after instanceof AfterCall.GiveUp giveUp) {
            end(task.taskId(), giveUp.reason().name());
        } else {
            end(task.taskId(), "result");
        }
    }

    private void end(String taskId, String outcome) {
        terminals.computeIfAbsent(taskId, id -> new ArrayList<>()).add(outcome);
    }
}
