package io.marketprism.ops.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An at-least-once producer (not idempotent) sends each of 2,000 tasks twice: the second copy right behind the
 * first, a little later (the task waiting or in flight), or after all first copies (the task finished). Every task
 * is called once at the exchange and ends in one terminal record; the service counts 2,000 duplicates.
 */
class DuplicateTasksIT {

    private static final int TASKS = 2_000;
    /** How far behind its first copy the second copy of task i is sent, by i % 4: next, 50 later, 500 later, last. */
    private static final int[] SECOND_COPY_LAG = {0, 50, 500, TASKS};

    @TempDir
    Path stateDir;

    @Test
    void shouldCallATaskSentTwiceOnceAndEndItOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().port(0).seed(13).build().start()) {
            String bootstrap = kafka.bootstrapServers();
            ServiceConfig config = Workloads.serviceConfig(Workloads.generousSettings(exchange), bootstrap,
                    "duplicates-it", stateDir);
            try (MarketPrismService service = MarketPrismService.withHttp(config)) {
                service.start();
                service.awaitRunning(Duration.ofSeconds(60));

                Set<String> expected = new TreeSet<>();
                List<Send> sends = new ArrayList<>();
                for (int i = 0; i < TASKS; i++) {
                    String id = "dup-" + i;
                    expected.add(id);
                    byte[] task = Workloads.task(id, i, Workloads.tagged(id), null);
                    sends.add(new Send(i, task));
                    sends.add(new Send(i + SECOND_COPY_LAG[i % SECOND_COPY_LAG.length] + 0.5, task));
                }
                sends.sort(Comparator.comparingDouble(Send::position));
                Workloads.produce(bootstrap, config.topics().tasks(), sends.stream().map(Send::value).toList(), false);

                TerminalRecords terminal = IsolationChecks.awaitEachTaskEndedOnce(bootstrap, expected,
                        Duration.ofMinutes(2));

                assertThat(terminal.succeeded()).isEqualTo(expected);
                Map<String, Long> calls = Workloads.callsPerTask(exchange);
                assertThat(calls.keySet()).isEqualTo(expected);
                assertThat(calls).allSatisfy((id, count) -> assertThat(count).as("calls of %s", id).isOne());
                ServiceScrape scrape = ServiceScrape.of(service);
                assertThat(scrape.sum("marketprism_duplicate_tasks_total", "kind=\"same_task\"")).isEqualTo(TASKS);
                assertThat(scrape.sum("marketprism_duplicate_tasks_total", "kind=\"id_taken\"")).isZero();
                IsolationChecks.assertThreadsAlive(service);
            }
        }
    }

    /** One record to send, at a position in the send order. */
    private record Send(double position, byte[] value) {
    }
}
