package io.marketprism.ops.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Verification helpers modelled on Kafka's own exactly-once tests: read a topic to its end under read_committed, and
 * check that no transaction is left open (last stable offset equals high watermark on every partition).
 */
public final class KafkaChecks {

    private KafkaChecks() {
    }

    /** How long {@link #readCommittedOnceSettled} waits for transactions still open on the topic to complete. */
    private static final Duration OPEN_TRANSACTION_WAIT = Duration.ofSeconds(30);

    /** Every committed record of a topic, read until the consumer's position reaches the end of every partition. */
    public static List<ConsumerRecord<String, byte[]>> readCommitted(String bootstrap, String topic) {
        return read(bootstrap, topic, IsolationLevel.READ_COMMITTED);
    }

    /**
     * {@link #readCommitted}, once no transaction is open on the topic (waiting up to {@link #OPEN_TRANSACTION_WAIT}):
     * for reading what a writer that has finished committed. Right after a commit its markers may not be written
     * yet, and its records would stay invisible behind the last stable offset. Not for polling a running service,
     * which always has a transaction open: each poll would wait the whole time.
     */
    public static List<ConsumerRecord<String, byte[]>> readCommittedOnceSettled(String bootstrap, String topic) {
        long deadline = System.nanoTime() + OPEN_TRANSACTION_WAIT.toNanos();
        while (!openTransactionLag(bootstrap, List.of(topic)).isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return readCommitted(bootstrap, topic);
    }

    /**
     * Every record of a topic, aborted ones included (a read_uncommitted consumer returns the records of aborted
     * transactions, not their markers): more than {@link #readCommitted} returns means some transaction aborted.
     */
    public static List<ConsumerRecord<String, byte[]>> readUncommitted(String bootstrap, String topic) {
        return read(bootstrap, topic, IsolationLevel.READ_UNCOMMITTED);
    }

    /** Stream threads of this client that died since it started: Kafka Streams' {@code failed-stream-threads}. */
    public static int failedStreamThreads(KafkaStreams streams) {
        return streams.metrics().values().stream()
                .filter(m -> m.metricName().name().equals("failed-stream-threads")
                        && m.metricName().group().equals("stream-metrics"))
                .mapToInt(m -> ((Number) m.metricValue()).intValue()).sum();
    }

    private static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic, IsolationLevel level) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        forEach(bootstrap, topic, level, records::add);
        return records;
    }

    /**
     * Hands every record of a topic to {@code visitor}, reading until the consumer's position reaches the end every
     * partition had when reading started (under read_committed: the last stable offset). For topics too large to
     * hold in memory at once.
     */
    public static void forEach(String bootstrap, String topic, IsolationLevel level,
                               Consumer<ConsumerRecord<String, byte[]>> visitor) {
        forEach(bootstrap, topic, level, new StringDeserializer(), visitor);
    }

    /** The {@link CompactedState} of {@code topic}, read from its start under read_committed. */
    public static CompactedState compactedState(String bootstrap, String topic) {
        CompactedState state = new CompactedState();
        forEach(bootstrap, topic, IsolationLevel.READ_COMMITTED, new ByteArrayDeserializer(),
                r -> state.add(r.partition(), r.key(), r.value()));
        return state;
    }

    private static <K> void forEach(String bootstrap, String topic, IsolationLevel level, Deserializer<K> keys,
                                    Consumer<ConsumerRecord<K, byte[]>> visitor) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, level.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        try (KafkaConsumer<K, byte[]> consumer = new KafkaConsumer<>(props, keys, new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(visitor);
            }
        }
    }

    /** Partitions whose read_committed end (last stable offset) lags the high watermark: an open transaction. */
    public static Map<TopicPartition, Long> openTransactionLag(String bootstrap, List<String> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (var entry : admin.describeTopics(topics).allTopicNames().get().entrySet()) {
                entry.getValue().partitions().forEach(p ->
                        request.put(new TopicPartition(entry.getKey(), p.partition()), OffsetSpec.latest()));
            }
            var committed = admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            var uncommitted = admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
            Map<TopicPartition, Long> lag = new HashMap<>();
            request.keySet().forEach(tp -> {
                long diff = uncommitted.get(tp).offset() - committed.get(tp).offset();
                if (diff != 0) {
                    lag.put(tp, diff);
                }
            });
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Sum of the end offsets of a topic under read_committed: how many committed records and markers it holds. */
    public static long committedEnd(String bootstrap, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                    .values().stream().mapToLong(info -> info.offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Bytes on disk of every topic, over every replica on every broker (the brokers' log directories, as {@code
     * kafka-log-dirs.sh} reports them).
     */
    public static Map<String, Long> topicSizes(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
            Map<String, Long> sizes = new TreeMap<>();
            admin.describeLogDirs(brokers).allDescriptions().get().values().forEach(dirs -> dirs.values().forEach(
                    dir -> dir.replicaInfos().forEach((partition, replica) ->
                            sizes.merge(partition.topic(), replica.size(), Long::sum))));
            return sizes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** How many members the consumer group has now; 0 when it does not exist or the broker does not answer. */
    public static int groupMembers(String bootstrap, String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            return 0;
        }
    }

    /**
     * Whether the consumer group has {@code members} members and, when {@code settled}, has finished rebalancing
     * (state Stable); false when it does not exist or the broker does not answer.
     */
    public static boolean groupHas(String bootstrap, String group, int members, boolean settled) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return description.members().size() == members
                    && (!settled || description.groupState() == GroupState.STABLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            return false;
        }
    }

    /**
     * Waits up to a minute until the consumer group has {@code members} members.
     *
     * @throws IllegalStateException when it does not within that minute
     */
    public static void awaitGroupMembers(String bootstrap, String group, int members) {
        Deadline.within(Duration.ofMinutes(1)).await(() -> groupMembers(bootstrap, group) == members,
                "consumer group " + group + " to have " + members + " members");
    }
}
