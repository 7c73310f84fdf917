package io.marketprism.ops.tools;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic once, without a consumer group: every partition from its beginning to the end it had when
 * reading started, under {@code isolation.level=read_committed}, so records of open or aborted transactions are never
 * seen. The end is the last stable offset, so a read never waits for someone else's transaction.
 */
public final class TopicReader {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private TopicReader() {
    }

    /**
     * Hands every committed record to {@code visitor} in partition order until the visitor returns false or the end
     * is reached.
     *
     * @param clientProperties Kafka client settings (bootstrap servers, security); consumer settings are added
     * @throws IllegalArgumentException when the topic does not exist
     */
    public static void read(Map<String, Object> clientProperties, String topic,
                            Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader(clientProperties)) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            for (TopicPartition partition : partitions) {
                if (!readPartition(consumer, partition, visitor)) {
                    return;
                }
            }
        }
    }

    private static boolean readPartition(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition,
                                         Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        while (consumer.position(partition) < end) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                if (record.offset() >= end) {
                    return true;
                }
                if (!visitor.test(record)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A consumer of raw bytes that reads committed records only, without a group (assign, never subscribe). */
    static KafkaConsumer<byte[], byte[]> committedReader(Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every partition of {@code topic}; IllegalArgumentException when the topic does not exist. */
    static List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("topic '" + topic + "' does not exist");
        }
        return partitions;
    }
}
