package io.marketprism.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.ops.tools.DeadLetterReplayer;
import io.marketprism.ops.tools.DeadLetters;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code marketprism dlq list} and {@code dlq replay} on a real broker, with dead letters written straight to the
 * dead-letter topic: replays never write a dead letter twice, whether run again or concurrently.
 */
class DlqReplayIT {

    private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
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
    void shouldReplayEachDeadLetterExactlyOnceWhenTheSameReplayRunsTwice() throws Exception {
        // Given three dead tasks and one dead record of raw bytes
        Topics topics = Topics.create("twice");
        Map<String, String> coordinatesById = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            DeadLetter letter = DeadLetters.exhausted("t-" + i, "binance", AT);
            coordinatesById.put(letter.getTaskId(), topics.writeDeadLetter(letter, i % 2));
        }
        topics.writeDeadLetter(DeadLetters.malformed("raw-1", new byte[] {7, 7}, AT), 0);

        // When
        CliRun first = topics.replay();
        CliRun second = topics.replay();

        // Then
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("replayed 3, skipped 0 already replayed, skipped 1 undecodable");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("replayed 0, skipped 3 already replayed, skipped 1 undecodable");
        List<ConsumerRecord<String, byte[]>> replayed = topics.readInput();
        assertThat(replayed).hasSize(3);
        for (ConsumerRecord<String, byte[]> record : replayed) {
            CollectorTask task = AvroCodec.tasks().decode(record.value());
            assertThat(header(record, DeadLetterReplayer.REPLAY_OF_HEADER))
                    .isEqualTo(coordinatesById.get(task.getTaskId()));
            assertThat(task.getAttempt()).isZero();
            assertThat(task.getAttempts()).hasSize(2);
            assertThat(task.getNotBefore()).isNull();
        }
        assertThat(replayed).extracting(r -> AvroCodec.tasks().decode(r.value()).getTaskId())
                .containsExactlyInAnyOrderElementsOf(coordinatesById.keySet());
        assertThat(KafkaChecks.openTransactionLag(kafka.bootstrapServers(),
                List.of(topics.input, topics.dlq + ".replayed"))).isEmpty();
    }

    @Test
    void shouldReplayEachDeadLetterAtMostOnceWhenReplaysRunConcurrently() throws Exception {
        // Given
        Topics topics = Topics.create("concurrent");
        for (int i = 0; i < 200; i++) {
            topics.writeDeadLetter(DeadLetters.exhausted("c-" + i, "okx", AT), i % 2);
        }

        // When two replays race, then a third finishes whatever a fenced one left
        CompletableFuture<CliRun> one = CompletableFuture.supplyAsync(topics::replay);
        CompletableFuture<CliRun> two = CompletableFuture.supplyAsync(topics::replay);
        List<CliRun> racing = List.of(one.get(), two.get());
        CliRun last = topics.replay();

        // Then
        assertThat(racing).anySatisfy(run -> assertThat(run.exitCode()).as(run.err()).isZero());
        assertThat(last.exitCode()).as(last.err()).isZero();
        assertThat(last.out()).contains("skipped 200 already replayed").contains("replayed 0,");
        Map<String, Long> perId = topics.readInput().stream().collect(Collectors.groupingBy(
                r -> AvroCodec.tasks().decode(r.value()).getTaskId(), Collectors.counting()));
        assertThat(perId).hasSize(200);
        assertThat(perId.values()).containsOnly(1L);
    }

    @Test
    void shouldReplayRawBytesOnlyWhenAskedAndThenOnlyOnce() throws Exception {
        // Given
        Topics topics = Topics.create("raw");
        byte[] raw = "{\"exchange\":\"binance\"".getBytes(StandardCharsets.UTF_8);
        String coordinates = topics.writeDeadLetter(DeadLetters.malformed("raw-1", raw, AT), 1);

        // When
        CliRun withoutFlag = topics.replay();
        CliRun withFlag = topics.replay("--include-raw");
        CliRun again = topics.replay("--include-raw");

        // Then
        assertThat(withoutFlag.out()).contains("replayed 0, skipped 0 already replayed, skipped 1 undecodable");
        assertThat(withFlag.out()).contains("replayed 1, skipped 0 already replayed, skipped 0 undecodable");
        assertThat(again.out()).contains("replayed 0, skipped 1 already replayed");
        List<ConsumerRecord<String, byte[]>> replayed = topics.readInput();
        assertThat(replayed).hasSize(1);
        assertThat(replayed.get(0).value()).isEqualTo(raw);
        assertThat(header(replayed.get(0), DeadLetterReplayer.REPLAY_OF_HEADER)).isEqualTo(coordinates);
    }

    @Test
    void shouldReplayOnlyTheChosenOffsetsAndReasons() throws Exception {
        Topics topics = Topics.create("chosen");
        topics.writeDeadLetter(DeadLetters.exhausted("k-0", "binance", AT), 0);
        topics.writeDeadLetter(DeadLetters.exhausted("k-1", "binance", AT), 0);
        topics.writeDeadLetter(DeadLetters.malformed("k-2", new byte[] {1}, AT), 0);

        CliRun run = topics.replay("--offsets", "0:1,0:2", "--reason", "RETRIES_EXHAUSTED");

        assertThat(run.out()).contains("replayed 1, skipped 0 already replayed, skipped 0 undecodable");
        assertThat(topics.readInput()).extracting(r -> AvroCodec.tasks().decode(r.value()).getTaskId())
                .containsExactly("k-1");
    }

    @Test
    void shouldListDeadLettersAsOneJsonObjectPerLineFilteredByReasonAndExchange() throws Exception {
        // Given
        Topics topics = Topics.create("list");
        String okx = topics.writeDeadLetter(DeadLetters.exhausted("l-0", "okx", AT), 1);
        topics.writeDeadLetter(DeadLetters.exhausted("l-1", "binance", AT), 0);
        topics.writeDeadLetter(DeadLetters.malformed("l-2", new byte[] {1}, AT), 0);

        // When
        CliRun all = CliRun.of("dlq", "list", "-b", kafka.bootstrapServers(), "--topic", topics.dlq);
        CliRun filtered = CliRun.of("dlq", "list", "-b", kafka.bootstrapServers(), "--topic", topics.dlq,
                "--reason", "retries_exhausted", "--exchange", "okx", "--history", "--since", "2025-06-01T11:00:00Z");

        // Then
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out().lines()).hasSize(3);
        assertThat(all.err()).contains("3 dead letters from " + topics.dlq);
        List<String> lines = filtered.out().lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode json = MAPPER.readTree(lines.get(0));
        assertThat(topics.dlq + "-" + json.at("/dlq/partition").asInt() + "-" + json.at("/dlq/offset").asLong())
                .isEqualTo(okx);
        assertThat(json.at("/taskId").asText()).isEqualTo("l-0");
        assertThat(json.at("/deadLetteredAt").asText()).isEqualTo("2025-06-01T12:00:00Z");
        assertThat(json.at("/attempts")).hasSize(2);
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    /** A dead-letter topic and an input topic of their own for one test. */
    private record Topics(String dlq, String input) {

        static Topics create(String name) {
            Topics topics = new Topics("dlq-" + name, "tasks-" + name);
            kafka.createTopic(topics.dlq, 2);
            kafka.createTopic(topics.input, 2);
            return topics;
        }

        /** Writes the dead letter to a partition; returns its coordinates {@code topic-partition-offset}. */
        String writeDeadLetter(DeadLetter letter, int partition) throws InterruptedException, ExecutionException {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer =
                         new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                RecordMetadata written = producer.send(new ProducerRecord<>(dlq, partition,
                        letter.getTaskId().getBytes(StandardCharsets.UTF_8),
                        AvroCodec.deadLetters().encode(letter))).get();
                return dlq + "-" + written.partition() + "-" + written.offset();
            }
        }

        CliRun replay(String... extra) {
            List<String> args = new ArrayList<>(List.of("dlq", "replay", "-b", kafka.bootstrapServers(),
                    "--topic", dlq, "--input-topic", input));
            args.addAll(List.of(extra));
            return CliRun.of(args.toArray(String[]::new));
        }

        List<ConsumerRecord<String, byte[]>> readInput() {
            return KafkaChecks.readCommittedOnceSettled(kafka.bootstrapServers(), input);
        }
    }
}
