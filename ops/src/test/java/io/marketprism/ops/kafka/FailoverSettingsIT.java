package io.marketprism.ops.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The broker side of {@link FailoverSettings}, on a broker configured with exactly those settings. */
class FailoverSettingsIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder();
        FailoverSettings.broker().forEach(builder::brokerProperty);
        kafka = builder.build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldAbortATransactionLeftOpenByADeadProducerWithinItsTimeoutAndOneAbortScan() throws Exception {
        // Given a transaction with a record in it, left open the way a killed instance leaves it
        kafka.createTopic("abandoned", 1);
        TopicPartition partition = new TopicPartition("abandoned", 0);
        try (KafkaProducer<String, String> producer = transactionalProducer();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("abandoned", "key", "never committed")).get();
            long opened = System.nanoTime();
            assertThat(lastStableOffset(admin, partition)).isZero();

            // When nobody commits or aborts it
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> lastStableOffset(admin, partition) > 0);
            Duration held = Duration.ofNanos(System.nanoTime() - opened);

            // Then the coordinator aborted it after its timeout, at the latest one abort scan (and a margin) later;
            // with the broker's default scan of 10 s it would hold readers up to 13 s
            assertThat(held).isGreaterThanOrEqualTo(FailoverSettings.TRANSACTION_TIMEOUT.minusMillis(100))
                    .isLessThan(FailoverSettings.TRANSACTION_TIMEOUT.plus(FailoverSettings.ABORT_SCAN_INTERVAL)
                            .plusSeconds(2));
            producer.close(Duration.ZERO);
        }
    }

    @Test
    void shouldLetAConsumerJoinWithTheRecommendedSessionTimeout() {
        // Given the recommended session timeout, below the broker's default minimum of 6 s
        kafka.createTopic("joined", 1);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "failover-settings-it",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) FailoverSettings.SESSION_TIMEOUT.toMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) FailoverSettings.HEARTBEAT_INTERVAL.toMillis()),
                new StringDeserializer(), new StringDeserializer())) {
            // When it subscribes
            consumer.subscribe(List.of("joined"));

            // Then the group admits it (a broker with the default minimum answers INVALID_SESSION_TIMEOUT)
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });
        }
    }

    private static KafkaProducer<String, String> transactionalProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "failover-settings-it",
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) FailoverSettings.TRANSACTION_TIMEOUT.toMillis()),
                new StringSerializer(), new StringSerializer());
    }

    private static long lastStableOffset(Admin admin, TopicPartition partition)
            throws ExecutionException, InterruptedException {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(partition).get().offset();
    }
}
