package io.marketprism.ops.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.Priority;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A budget of ten OKX calls a second makes tasks wait in the durable queue. Tasks whose deadline passes while they
 * wait there are dead letters EXPIRED when their turn comes, and the exchange never sees a call for them; the tasks
 * around them are called and have results.
 */
class ExpiredInQueueIT {

    /** Tasks queued ahead of the short-lived ones: four seconds of budget. */
    private static final int AHEAD = 40;
    private static final int SHORT_LIVED = 20;
    private static final int BEHIND = 10;
    private static final Duration SHORT_DEADLINE = Duration.ofMillis(1_500);

    @TempDir
    Path stateDir;

    @Test
    void shouldDeadLetterTasksWhoseDeadlinePassedInTheQueueWithoutCallingThem() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().port(0).seed(17).build().start()) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, String> settings = Workloads.generousSettings(exchange);
            settings.put("exchange.okx.limiter.bucket.capacity", "2");
            settings.put("exchange.okx.limiter.refill.per.second", "10");
            settings.put("exchange.okx.limiter.windows", "requests:10/1000");
            settings.put("exchange.okx.limiter.critical.reserve", "0");
            ServiceConfig config = Workloads.serviceConfig(settings, bootstrap, "expired-it", stateDir);
            try (MarketPrismService service = MarketPrismService.withHttp(config)) {
                service.start();
                service.awaitRunning(Duration.ofSeconds(60));

                // Given tasks that will wait for seconds, then tasks with a deadline shorter than that wait
                List<byte[]> tasks = new ArrayList<>();
                Set<String> shortLived = new TreeSet<>();
                Set<String> longLived = new TreeSet<>();
                Instant deadline = Instant.now().plus(SHORT_DEADLINE);
                for (int i = 0; i < AHEAD + SHORT_LIVED + BEHIND; i++) {
                    boolean isShort = i >= AHEAD && i < AHEAD + SHORT_LIVED;
                    String id = (isShort ? "short-" : "long-") + i;
                    (isShort ? shortLived : longLived).add(id);
                    tasks.add(Workloads.task(id, "okx", "BTC-USDT", DataType.TICKER, Priority.NORMAL, i % 2 == 0,
                            Workloads.tagged(id), isShort ? deadline : null));
                }

                // When they are produced at once
                Workloads.produce(bootstrap, config.topics().tasks(), tasks, true);
                Set<String> expected = new TreeSet<>(shortLived);
                expected.addAll(longLived);
                TerminalRecords terminal = IsolationChecks.awaitEachTaskEndedOnce(bootstrap, expected,
                        Duration.ofMinutes(1));

                // Then the short-lived ones expired at their turn, without a call; the others were called once
                assertThat(terminal.deadLettered(DeadLetterReason.EXPIRED)).extracting(DeadLetter::getTaskId)
                        .containsExactlyInAnyOrderElementsOf(shortLived);
                assertThat(terminal.deadLettered(DeadLetterReason.EXPIRED)).extracting(DeadLetter::getDetail)
                        .allSatisfy(detail -> assertThat(detail).contains("before the call could start"));
                assertThat(terminal.succeeded()).isEqualTo(longLived);
                Map<String, Long> calls = Workloads.callsPerTask(exchange);
                assertThat(calls.keySet()).doesNotContainAnyElementsOf(shortLived).isEqualTo(longLived);
                IsolationChecks.assertThreadsAlive(service);
            }
        }
    }
}
