package io.marketprism.ops.it;

import static io.marketprism.ops.exchange.SimulatedExchange.Mode.LENIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.topology.MarketPrismService;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A planned stop (a rolling deploy, scaling in) hands the stopped instance's partitions to the others at once: it
 * leaves the consumer group instead of waiting, like a crashed instance, for the session timeout (45 s by default).
 */
class PlannedStopIT {

    private static final String APPLICATION_ID = "planned-stop-it";
    private static final int PARTITIONS = 4;
    /** One sub-topology (decode and reliability), so one stream task per partition. */
    private static final int STREAM_TASKS = PARTITIONS;

    @TempDir
    Path dir;

    @Test
    void shouldHandOverThePartitionsOfACleanlyStoppedInstanceWellBeforeTheSessionTimeout() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(5).build().start()) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, String> settings = Workloads.generousSettings(exchange);
            settings.put("topic.partitions", String.valueOf(PARTITIONS));
            try (MarketPrismService staying = MarketPrismService.withHttp(Workloads.serviceConfig(settings, bootstrap,
                    APPLICATION_ID, dir.resolve("staying")))) {
                staying.start();
                MarketPrismService leaving = MarketPrismService.withHttp(Workloads.serviceConfig(settings, bootstrap,
                        APPLICATION_ID, dir.resolve("leaving")));
                leaving.start();
                KafkaChecks.awaitGroupMembers(bootstrap, APPLICATION_ID, 2);
                await().atMost(Duration.ofMinutes(1)).until(() -> activeTasks(staying) > 0
                        && activeTasks(staying) < STREAM_TASKS);

                // When one instance stops cleanly
                Instant stopped = Instant.now();
                leaving.close();

                // Then the other runs every task within seconds, not after the 45 s session timeout
                await().atMost(Duration.ofSeconds(20)).until(() -> activeTasks(staying) == STREAM_TASKS);
                assertThat(Duration.between(stopped, Instant.now())).isLessThan(Duration.ofSeconds(20));
            }
        }
    }

    /** Active stream tasks of the instance. */
    private static int activeTasks(MarketPrismService service) {
        return service.streams().metadataForLocalThreads().stream().map(ThreadMetadata::activeTasks)
                .mapToInt(java.util.Set::size).sum();
    }
}
