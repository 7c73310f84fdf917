package io.marketprism.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.ErrorClass;
import io.marketprism.schemas.Priority;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exec.CallResult;
import io.marketprism.topology.processor.Outcome;
import io.marketprism.topology.processor.ProcessorSettings;
import io.marketprism.topology.state.InFlightLedger;
import io.marketprism.topology.state.RetryTimers;
import io.marketprism.topology.state.UndoLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ways the reliability step itself could become the outage, each as the behaviour that must hold instead: a
 * failure affects one task, a restored entry of a removed endpoint or exchange is carried on or dead-lettered, a task
 * sent twice is called once, call slots are part of admission, and deadlines hold up to the call.
 */
class FaultIsolationTest {

    private final FakeExecutor executor = new FakeExecutor();
    @TempDir
    Path definitionsDir;

    private static ServiceConfig.Builder config() {
        return TestConfigs.twoExchanges();
    }

    private static CollectorTask task(String id, String exchange, String symbol) {
        return CollectorTask.newBuilder().setTaskId(id).setExchange(exchange).setDataType(DataType.TRADES)
                .setSymbol(symbol).setCreatedAt(Instant.ofEpochMilli(ProcessorHarness.START)).build();
    }

    private static List<String> deadLetterIds(ProcessorHarness harness, DeadLetterReason reason) {
        return harness.outcomes(Outcome.DeadLettered.class).stream().map(Outcome.DeadLettered::deadLetter)
                .filter(d -> d.getReason() == reason).map(DeadLetter::getTaskId).toList();
    }

    private static List<String> resultIds(ProcessorHarness harness) {
        return harness.outcomes(Outcome.Succeeded.class).stream().map(s -> s.result().getTaskId()).toList();
    }

    private static void putLedgerEntry(ProcessorHarness harness, String endpointId, CollectorTask task) {
        new InFlightLedger(harness.store(ProcessorSettings.LEDGER_STORE), UndoLog.NONE).put(endpointId, task);
    }

    // ---- 1. a failure inside the tick affects that task alone

    @Test
    void shouldDeadLetterOnlyTheTaskWhoseCompletionFailsAndGoOnWithTheOthersInTheTick() {
        // Given an executor that answers one OKX call with a result that breaks outcome building (an error status
        // without any body, which the failure message cannot quote)
        executor.answering((task, endpoint) -> task.getTaskId().equals("broken")
                ? new CallResult(0, 3, 503, null, -1, -1, null, null, -1) : FakeExecutor.ok("{\"code\":\"0\"}"));
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);

        // When it and two good tasks finish in the same tick
        harness.send(task("good-1", "okx", "BTC-USDT"));
        harness.send(task("broken", "okx", "ETH-USDT"));
        harness.send(task("good-2", "binance", "BTCUSDT"));
        harness.tick(10);

        // Then the broken one alone is a dead letter, the others have results, and nothing is left to replay
        assertThat(deadLetterIds(harness, DeadLetterReason.PROCESSING_ERROR)).containsExactly("broken");
        assertThat(resultIds(harness)).containsExactlyInAnyOrder("good-1", "good-2");
        assertThat(harness.store(ProcessorSettings.LEDGER_STORE).approximateNumEntries()).isZero();
    }

    @Test
    void shouldLetAFencedProducerReachKafkaStreamsInsteadOfIsolatingItAsATasksFailure() {
        // Given a task that finished, then the thread's producer fenced: every task-id write's changelog send fails
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        ProcessorHarness harness = new ProcessorHarness(config().dedupeWindow(Duration.ofSeconds(60)).build(),
                executor);
        harness.send(task("f-1", "binance", "BTCUSDT"));
        harness.tick(10);
        harness.failWrites(ProcessorSettings.TASK_ID_STORE, new TaskMigratedException("producer fenced"));

        // When a tick after the dedupe window forgets the id (a step of the tick), and a new task is taken up (one
        // task's handling), Then both hand the fencing on to Kafka Streams, which closes the task and rejoins the
        // group, and no dead letter goes into the transaction that cannot commit
        assertThatThrownBy(() -> harness.tick(61_000)).isInstanceOf(TaskMigratedException.class);
        assertThatThrownBy(() -> harness.send(task("f-2", "binance", "BTCUSDT")))
                .isInstanceOf(TaskMigratedException.class);
        assertThat(harness.outcomes(Outcome.DeadLettered.class)).isEmpty();
    }

    @Test
    void shouldResumeARestoredCallToARemovedEndpointOnAnotherEndpointOfTheExchange() {
        // Given a ledger entry for endpoint api2, which a rolling deploy removed
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        putLedgerEntry(harness, "binance-spot/api2", task("in-flight", "binance", "BTCUSDT"));
        harness.restart(config().build());

        // When the restored processor ticks
        harness.tick(10);
        harness.tick(10);

        // Then the call is made to a configured endpoint and the task has its result
        assertThat(executor.endpointsCalled()).singleElement().isIn("api", "api1");
        assertThat(resultIds(harness)).containsExactly("in-flight");
    }

    @Test
    void shouldDeadLetterRestoredCallsAndWaitingTasksOfARemovedExchangeWithTheirOwnReason() {
        // Given a call in flight to OKX and a task held for OKX, then a deploy that serves Binance only
        executor.holding();
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        harness.send(task("okx-call", "okx", "BTC-USDT"));
        putLedgerEntry(harness, "okx/www", task("okx-restored", "okx", "ETH-USDT"));
        ServiceConfig binanceOnly = TestConfigs.binanceOnly().build();

        // When the processor restarts with the new configuration
        harness.restart(binanceOnly);
        harness.tick(10);

        // Then both are dead letters EXCHANGE_REMOVED, and no call is made for them
        assertThat(deadLetterIds(harness, DeadLetterReason.EXCHANGE_REMOVED))
                .containsExactlyInAnyOrder("okx-call", "okx-restored");
        assertThat(executor.tasksCalled()).containsExactly("okx-call");
    }

    @Test
    void shouldDeadLetterTheWaitingTasksOfARemovedExchange() {
        // Given OKX tasks waiting in the durable queue behind one call slot
        executor.holding();
        ProcessorHarness harness = new ProcessorHarness(config().maxInFlightPerEndpoint(1).build(), executor);
        harness.send(task("first", "okx", "BTC-USDT"));
        harness.send(task("waiting-1", "okx", "ETH-USDT"));
        harness.send(task("waiting-2", "okx", "SOL-USDT"));

        // When a deploy removes OKX
        harness.restart(TestConfigs.binanceOnly().build());
        harness.tick(10);

        // Then every OKX task ends as EXCHANGE_REMOVED: none is stranded
        assertThat(deadLetterIds(harness, DeadLetterReason.EXCHANGE_REMOVED))
                .containsExactlyInAnyOrder("first", "waiting-1", "waiting-2");
    }

    @Test
    void shouldStartEveryRestoredCallAtTheFirstTickWhateverTheOrderOfTheirIds() {
        // Given three calls in flight when the instance stopped, their ids in reverse dispatch order
        executor.holding();
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        putLedgerEntry(harness, "binance-spot/api", task("c-3", "binance", "BTCUSDT"));
        putLedgerEntry(harness, "binance-spot/api1", task("b-2", "binance", "ETHUSDT"));
        putLedgerEntry(harness, "binance-spot/api", task("a-1", "binance", "SOLUSDT"));
        harness.restart(config().build());

        // When the restored processor ticks once
        harness.tick(10);

        // Then all of them are called at once, each to its recorded endpoint: the ledger holds no more calls than the
        // call slots, so their order cannot delay one behind another
        assertThat(executor.tasksCalled()).containsExactlyInAnyOrder("a-1", "b-2", "c-3");
        assertThat(executor.calls()).allSatisfy(call -> assertThat(call.endpoint().name())
                .isEqualTo(call.task().getTaskId().equals("b-2") ? "api1" : "api"));
    }

    // ---- a definition that changed under waiting tasks

    private static CollectorTask okxFundingRate(String id, String symbol) {
        CollectorTask task = task(id, "okx", symbol);
        task.setMarket("perp");
        task.setDataType(DataType.FUNDING_RATE);
        return task;
    }

    /** TestConfigs' configuration with a definition file that drops OKX's perp market (and perhaps a limit group). */
    private ServiceConfig withoutOkxPerp(String alsoRemoved) throws IOException {
        Path definition = definitionsDir.resolve("okx-without-perp.json");
        Files.writeString(definition, "{\"exchange\": \"okx\", \"markets\": {\"perp\": null}" + alsoRemoved + "}");
        return config().definitionFiles(List.of(definition)).build();
    }

    @Test
    void shouldDeadLetterAHeldRetryWhoseMarketADeployRemovedAsInvalid() throws IOException {
        // Given a retry of an OKX perp funding-rate task held until its due time
        executor.answering((task, endpoint) -> FakeExecutor.ok("{\"code\":\"0\"}"));
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        CollectorTask retry = okxFundingRate("held", "BTC-USDT-SWAP");
        retry.setAttempt(1);
        retry.setAttempts(List.of(new Attempt(1, "okx/www", Instant.ofEpochMilli(harness.now()), 5L,
                AttemptOutcome.FAILURE, ErrorClass.SERVER, 503, "HTTP 503", 5_000L)));
        retry.setNotBefore(Instant.ofEpochMilli(harness.now() + 5_000));
        harness.send(retry);
        assertThat(harness.bytesStore(ProcessorSettings.HELD_STORE).approximateNumEntries()).isEqualTo(1);

        // When a deploy whose OKX definition has no perp market takes over, and the retry comes due
        harness.restart(withoutOkxPerp(""));
        harness.tick(5_100);
        harness.tick(10);

        // Then it is a dead letter INVALID saying why, without a call, and nothing of it is left
        assertThat(harness.outcomes(Outcome.DeadLettered.class)).singleElement().satisfies(d -> {
            assertThat(d.deadLetter().getTaskId()).isEqualTo("held");
            assertThat(d.deadLetter().getReason()).isEqualTo(DeadLetterReason.INVALID);
            assertThat(d.deadLetter().getDetail()).contains("okx has no market 'perp'");
        });
        assertThat(executor.tasksCalled()).isEmpty();
        assertThat(harness.bytesStore(ProcessorSettings.HELD_STORE).approximateNumEntries()).isZero();
    }

    @ParameterizedTest(name = "removed besides the market: [{0}]")
    @ValueSource(strings = {"", ", \"limitGroups\": {\"funding-rate\": null}"})
    void shouldDeadLetterTheCallAndTheQueuedTasksOfAMarketADeployRemovedAsInvalid(String alsoRemoved)
            throws IOException {
        // Given an OKX perp funding-rate call in flight on the one call slot and two more tasks queued behind it
        executor.holding();
        ProcessorHarness harness = new ProcessorHarness(config().maxInFlightPerEndpoint(1).build(), executor);
        harness.send(okxFundingRate("in-flight", "BTC-USDT-SWAP"));
        harness.send(okxFundingRate("queued-1", "ETH-USDT-SWAP"));
        harness.send(okxFundingRate("queued-2", "SOL-USDT-SWAP"));
        assertThat(harness.bytesStore(ProcessorSettings.QUEUE_STORE).approximateNumEntries()).isEqualTo(2);

        // When a deploy whose OKX definition has no perp market (nor, perhaps, its limit group) takes over
        harness.restart(withoutOkxPerp(alsoRemoved));
        harness.tick(10);
        harness.tick(10);

        // Then each of them is a dead letter INVALID saying why, none is called again, and no store keeps them
        assertThat(harness.outcomes(Outcome.DeadLettered.class)).extracting(d -> d.deadLetter().getTaskId())
                .containsExactlyInAnyOrder("in-flight", "queued-1", "queued-2");
        assertThat(harness.outcomes(Outcome.DeadLettered.class)).allSatisfy(d -> {
            assertThat(d.deadLetter().getReason()).isEqualTo(DeadLetterReason.INVALID);
            assertThat(d.deadLetter().getDetail()).contains("okx has no market 'perp'");
        });
        assertThat(executor.tasksCalled()).containsExactly("in-flight");
        assertThat(harness.store(ProcessorSettings.LEDGER_STORE).approximateNumEntries()).isZero();
        assertThat(harness.bytesStore(ProcessorSettings.QUEUE_STORE).approximateNumEntries()).isZero();

        // And the call slot the dropped call held is free again: the next OKX task is called at once
        harness.send(task("next", "okx", "BTC-USDT"));
        assertThat(executor.tasksCalled()).containsExactly("in-flight", "next");
    }

    @Test
    void shouldMoveTasksQueuedOnARouteADeployRemovedToTheRouteTheirSymbolTakesNow() {
        // Given two routes, one call slot per endpoint, and three Binance tasks of route proxy-a: two in flight, one
        // queued in domain binance.spot.proxy-a
        executor.holding();
        ServiceConfig twoRoutes = config().maxInFlightPerEndpoint(1).routes(List.of("direct", "proxy-a")).build();
        ProcessorHarness harness = new ProcessorHarness(twoRoutes, executor);
        List<String> symbols = new java.util.ArrayList<>();
        for (int i = 0; symbols.size() < 3; i++) {
            CollectorTask candidate = task("p-" + symbols.size(), "binance", "S" + i + "USDT");
            if (twoRoutes.routes().routeOf(candidate).name().equals("proxy-a")) {
                symbols.add(candidate.getSymbol());
                harness.send(candidate);
            }
        }
        assertThat(executor.tasksCalled()).containsExactly("p-0", "p-1");

        // When a deploy with the direct route alone takes over and the calls finish
        harness.restart(config().maxInFlightPerEndpoint(1).build());
        harness.tick(10);
        for (int round = 0; round < 3; round++) {
            executor.calls().forEach(call -> call.future().complete(FakeExecutor.ok("{}")));
            harness.tick(1_000);
        }

        // Then the queued task was called on the direct route too, and every task has its result
        assertThat(executor.tasksCalled()).contains("p-2");
        assertThat(resultIds(harness)).containsExactlyInAnyOrder("p-0", "p-1", "p-2");
        assertThat(harness.outcomes(Outcome.DeadLettered.class)).isEmpty();
        assertThat(harness.bytesStore(ProcessorSettings.QUEUE_STORE).approximateNumEntries()).isZero();
    }

    // ---- 3. a task id has one life

    @Test
    void shouldCallTheSameTaskSentTwiceOnceAndProduceOneResult() {
        // Given a producer that sends the same task twice, once while it is in flight and once after its result
        executor.holding();
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        harness.send(task("t-1", "binance", "BTCUSDT"));
        harness.send(task("t-1", "binance", "BTCUSDT"));
        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));
        harness.tick(10);
        harness.send(task("t-1", "binance", "BTCUSDT"));
        harness.tick(10);

        // Then it was called once and has exactly one terminal record
        assertThat(executor.tasksCalled()).containsExactly("t-1");
        assertThat(harness.outcomes()).hasSize(1);
        assertThat(resultIds(harness)).containsExactly("t-1");
    }

    @Test
    void shouldDeadLetterADifferentTaskReusingAnIdAndLeaveTheFirstOneAlone() {
        // Given BTCUSDT in flight under id t-1
        executor.holding();
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        harness.send(task("t-1", "binance", "BTCUSDT"));

        // When ETHUSDT arrives under the same id and the first call finishes
        harness.send(task("t-1", "binance", "ETHUSDT"));
        executor.calls().get(0).future().complete(FakeExecutor.ok("{\"symbol\":\"BTCUSDT\"}"));
        harness.tick(10);

        // Then the second is a dead letter DUPLICATE_TASK_ID, and the result is BTCUSDT's, labelled BTCUSDT
        assertThat(deadLetterIds(harness, DeadLetterReason.DUPLICATE_TASK_ID)).containsExactly("t-1");
        assertThat(harness.outcomes(Outcome.Succeeded.class)).singleElement().satisfies(s -> {
            assertThat(s.result().getSymbol()).isEqualTo("BTCUSDT");
            assertThat(s.result().getBody()).contains("BTCUSDT");
        });
        assertThat(executor.tasksCalled()).hasSize(1);
    }

    @Test
    void shouldTakeUpATaskAgainAsItsOwnRetryButNotAsAnOlderCopy() {
        // Given a task whose first call failed with a 503: it goes to the retry topic
        executor.answering((task, endpoint) -> task.getAttempt() == 0 ? FakeExecutor.status(503, "{}")
                : FakeExecutor.ok("{}"));
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        harness.send(task("r-1", "binance", "BTCUSDT"));
        harness.tick(10);
        CollectorTask retry = harness.outcomes(Outcome.RetryLater.class).get(0).task();

        // When the original arrives again (a producer retry), then the retry record comes back
        harness.send(task("r-1", "binance", "BTCUSDT"));
        harness.send(retry);
        harness.tick(1_000);
        harness.tick(10);

        // Then the retry is called, the stale copy is not, and the task has one result
        assertThat(executor.tasksCalled()).containsExactly("r-1", "r-1");
        assertThat(resultIds(harness)).containsExactly("r-1");
    }

    @Test
    void shouldTakeUpAReplayedDeadLetterAgainAndForgetFinishedIdsAfterTheWindow() {
        // Given a task that finished
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        ProcessorHarness harness = new ProcessorHarness(config().dedupeWindow(java.time.Duration.ofSeconds(60))
                .build(), executor);
        harness.send(task("d-1", "binance", "BTCUSDT"));
        harness.tick(10);

        // When it is replayed from the dead-letter topic, and later sent again after the dedupe window
        harness.send(task("d-1", "binance", "BTCUSDT"), true);
        harness.tick(10);
        harness.tick(61_000);
        harness.send(task("d-1", "binance", "BTCUSDT"));
        harness.tick(10);

        // Then each of the three is called: the replay by its header, the last because the id was forgotten
        assertThat(executor.tasksCalled()).containsExactly("d-1", "d-1", "d-1");
    }

    // ---- 4. clocks that ran ahead

    private static CollectorTask retryScheduledAhead(String id, long attemptAt, long backoff) {
        CollectorTask task = task(id, "binance", "BTCUSDT");
        task.setAttempt(1);
        task.setAttempts(List.of(new Attempt(1, "binance-spot/api", Instant.ofEpochMilli(attemptAt), 5L,
                AttemptOutcome.FAILURE, ErrorClass.SERVER, 503, "HTTP 503", backoff)));
        task.setNotBefore(Instant.ofEpochMilli(attemptAt + 5 + backoff));
        return task;
    }

    @Test
    void shouldCallARetryScheduledByAnInstanceAheadAfterItsBackoffNotAtItsSkewedDueTime() {
        // Given a retry whose first attempt an instance 50 minutes ahead made, due one second after it by that clock
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        harness.send(retryScheduledAhead("ahead", harness.now() + 50 * 60_000L, 1_000));

        // When a little more than its backoff passes on this instance
        harness.tick(1_100);
        harness.tick(10);

        // Then it was called: it waited its backoff, not fifty minutes
        assertThat(executor.tasksCalled()).containsExactly("ahead");
        assertThat(resultIds(harness)).containsExactly("ahead");
    }

    @Test
    void shouldDecideAgainAtTheFirstTickOnTasksHeldByAnInstanceAhead() {
        // Given a held retry in the store of an instance 50 minutes ahead, and one held correctly for 10 minutes
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        RetryTimers held = new RetryTimers(harness.bytesStore(ProcessorSettings.HELD_STORE), UndoLog.NONE,
                CollectorTask::getExchange);
        CollectorTask ahead = retryScheduledAhead("ahead", harness.now() + 50 * 60_000L, 1_000);
        held.hold(ahead, ahead.getNotBefore().toEpochMilli());
        CollectorTask later = retryScheduledAhead("later", harness.now() - 1_000, 600_000);
        held.hold(later, later.getNotBefore().toEpochMilli());

        // When a correct instance takes over and a few seconds pass
        harness.restart(config().build());
        harness.tick(10);
        harness.tick(1_100);
        harness.tick(10);

        // Then the skewed one was called after its backoff; the other still waits for its own due time
        assertThat(executor.tasksCalled()).containsExactly("ahead");
        assertThat(harness.bytesStore(ProcessorSettings.HELD_STORE).approximateNumEntries()).isEqualTo(1);
    }

    // ---- 5. free call slots are part of admission

    @Test
    void shouldStartTheCriticalTaskBeforeEarlierLowTasksWhenCallSlotsAreFull() {
        // Given one call slot per endpoint, held busy, and 15 LOW tasks then 1 CRITICAL waiting
        executor.holding();
        ProcessorHarness harness = new ProcessorHarness(config().maxInFlightPerEndpoint(1).build(), executor);
        harness.send(task("busy", "okx", "BTC-USDT"));
        for (int i = 0; i < 15; i++) {
            CollectorTask low = task("low-" + i, "okx", "BTC-USDT");
            low.setPriority(Priority.LOW);
            harness.send(low);
        }
        CollectorTask critical = task("critical", "okx", "BTC-USDT");
        critical.setPriority(Priority.CRITICAL);
        harness.send(critical);

        // When the slot frees up, at a time the budget allows a call
        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));
        harness.tick(2_000);

        // Then the CRITICAL task is the next one called, and the rest wait in the durable queue, not in the ledger
        assertThat(executor.tasksCalled()).containsExactly("busy", "critical");
        assertThat(harness.store(ProcessorSettings.LEDGER_STORE).approximateNumEntries()).isEqualTo(1);
        assertThat(harness.bytesStore(ProcessorSettings.QUEUE_STORE).approximateNumEntries()).isEqualTo(15);
    }

    // ---- 6. deadlines are checked whenever a call is about to start

    @Test
    void shouldDeadLetterATaskWhoseDeadlinePassedWhileItWaitedWithoutCallingIt() {
        // Given one slot, held busy, and a task with a deadline waiting behind it
        executor.holding();
        ProcessorHarness harness = new ProcessorHarness(config().maxInFlightPerEndpoint(1).build(), executor);
        harness.send(task("busy", "okx", "BTC-USDT"));
        CollectorTask late = task("late", "okx", "ETH-USDT");
        late.setDeadline(Instant.ofEpochMilli(harness.now() + 500));
        harness.send(late);

        // When the slot frees up after the deadline
        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));
        harness.tick(1_000);

        // Then the task is EXPIRED without a call
        assertThat(deadLetterIds(harness, DeadLetterReason.EXPIRED)).containsExactly("late");
        assertThat(executor.tasksCalled()).containsExactly("busy");
    }

    @Test
    void shouldTakeAtMostAThousandTasksFromAQueueInOneTickWhenTheyExpireThere() {
        // Given one call slot, held, and 1,500 tasks that expire while they wait behind it
        executor.holding();
        ProcessorHarness harness = new ProcessorHarness(config().maxInFlightPerEndpoint(1).build(), executor);
        harness.send(task("busy", "okx", "BTC-USDT"));
        for (int i = 0; i < 1_500; i++) {
            CollectorTask late = task("late-" + i, "okx", "ETH-USDT");
            late.setDeadline(Instant.ofEpochMilli(harness.now() + 1_000));
            harness.send(late);
        }
        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));

        // When the slot frees up after their deadline
        harness.tick(2_000);
        int afterOneTick = deadLetterIds(harness, DeadLetterReason.EXPIRED).size();
        harness.tick(10);

        // Then one tick expired a thousand of them (a tick must end well within the transaction timeout), the next
        // one the rest
        assertThat(afterOneTick).isEqualTo(1_000);
        assertThat(deadLetterIds(harness, DeadLetterReason.EXPIRED)).hasSize(1_500);
    }

    @Test
    void shouldGiveTheBudgetOfTasksThatExpiredInTheQueueToTheTaskBehindThem() throws IOException {
        // Given OKX trades with a budget of one call per ten seconds (a definition file changes its limit group) and
        // one call slot, five tasks that will expire waiting and one that will not
        executor.holding();
        Path definition = definitionsDir.resolve("okx-trades-one-per-10s.json");
        Files.writeString(definition, """
                {"exchange": "okx", "limitGroups": {"trades": {"rules": [
                  {"measure": "requests", "limit": 1, "window": "10s", "clock": "rolling"}]}}}
                """);
        ProcessorHarness harness = new ProcessorHarness(config().maxInFlightPerEndpoint(1)
                .definitionFiles(List.of(definition))
                .reliability("limiter.critical.reserve", "0").build(), executor);
        harness.send(task("busy", "okx", "BTC-USDT"));
        for (int i = 0; i < 5; i++) {
            CollectorTask late = task("late-" + i, "okx", "ETH-USDT");
            late.setDeadline(Instant.ofEpochMilli(harness.now() + 1_000));
            harness.send(late);
        }
        harness.send(task("live", "okx", "SOL-USDT"));

        // When the slot frees up once the budget has refilled one call (the service's window is 1 % longer than the
        // exchange's, 10.1 s, and may count one 51 ms slot more)
        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));
        harness.tick(10_600);

        // Then the expired ones are dead letters and the live one is called now, with the budget they did not use
        assertThat(deadLetterIds(harness, DeadLetterReason.EXPIRED)).hasSize(5);
        assertThat(executor.tasksCalled()).containsExactly("busy", "live");
    }

    @Test
    void shouldDeadLetterARestoredCallWhoseDeadlinePassedWithoutCallingIt() {
        // Given a restored ledger entry whose deadline has passed
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        CollectorTask late = task("late", "binance", "BTCUSDT");
        late.setDeadline(Instant.ofEpochMilli(harness.now() - 1));
        putLedgerEntry(harness, "binance-spot/api", late);
        harness.restart(config().build());

        // When the restored processor ticks
        harness.tick(10);

        // Then it is EXPIRED, with no call and no ledger entry left
        assertThat(deadLetterIds(harness, DeadLetterReason.EXPIRED)).containsExactly("late");
        assertThat(executor.tasksCalled()).isEmpty();
        assertThat(harness.store(ProcessorSettings.LEDGER_STORE).approximateNumEntries()).isZero();
    }

    // ---- 2. an oversized body is a dead letter, not a retry

    @Test
    void shouldDeadLetterAResultTooLargeToPublishWithItsSizeInsteadOfRetrying() {
        executor.answering((task, endpoint) -> task.getTaskId().equals("huge")
                ? CallResult.oversized(0, 3, 200, 3_000_000, -1, -1) : FakeExecutor.ok("{}"));
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);

        harness.send(task("huge", "binance", "BTCUSDT"));
        harness.send(task("small", "binance", "ETHUSDT"));
        harness.tick(10);

        assertThat(harness.outcomes(Outcome.DeadLettered.class)).singleElement().satisfies(d -> {
            assertThat(d.deadLetter().getReason()).isEqualTo(DeadLetterReason.RESULT_TOO_LARGE);
            assertThat(d.deadLetter().getDetail()).contains("3000000");
        });
        assertThat(harness.outcomes(Outcome.RetryLater.class)).isEmpty();
        assertThat(resultIds(harness)).containsExactly("small");
    }

    // ---- 7. one task, one outcome

    @Test
    void shouldLeaveNoEntryOfATaskWhoseHandlingFailsAfterItWasDispatched() {
        // Given a restored ledger entry that no longer decodes next to a good one
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        ProcessorHarness harness = new ProcessorHarness(config().build(), executor);
        KeyValueStore<String, byte[]> ledger = harness.store(ProcessorSettings.LEDGER_STORE);
        ledger.put("damaged", new byte[] {0, 3, 'a', 'p', 'i', 1, 2});
        putLedgerEntry(harness, "binance-spot/api", task("good", "binance", "BTCUSDT"));
        harness.restart(config().build());

        // When the restored processor ticks
        harness.tick(10);
        harness.tick(10);

        // Then the damaged one is a dead letter with its bytes, the good one has its result, the ledger is empty
        assertThat(deadLetterIds(harness, DeadLetterReason.PROCESSING_ERROR)).containsExactly("damaged");
        assertThat(resultIds(harness)).containsExactly("good");
        assertThat(ledger.approximateNumEntries()).isZero();
        assertThat(Map.of("outcomes", harness.outcomes().size())).containsEntry("outcomes", 2);
    }
}
