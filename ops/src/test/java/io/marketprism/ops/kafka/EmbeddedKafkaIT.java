package io.marketprism.ops.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @Test
    void shouldDeliverCommittedTransactionalRecordsAndHideAbortedOnes() {
        // Given a started broker with a topic
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createTopic("tasks", 3);

            // When one transaction is aborted and a later one committed
            try (KafkaProducer<String, String> producer = transactionalProducer(kafka.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tasks", "BTCUSDT", "aborted"));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tasks", "BTCUSDT", "committed"));
                producer.commitTransaction();
            }

            // Then a read_committed consumer sees only the committed record
            assertThat(consumeValues(kafka.bootstrapServers(), "tasks", 1)).containsExactly("committed");
        }
    }

    @Test
    void shouldStartAgainFromAFreshDirectoryAfterClose() {
        // Given a broker that was started and closed
        Path firstDirectory;
        try (EmbeddedKafka first = EmbeddedKafka.builder().build().start()) {
            firstDirectory = first.dataDirectory();
            first.createTopic("first", 1);
        }
        assertThat(firstDirectory).doesNotExist();

        // When a new one starts
        try (EmbeddedKafka second = EmbeddedKafka.builder().build().start()) {
            // Then it has a fresh directory and works
            assertThat(second.dataDirectory()).isNotEqualTo(firstDirectory);
            second.createTopic("first", 1);
            try (KafkaProducer<String, String> producer = transactionalProducer(second.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("first", "k", "again"));
                producer.commitTransaction();
            }
            assertThat(consumeValues(second.bootstrapServers(), "first", 1)).containsExactly("again");
        }
    }

    @Test
    void shouldKeepTopicsWhenRestartedOnTheSameDataDirectory(@TempDir Path directory) {
        // Given a broker on a chosen directory that created a topic
        try (EmbeddedKafka first = EmbeddedKafka.builder().dataDirectory(directory).build().start()) {
            first.createTopic("kept", 1);
        }
        assertThat(Files.exists(directory.resolve("logs"))).isTrue();

        // When a broker starts again on that directory
        try (EmbeddedKafka second = EmbeddedKafka.builder().dataDirectory(directory).build().start()) {
            // Then the topic still exists
            assertThatThrownBy(() -> second.createTopic("kept", 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("kept");
        }
    }

    @Test
    void shouldComeBackOnTheSamePortAndLogWhenStartedAgainAfterClose(@TempDir Path directory) {
        // Given a broker on a chosen directory that committed a record, then closed
        EmbeddedKafka kafka = EmbeddedKafka.builder().dataDirectory(directory).build().start();
        String address = kafka.bootstrapServers();
        kafka.createTopic("kept", 1);
        try (KafkaProducer<String, String> producer = transactionalProducer(address)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("kept", "k", "before the restart"));
            producer.commitTransaction();
        }
        kafka.close();

        // When the same broker starts again
        try (EmbeddedKafka restarted = kafka.start()) {
            // Then clients find it where it was, with what it had
            assertThat(restarted.bootstrapServers()).isEqualTo(address);
            assertThat(consumeValues(address, "kept", 1)).containsExactly("before the restart");
        }
    }

    @Test
    void shouldRefuseAQuorumThatDoesNotNameTheNode() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().quorum(4, "cluster", Map.of(1, 19411, 2, 19412, 3, 19413)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not name node 4");
    }

    @Test
    void shouldRejectStartingTwiceAndUseBeforeStart() {
        EmbeddedKafka kafka = EmbeddedKafka.builder().build();

        assertThatThrownBy(kafka::bootstrapServers).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
        try (EmbeddedKafka started = kafka.start()) {
            assertThat(started.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
            assertThatThrownBy(started::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already started");
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-it",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
    }

    private static List<String> consumeValues(String bootstrapServers, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-it",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
        }
        return values;
    }
}
