package io.marketprism.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exec.CallResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call is counted in its budget when it is started, not when the invocation that starts it began, and again,
 * instead, when its answer comes. Kafka Streams gives a tick, and every record of a batch, one time, and an invocation
 * slowed down by a busy machine starts its last calls long after it; and a call may reach the exchange late in its
 * life. Counted at the invocation's time or at its start alone, such a call leaves the limiter's window before it
 * leaves the exchange's, and the next calls overrun the exchange's limit.
 */
class CallCountedWhenStartedTest {

    private static final long SLOW_SEND_MILLIS = 900;
    /** The budget's window: 2 calls a second, which the service keeps as 2 per 1,050 ms. */
    private static final long WINDOW_MILLIS = 1_000;
    private static final int LIMIT = 2;

    /** The machine's time, which the calls are sent at; the harness's Streams time is never later. */
    private final AtomicLong wallMillis = new AtomicLong(ProcessorHarness.START);
    private final List<Long> sentAt = new ArrayList<>();
    private final FakeExecutor executor = new FakeExecutor();
    private ProcessorHarness harness;

    @TempDir
    Path definitionsDir;

    @BeforeEach
    void okxTradesAtTwoCallsASecond() throws IOException {
        Path definition = definitionsDir.resolve("okx-trades-two-per-second.json");
        Files.writeString(definition, """
                {"exchange": "okx", "limitGroups": {"trades": {"rules": [
                  {"measure": "requests", "limit": %d, "window": "1s", "clock": "rolling"}]}}}
                """.formatted(LIMIT));
        ServiceConfig config = TestConfigs.twoExchanges().definitionFiles(List.of(definition))
                .maxInFlightPerEndpoint(10).reliability("limiter.critical.reserve", "0").build();
        // The call of a task named slow takes the machine 900 ms to start: the invocation goes on that much later
        executor.answering((task, endpoint) -> {
            sentAt.add(wallMillis.get());
            if (task.getTaskId().startsWith("slow")) {
                wallMillis.addAndGet(SLOW_SEND_MILLIS);
            }
            return FakeExecutor.ok("{\"code\":\"0\"}");
        });
        harness = new ProcessorHarness(config, executor, wallMillis::get);
    }

    @Test
    void shouldCountTheCallsOfABatchOfRecordsWhenTheyStartSoThatTheNextWindowDoesNotOverrun() {
        // Given a batch of records, all at one Streams time, whose first call takes 900 ms to start
        harness.send(task("slow-1"));
        for (int i = 2; i <= 4; i++) {
            harness.send(task("task-" + i));
        }

        // When the waiting ones are drained 1,060 ms after the batch's Streams time, past the service's window
        tick(1_060);
        tick(1_060);

        // Then the exchange never sees more than its limit in one window, and the budget is used
        assertWithinTheLimitInEveryWindow();
        assertThat(executor.tasksCalled()).hasSize(4);
    }

    @Test
    void shouldCountTheCallsOfATickWhenTheyStartSoThatTheNextTickDoesNotOverrun() {
        // Given two calls that use the budget, and tasks waiting behind them of which the first takes 900 ms to start
        harness.send(task("first"));
        harness.send(task("second"));
        harness.send(task("slow-3"));
        for (int i = 4; i <= 8; i++) {
            harness.send(task("task-" + i));
        }

        // When ticks drain them, each past the service's window
        for (int i = 0; i < 4; i++) {
            tick(1_060);
        }

        // Then the exchange never sees more than its limit in one window, and the budget is used
        assertWithinTheLimitInEveryWindow();
        assertThat(executor.tasksCalled()).hasSizeGreaterThanOrEqualTo(7);
    }

    @Test
    void shouldCountACallAgainWhenItsAnswerComesSoThatALateArrivalDoesNotOverrunTheNextWindow() {
        // Given two calls that use the budget, one answered at once and one 900 ms after it started: the exchange
        // may have counted that one as late as 900 ms
        executor.holding();
        harness.send(task("quick"));
        harness.send(task("slow"));
        harness.send(task("waiting-1"));
        harness.send(task("waiting-2"));
        long started = harness.now();
        tick(900);
        executor.calls().get(0).future().complete(CallResult.response(started, 3, 200, "{\"code\":\"0\"}", -1, -1));
        executor.calls().get(1).future().complete(CallResult.response(started, 900, 200, "{\"code\":\"0\"}", -1, -1));
        tick(10);

        // When the window of their start has passed
        tick(150);

        // Then one more call is made, not two: the slow one counts until a window after its answer
        assertThat(executor.tasksCalled()).containsExactly("quick", "slow", "waiting-1");
        tick(1_000);
        assertThat(executor.tasksCalled()).containsExactly("quick", "slow", "waiting-1", "waiting-2");
    }

    @Test
    void shouldHandBackAnswersBeforeAdmittingTheRecordsOfABatchThatOutlastsATick() {
        // Given two calls that use the budget, answered while a batch of records goes on at one Streams time, one
        // 900 ms after it started
        executor.holding();
        harness.send(task("quick"));
        harness.send(task("slow"));
        long started = harness.now();
        executor.calls().get(0).future().complete(CallResult.response(started, 3, 200, "{\"code\":\"0\"}", -1, -1));
        executor.calls().get(1).future().complete(CallResult.response(started, 900, 200, "{\"code\":\"0\"}", -1, -1));

        // When the batch, 1,060 ms in by the wall clock, comes to two more tasks
        wallMillis.addAndGet(1_060);
        harness.send(task("late-1"));
        harness.send(task("late-2"));

        // Then the answers are handed back first, and the slow one still counts: one more call, not two
        assertThat(executor.tasksCalled()).containsExactly("quick", "slow", "late-1");
    }

    private void tick(long millis) {
        wallMillis.set(Math.max(wallMillis.get(), harness.now() + millis));
        harness.tick(millis);
    }

    private void assertWithinTheLimitInEveryWindow() {
        for (long start : sentAt) {
            assertThat(sentAt.stream().filter(t -> t >= start && t < start + WINDOW_MILLIS).count())
                    .as("calls sent in the second from %d (sent at %s)", start, sentAt).isLessThanOrEqualTo(LIMIT);
        }
    }

    private static CollectorTask task(String id) {
        return CollectorTask.newBuilder().setTaskId(id).setExchange("okx").setDataType(DataType.TRADES)
                .setSymbol("BTC-USDT").setCreatedAt(Instant.ofEpochMilli(ProcessorHarness.START)).build();
    }
}
