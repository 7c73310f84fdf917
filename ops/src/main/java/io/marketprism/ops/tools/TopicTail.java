package io.marketprism.ops.tools;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one topic as {@code kafka-console-consumer} does, without a consumer group: every partition at once, from the
 * beginning or from the first record at or after a time, under {@code isolation.level=read_committed}. Without
 * follow it stops at the end each partition had when reading started (the last stable offset, so it never waits on
 * someone's open transaction); with follow it goes on until told to stop.
 */
public final class TopicTail {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private TopicTail() {
    }

    /**
     * Hands each committed record to {@code visitor}, in order within a partition.
     *
     * @param clientProperties Kafka client settings (bootstrap servers, security); consumer settings are added
     * @param since the first record time to read, or null for the beginning
     * @param follow whether to keep reading past the current end
     * @param stopped asked between polls; true ends a follow
     * @throws IllegalArgumentException when the topic does not exist
     */
    public static void read(Map<String, Object> clientProperties, String topic, Instant since, boolean follow,
                            BooleanSupplier stopped, Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist");
            }
            consumer.assign(partitions);
            seek(consumer, partitions, since);
            Map<TopicPartition, Long> ends = follow ? Map.of() : new HashMap<>(consumer.endOffsets(partitions));
            while (!stopped.getAsBoolean() && (follow || !reachedEnds(consumer, ends))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    Long end = ends.get(new TopicPartition(record.topic(), record.partition()));
                    if (end == null || record.offset() < end) {
                        visitor.accept(record);
                    }
                }
            }
        }
    }

    private static void seek(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Instant since) {
        if (since == null) {
            consumer.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp at = found.get(partition);
            if (at == null) {
                consumer.seekToEnd(List.of(partition));
            } else {
                consumer.seek(partition, at.offset());
            }
        }
    }

    private static boolean reachedEnds(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
