package io.marketprism.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.codec.TaskReadResult;
import io.marketprism.schemas.codec.TaskReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code marketprism produce} against a real broker: what it writes is what the service reads. */
class ProduceCommandIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldProduceTheCountOfJsonTasksWithUniqueIdsAndTheSeededPriorityMix() {
        // Given
        kafka.createTopic("produce-json", 3);

        // When
        CliRun run = CliRun.of("produce", "-b", kafka.bootstrapServers(), "--topic", "produce-json",
                "--count", "400", "--format", "json", "--seed", "5", "--priority-mix", "CRITICAL=1,LOW=3",
                "--run-id", "it1", "--kafka", "client.id=produce-it", "--kafka", "ssl.key.password=hunter2");

        // Then
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("produced 400 tasks in ").contains(" to produce-json");
        assertThat(run.err()).contains("ssl.key.password=****", "client.id=produce-it").doesNotContain("hunter2");
        List<CollectorTask> tasks = readTasks("produce-json", TaskReadResult.Format.JSON);
        assertThat(tasks).hasSize(400);
        assertThat(tasks).extracting(CollectorTask::getTaskId).doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith("produce-it1-"));
        Map<Priority, Long> perPriority = tasks.stream()
                .collect(Collectors.groupingBy(CollectorTask::getPriority, Collectors.counting()));
        assertThat(perPriority.keySet()).containsOnly(Priority.CRITICAL, Priority.LOW);
        assertThat(perPriority.get(Priority.LOW)).isBetween(260L, 340L);
    }

    @Test
    void shouldProduceAvroTasksTheServiceDecodes() {
        kafka.createTopic("produce-avro", 2);

        CliRun run = CliRun.of("produce", "-b", kafka.bootstrapServers(), "--topic", "produce-avro",
                "--count", "50", "--format", "AVRO", "--exchanges", "okx", "--symbols", "okx=SOL-USDT,XRP-USDT",
                "--data-types", "ticker,trades");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<CollectorTask> tasks = readTasks("produce-avro", TaskReadResult.Format.AVRO);
        assertThat(tasks).hasSize(50);
        assertThat(tasks).extracting(CollectorTask::getSymbol).containsOnly("SOL-USDT", "XRP-USDT");
    }

    @Test
    void shouldPaceTasksAtTheRequestedRate() {
        kafka.createTopic("produce-paced", 1);

        long started = System.nanoTime();
        CliRun run = CliRun.of("produce", "-b", kafka.bootstrapServers(), "--topic", "produce-paced",
                "--count", "41", "--rate", "40");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(KafkaChecks.readCommitted(kafka.bootstrapServers(), "produce-paced")).hasSize(41);
    }

    @Test
    void shouldRefuseABadOptionNamingIt() {
        CliRun run = CliRun.of("produce", "-b", kafka.bootstrapServers(), "--format", "xml");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--format").contains("xml");
    }

    private static List<CollectorTask> readTasks(String topic, TaskReadResult.Format expectedFormat) {
        TaskReader reader = new TaskReader();
        List<ConsumerRecord<String, byte[]>> records = KafkaChecks.readCommitted(kafka.bootstrapServers(), topic);
        List<TaskReadResult> read = records.stream()
                .map(r -> reader.read(r.value(), r.topic(), r.partition(), r.offset(), r.timestamp())).toList();
        assertThat(read).allSatisfy(result -> {
            assertThat(result).isInstanceOf(TaskReadResult.Accepted.class);
            assertThat(((TaskReadResult.Accepted) result).format()).isEqualTo(expectedFormat);
        });
        return read.stream().map(r -> ((TaskReadResult.Accepted) r).task()).toList();
    }
}
