package io.marketprism.ops.it;

import static io.marketprism.ops.exchange.SimulatedExchange.Mode.LENIENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.exchange.MarketData;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exchange answers every order book with a 3 MB body, three times the producer's {@code max.request.size}, while
 * the other data types flow. Each order-book task is called once and dead-lettered RESULT_TOO_LARGE with the size; every
 * other task has its result; no transaction aborts, so nothing is replayed and the work goes on.
 */
class OversizedResultIT {

    private static final int TASKS = 300;
    private static final int BODY_BYTES = 3_000_000;

    @TempDir
    Path stateDir;

    @Test
    void shouldDeadLetterOversizedResultsOnceAndKeepEveryOtherTaskFlowing() throws Exception {
        FaultProfile hugeBooks = FaultProfile.builder().oversizedBody(MarketData.ORDER_BOOK, BODY_BYTES).build();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(19).faults(hugeBooks).build()
                     .start()) {
            String bootstrap = kafka.bootstrapServers();
            ServiceConfig config = Workloads.serviceConfig(Workloads.generousSettings(exchange), bootstrap,
                    "oversized-it", stateDir);
            try (MarketPrismService service = MarketPrismService.withHttp(config)) {
                service.start();
                service.awaitRunning(Duration.ofSeconds(60));

                List<byte[]> tasks = new ArrayList<>();
                Set<String> expected = new TreeSet<>();
                Set<String> books = new TreeSet<>();
                for (int i = 0; i < TASKS; i++) {
                    String id = "big-" + i;
                    byte[] task = Workloads.task(id, i, Workloads.tagged(id), null);
                    tasks.add(task);
                    expected.add(id);
                    if (Workloads.dataType(i) == DataType.ORDER_BOOK) {
                        books.add(id);
                    }
                }
                Workloads.produce(bootstrap, config.topics().tasks(), tasks, true);

                TerminalRecords terminal = IsolationChecks.awaitEachTaskEndedOnce(bootstrap, expected,
                        Duration.ofMinutes(1));

                assertThat(books).hasSize(TASKS / 5);
                List<DeadLetter> tooLarge = terminal.deadLettered(DeadLetterReason.RESULT_TOO_LARGE);
                assertThat(tooLarge).extracting(DeadLetter::getTaskId).containsExactlyInAnyOrderElementsOf(books);
                assertThat(tooLarge).extracting(DeadLetter::getDetail)
                        .allSatisfy(detail -> assertThat(detail).contains(String.valueOf(BODY_BYTES)));
                Set<String> others = new TreeSet<>(expected);
                others.removeAll(books);
                assertThat(terminal.succeeded()).isEqualTo(others);
                assertThat(Workloads.callsPerTask(exchange)).as("each task called once, none replayed")
                        .hasSize(TASKS).allSatisfy((id, calls) -> assertThat(calls).as(id).isOne());
                assertThat(KafkaChecks.readUncommitted(bootstrap, config.topics().results()))
                        .as("results of aborted transactions").hasSize(others.size());
                IsolationChecks.assertThreadsAlive(service);
            }
        }
    }
}
