package io.marketprism.ops.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the records committed to some topics, read from their beginning under read_committed, and notes when the
 * count passed the warm-up and when it reached the total. Optionally samples, for one topic, how long after its
 * record timestamp each record became visible. Positioned on construction, so counting starts without a lookup.
 */
final class CommittedRecordCounter implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(5);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final String lagTopic;

    /**
     * What a count saw: the two looks, records per topic, the visibility lags of {@code lagTopic}, and what the
     * threads of the app measured used between the two looks.
     */
    record Counted(Observation first, Observation last, Map<String, Long> perTopic,
                   Optional<LatencyPercentiles> visibilityLag, long cpuNanos, long allocatedBytes) {
    }

    /**
     * @param topics   topics whose records are counted together
     * @param lagTopic one of them whose visibility lag is sampled, or null for none
     */
    CommittedRecordCounter(String bootstrapServers, List<String> topics, String lagTopic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = List.copyOf(topics);
        this.lagTopic = lagTopic;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        partitions.forEach(consumer::position);
    }

    /**
     * Polls until {@code total} records were seen.
     *
     * @param warmup     records to see before the first look that counts
     * @param appThreads names of the threads whose CPU time and allocation are read at both looks
     * @throws IllegalStateException if fewer than {@code total} arrived within the timeout
     */
    Counted awaitCount(long warmup, long total, Duration timeout, LongSupplier nanoClock,
                       Predicate<String> appThreads) {
        if (total <= 0) {
            throw new IllegalArgumentException("total must be positive, got " + total);
        }
        long deadline = nanoClock.getAsLong() + timeout.toNanos();
        Map<String, Long> perTopic = new LinkedHashMap<>();
        topics.forEach(topic -> perTopic.put(topic, 0L));
        long[] lags = new long[lagTopic == null ? 0 : (int) Math.min(total, Integer.MAX_VALUE - 8)];
        int lagCount = 0;
        long count = 0;
        Observation first = null;
        ThreadUsage usageAtFirst = null;
        while (true) {
            if (nanoClock.getAsLong() > deadline) {
                throw new IllegalStateException("only " + count + " of " + total + " records within " + timeout
                        + " " + perTopic);
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            if (records.isEmpty()) {
                continue;
            }
            long seenAt = nanoClock.getAsLong();
            long seenAtMillis = System.currentTimeMillis();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                perTopic.merge(record.topic(), 1L, Long::sum);
                if (first != null && record.topic().equals(lagTopic) && lagCount < lags.length) {
                    lags[lagCount++] = seenAtMillis - record.timestamp();
                }
            }
            count += records.count();
            if (first == null && count >= Math.max(1, warmup)) {
                first = new Observation(seenAt, count);
                usageAtFirst = ThreadUsage.read(appThreads);
            }
            if (count >= total) {
                ThreadUsage usageAtLast = ThreadUsage.read(appThreads);
                return new Counted(first, new Observation(seenAt, count), perTopic,
                        lagCount == 0 ? Optional.empty() : Optional.of(LatencyPercentiles.of(lags, lagCount)),
                        usageAtLast.cpuNanosSince(usageAtFirst), usageAtLast.allocatedBytesSince(usageAtFirst));
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
