package io.marketprism.topology;

import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.schemas.codec.TaskReader;
import io.marketprism.topology.admin.AdminMailbox;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exec.TaskExecutor;
import io.marketprism.topology.processor.DecodeProcessor;
import io.marketprism.topology.processor.EventJson;
import io.marketprism.topology.processor.DecidingPartitioner;
import io.marketprism.topology.processor.ProcessorSettings;
import io.marketprism.topology.processor.ReliabilityProcessor;
import io.marketprism.topology.processor.Outcome;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.metrics.ReliabilityMetrics.TaskEnd;
import io.marketprism.topology.serde.RecordSerde;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the service's topology. The same factory serves {@code main} and the tests, so tests exercise exactly what runs.
 *
 * <pre>
 * tasks, retry ─▶ decode ─┬─▶ dead letters
 *                         ├─▶ repartition by host set and route (tasks read elsewhere) ─┐
 *                         └─▶ (tasks on their deciding partition) ──────────────────────┴─▶ reliability ─┬─▶ results
 *                                                                                                        ├─▶ retry
 *                                                                                                        ├─▶ dead letters
 *                                                                                                        └─▶ reliability events
 * </pre>
 */
public final class ReliabilityTopology {

    private static final String DOMAIN_REPARTITION = "by-domain";

    private ReliabilityTopology() {
    }

    /**
     * The repartition topic that carries accepted tasks by limit domain to the reliability step; its partitions
     * ({@code topic.partitions} of them) are those of the reliability state. Kafka Streams names it
     * {@code <application.id>-by-domain-repartition}.
     */
    public static String domainTopic(String applicationId) {
        return applicationId + "-" + DOMAIN_REPARTITION + "-repartition";
    }

    /** No wall clock: every invocation runs at the time Kafka Streams gives it, for a mocked clock. */
    public static final LongSupplier NO_WALL_CLOCK = () -> Long.MIN_VALUE;

    /**
     * The topology without metrics or admin commands, for {@code TopologyTestDriver} tests: every invocation runs at
     * the driver's mocked wall-clock time, however long it takes ({@link #NO_WALL_CLOCK}).
     */
    public static Topology build(ServiceConfig config, TaskExecutor executor) {
        return build(config, executor, ReliabilityMetrics.disabled(config), new AdminMailbox(), NO_WALL_CLOCK);
    }

    /**
     * The topology feeding {@code metrics} and applying the admin commands posted to {@code mailbox}, telling the time
     * inside an invocation by {@code wallClock}: the clock Kafka Streams runs on, or {@link #NO_WALL_CLOCK} under a
     * mocked one.
     */
    public static Topology build(ServiceConfig config, TaskExecutor executor, ReliabilityMetrics metrics,
                                 AdminMailbox mailbox, LongSupplier wallClock) {
        var topics = config.topics();
        AvroCodec<CollectorTask> taskCodec = AvroCodec.tasks();
        TaskReader reader = new TaskReader();
        ProcessorSettings settings = ProcessorSettings.of(config, executor, metrics, mailbox)
                .withWallClock(wallClock);
        // the topology-level settings are the service's own (a bare StreamsBuilder would build them from defaults)
        StreamsBuilder builder = new StreamsBuilder(
                new TopologyConfig(new StreamsConfig(MarketPrismService.streamsProperties(config))));

        DecidingPartitioner partitioner = DecidingPartitioner.of(config.topicPartitions(), config.routes());
        KStream<String, Outcome> decoded = builder
                .stream(java.util.List.of(topics.tasks(), topics.retry()),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("tasks-source"))
                .process(() -> new DecodeProcessor(reader, config.routes(), partitioner, topics.retry(), metrics),
                        Named.as("decode"));
        Map<String, KStream<String, Outcome>> decodedBranches = decoded.split(Named.as("decoded-"))
                .branch((key, outcome) -> outcome instanceof Outcome.Accepted accepted
                        && accepted.onDecidingPartition(), Branched.as("on-deciding-partition"))
                .branch((key, outcome) -> outcome instanceof Outcome.Accepted, Branched.as("accepted"))
                .defaultBranch(Branched.as("rejected"));
        routeTerminal(decodedBranches.get("decoded-rejected"), config, metrics, partitioner, "decode");

        addStores(builder);
        // Both ways carry the task's single-object encoding; the reliability processor decodes it and keeps the bytes
        // for its ledger, so a dispatched task is encoded once on its way through. A task read from the partition
        // that decides its host set on its route goes to the reliability processor of the same task, in the same
        // transaction; any other crosses the repartition topic to that partition. Partition p of the tasks, retry and
        // repartition topics are one Kafka Streams task (one sub-topology, grouped by partition number), so either way
        // every decision about a host set on a route is made by the one task of its partition.
        KStream<String, byte[]> direct = decodedBranches.get("decoded-on-deciding-partition")
                .mapValues(outcome -> taskCodec.encode(((Outcome.Accepted) outcome).task()), Named.as("direct-task"));
        KStream<String, byte[]> repartitioned = decodedBranches.get("decoded-accepted")
                .mapValues(outcome -> taskCodec.encode(((Outcome.Accepted) outcome).task()), Named.as("accepted-task"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray())
                        .withName(DOMAIN_REPARTITION)
                        .withNumberOfPartitions(config.topicPartitions())
                        .withStreamPartitioner(partitioner.forRecords()));
        KStream<String, Outcome> executed = direct.merge(repartitioned, Named.as("tasks-by-host-set"))
                .process(() -> new ReliabilityProcessor(settings), Named.as("reliability"),
                        ProcessorSettings.STORES.toArray(new String[0]));
        routeTerminal(executed, config, metrics, partitioner, "reliability");
        return builder.build();
    }

    /**
     * The reliability step's state: every store is RocksDB with a changelog, so it moves with its task. The queue,
     * the held store, the ledger and the engine state are cached, so an entry written and deleted within one commit
     * interval (a call that finishes quickly, a short hold) reaches the changelog and RocksDB as one tombstone instead
     * of a write and a delete, and an engine component changed by many invocations as one record. The task-id
     * registry is not: a finished id stays for the dedupe window, so cached ids fill the thread's cache within
     * seconds at full speed, and Kafka Streams then makes room in the cache of the store being written
     * ({@code ThreadCache.maybeEvict}), the ledger's, by evicting and flushing its calls still in flight. Caching
     * changes neither a store's changelog topic nor its format, so state carries over from a release that cached it.
     */
    private static void addStores(StreamsBuilder builder) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProcessorSettings.QUEUE_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProcessorSettings.HELD_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProcessorSettings.LEDGER_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProcessorSettings.ENGINE_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProcessorSettings.TASK_ID_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled());
    }

    /**
     * Counts results (with their end-to-end latency), retries and dead letters, and every task's end: a result, or a
     * dead letter of a task (one of undecodable bytes ends no accepted task).
     */
    private static void count(ReliabilityMetrics metrics, Outcome outcome) {
        if (outcome instanceof Outcome.Succeeded succeeded) {
            TaskResult result = succeeded.result();
            long completedAt = result.getCompletedAt().toEpochMilli();
            metrics.onResult(result.getExchange(), result.getPriority(), completedAt - result.getCreatedAt().toEpochMilli());
            metrics.onTerminal(result.getExchange(), result.getDataType(), TaskEnd.RESULT, succeeded.deadline(),
                    completedAt);
        } else if (outcome instanceof Outcome.RetryLater retry) {
            List<Attempt> attempts = retry.task().getAttempts();
            metrics.onRetry(retry.task().getExchange(),
                    attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).getErrorClass());
        } else if (outcome instanceof Outcome.DeadLettered dead) {
            DeadLetter letter = dead.deadLetter();
            CollectorTask task = letter.getTask();
            metrics.onDeadLetter(task == null ? null : task.getExchange(), letter.getReason());
            if (task != null) {
                metrics.onTerminal(task.getExchange(), task.getDataType(),
                        letter.getReason() == DeadLetterReason.INVALID ? TaskEnd.REJECTED : TaskEnd.DEAD_LETTER,
                        task.getDeadline(), letter.getDeadLetteredAt().toEpochMilli());
            }
        }
    }

    /**
     * Sends results, retries, dead letters and reliability events of one step to their topics, the first three in the
     * configured output format (decode reads a retry back in either). Retries go to the partition that decides them,
     * so they never cross the repartition topic.
     */
    private static void routeTerminal(KStream<String, Outcome> outcomes, ServiceConfig config,
                                      ReliabilityMetrics metrics, DecidingPartitioner partitioner, String step) {
        var topics = config.topics();
        var format = config.outputFormat();
        Map<String, KStream<String, Outcome>> byKind = outcomes
                .peek((key, outcome) -> count(metrics, outcome), Named.as(step + "-metrics"))
                .split(Named.as(step + "-"))
                .branch((k, o) -> o instanceof Outcome.Audited, Branched.as("event"))
                .branch((k, o) -> o instanceof Outcome.Succeeded, Branched.as("succeeded"))
                .branch((k, o) -> o instanceof Outcome.RetryLater, Branched.as("retry"))
                .defaultBranch(Branched.as("dead"));
        byKind.get(step + "-succeeded")
                .mapValues(o -> ((Outcome.Succeeded) o).result(), Named.as(step + "-result"))
                .to(topics.results(), Produced.<String, TaskResult>with(Serdes.String(), RecordSerde.results(format))
                        .withName(step + "-results-sink"));
        byKind.get(step + "-event")
                .mapValues(o -> EventJson.write(((Outcome.Audited) o).event()), Named.as(step + "-event-json"))
                .to(topics.events(), Produced.with(Serdes.String(), Serdes.String()).withName(step + "-events-sink"));
        byKind.get(step + "-retry")
                .mapValues(o -> ((Outcome.RetryLater) o).task(), Named.as(step + "-retry-task"))
                .to(topics.retry(), Produced.<String, CollectorTask>with(Serdes.String(), RecordSerde.tasks(format))
                        .withStreamPartitioner(partitioner.forRecords())
                        .withName(step + "-retry-sink"));
        byKind.get(step + "-dead")
                .mapValues(o -> ((Outcome.DeadLettered) o).deadLetter(), Named.as(step + "-dead-letter"))
                .to(topics.deadLetters(), Produced.<String, DeadLetter>with(Serdes.String(), RecordSerde.deadLetters(format))
                        .withName(step + "-dlq-sink"));
    }
}
