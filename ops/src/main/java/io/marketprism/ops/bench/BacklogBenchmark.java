package io.marketprism.ops.bench;

import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.ops.local.UniformBudgets;
import io.marketprism.ops.tools.TaskFormat;
import io.marketprism.schemas.TaskResult;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.ReliabilityTopology;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.serde.RecordSerde;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * A backlog behind tiny budgets: {@code tasks} tasks produced at once to a service whose every exchange may start
 * {@code budgetPerSecond} calls per second (an executor that answers at once, queues large enough for all), so
 * nearly all of them wait in the durable queues. Measures how long the service takes to take them in, how much its
 * heap grows for them (used heap after a full collection, before the service starts and with the backlog waiting;
 * the broker shares the JVM but keeps its data off the heap), whether the first results come in priority, then
 * arrival order once the backlog has formed, and how long a new instance with an empty state directory (what an
 * instance killed under exactly-once finds: its unclean local state is wiped) takes to restore that state and produce
 * results again for every exchange that had results while draining.
 */
public final class BacklogBenchmark {

    private static final String APPLICATION_ID = "bench-backlog";
    private static final Duration POLL = Duration.ofMillis(50);

    private final int tasks;
    private final double budgetPerSecond;
    private final int drainSeconds;
    private final int partitions;
    private final Duration timeout;
    private final PrintWriter progress;

    /**
     * @param tasks           tasks in the backlog
     * @param budgetPerSecond calls per second each exchange may start
     * @param drainSeconds    how long the first results are read for the order check
     * @param partitions      partitions of every topic
     * @param timeout         longest wait for intake and for the restore
     */
    public BacklogBenchmark(int tasks, double budgetPerSecond, int drainSeconds, int partitions, Duration timeout,
                            PrintWriter progress) {
        this.tasks = tasks;
        this.budgetPerSecond = budgetPerSecond;
        this.drainSeconds = drainSeconds;
        this.partitions = partitions;
        this.timeout = timeout;
        this.progress = progress;
    }

    /** Runs the backlog and measures it; stops everything again. */
    public BacklogReport run() throws IOException, InterruptedException, ExecutionException {
        double loadBefore = BenchmarkReport.loadAverage();
        Path stateRoot = Files.createTempDirectory("marketprism-backlog-");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            ServiceConfig config = serviceConfig(kafka, stateRoot.resolve("first"));
            config.topics().all().forEach(topic -> kafka.createTopic(topic, partitions));
            say("generating " + tasks + " tasks");
            // keyed by task id: the drain-order check tells each task's input partition from its id
            Workload workload = Workload.generate(tasks, TaskFormat.JSON, InputKeys.TASK_ID, config.routes(),
                    Clock.systemUTC());
            long heapBefore = usedHeapAfterGc();
            Deserializer<TaskResult> results = RecordSerde.results(config.outputFormat()).deserializer();
            DrainOrder order = new DrainOrder(partitions);
            long intakeNanos;
            long heapWithBacklog;
            try (MarketPrismService service = new MarketPrismService(config,
                    new InstantSuccessExecutor(Clock.systemUTC()));
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                         kafka.bootstrapServers()));
                 KafkaConsumer<byte[], byte[]> reader = CommittedReader.fromStart(kafka, config.topics().results())) {
                service.start();
                service.awaitRunning(timeout);
                say("producing " + tasks + " tasks; budget " + budgetPerSecond + " calls/s per exchange");
                long started = System.nanoTime();
                workload.produceTo(kafka.bootstrapServers(), config.topics().tasks());
                awaitIntake(admin, config, started);
                intakeNanos = System.nanoTime() - started;
                heapWithBacklog = usedHeapAfterGc();
                // results of the intake itself (tasks that went out before the queue formed) are not the drain's
                reader.seekToEnd(reader.assignment());
                reader.assignment().forEach(reader::position);
                say(String.format(Locale.ROOT, "backlog taken in after %.1f s; reading results for %d s",
                        intakeNanos / 1e9, drainSeconds));
                long drainEnd = System.nanoTime() + Duration.ofSeconds(drainSeconds).toNanos();
                while (System.nanoTime() < drainEnd) {
                    for (ConsumerRecord<byte[], byte[]> record : reader.poll(POLL)) {
                        order.add(results.deserialize(record.topic(), record.value()));
                    }
                }
                if (order.results() == 0) {
                    throw new IllegalStateException("no result within " + drainSeconds + " s of draining");
                }
            }
            say("restoring the backlog into a new instance with an empty state directory");
            ServiceConfig restored = serviceConfig(kafka, stateRoot.resolve("second"));
            long restoreNanos;
            long firstResultNanos;
            try (MarketPrismService service = new MarketPrismService(restored,
                    new InstantSuccessExecutor(Clock.systemUTC()));
                 KafkaConsumer<byte[], byte[]> reader = CommittedReader.fromStart(kafka, config.topics().results())) {
                reader.seekToEnd(reader.assignment());
                reader.assignment().forEach(reader::position);
                long started = System.nanoTime();
                service.start();
                service.awaitRunning(timeout);
                restoreNanos = System.nanoTime() - started;
                long deadline = started + timeout.toNanos();
                Set<String> resumed = new HashSet<>();
                while (!resumed.containsAll(order.exchanges())) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("results of only " + resumed + " within " + timeout
                                + " after the restore");
                    }
                    for (ConsumerRecord<byte[], byte[]> record : reader.poll(POLL)) {
                        resumed.add(results.deserialize(record.topic(), record.value()).getExchange());
                    }
                }
                firstResultNanos = System.nanoTime() - started;
            }
            return new BacklogReport(tasks, budgetPerSecond, partitions, loadBefore, BenchmarkReport.loadAverage(),
                    intakeNanos, heapBefore, heapWithBacklog, Runtime.getRuntime().maxMemory(), order.results(),
                    order.violations(), order.priorities(), restoreNanos, firstResultNanos);
        } finally {
            PipelineBenchmark.deleteRecursively(stateRoot);
        }
    }

    /** Waits until the service has consumed every task and every repartitioned one: the backlog is in its stores. */
    private void awaitIntake(Admin admin, ServiceConfig config, long startedNanos)
            throws InterruptedException, ExecutionException {
        String repartition = ReliabilityTopology.domainTopic(config.applicationId());
        long deadline = startedNanos + timeout.toNanos();
        long nextProgress = System.nanoTime();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(config.applicationId()).partitionsToOffsetAndMetadata().get();
            long inputCommitted = sum(committed, config.topics().tasks());
            long repartitionCommitted = sum(committed, repartition);
            long repartitionEnd = endOffsets(admin, repartition);
            if (inputCommitted >= tasks && repartitionCommitted >= repartitionEnd) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + inputCommitted + " of " + tasks + " tasks taken in within "
                        + timeout);
            }
            if (System.nanoTime() >= nextProgress) {
                say(String.format(Locale.ROOT, "intake: %,d of %,d tasks decoded, %,d of %,d admitted",
                        inputCommitted, tasks, repartitionCommitted, repartitionEnd));
                nextProgress += Duration.ofSeconds(10).toNanos();
            }
            Thread.sleep(500);
        }
    }

    private long endOffsets(Admin admin, String topic) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long sum = 0;
        for (var info : admin.listOffsets(latest).all().get().values()) {
            sum += info.offset();
        }
        return sum;
    }

    private static long sum(Map<TopicPartition, OffsetAndMetadata> committed, String topic) {
        return committed.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    private ServiceConfig serviceConfig(EmbeddedKafka kafka, Path stateDir) {
        Properties props = PipelineBenchmark.generousLimits();
        // every limit group of every exchange: budgetPerSecond calls a second, counted over 10 s
        try {
            props.setProperty(ServiceConfig.EXCHANGE_DEFINITIONS, UniformBudgets.write(stateDir.resolve("budgets"),
                    "requests", Math.max(1, Math.round(budgetPerSecond * 10)), "10s"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backlog's exchange definitions", e);
        }
        props.setProperty("limiter.queue.capacity", String.valueOf(Math.max(tasks, 1)));
        props.setProperty(ServiceConfig.TOPIC_PARTITIONS, String.valueOf(partitions));
        props.setProperty(ServiceConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.setProperty(ServiceConfig.APPLICATION_ID, APPLICATION_ID);
        props.setProperty(ServiceConfig.STATE_DIR, stateDir.toString());
        return ServiceConfig.fromProperties(props);
    }

    /** Used heap after a full collection, in bytes. */
    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private void say(String step) {
        progress.println("bench backlog: " + step);
        progress.flush();
    }

    /**
     * Checks results against the drain order: per stream of tasks that share one waiting queue and one input
     * partition, priorities never rise again and, within one priority, tasks come in the order they were produced
     * (their id's sequence number). Such a stream is a request kind and symbol (exchange, market, data type, symbol:
     * one limit domain, one egress route) from one input partition, whose order is the order its tasks reach their
     * domain in. Two domains of one exchange (Binance spot and USD-M futures) drain at their own budgets, so an
     * exchange as a whole has no order.
     */
    static final class DrainOrder {
        private final int partitions;
        private final Map<String, long[]> lastByStream = new HashMap<>();
        private final Map<String, Long> priorities = new TreeMap<>();
        private final Set<String> exchanges = new HashSet<>();
        private long results;
        private long violations;

        DrainOrder(int partitions) {
            this.partitions = partitions;
        }

        void add(TaskResult result) {
            results++;
            exchanges.add(result.getExchange());
            priorities.merge(result.getPriority().name(), 1L, Long::sum);
            String id = result.getTaskId();
            int inputPartition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
            long sequence = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
            long rank = result.getPriority().ordinal();
            String stream = String.join("/", result.getExchange(), result.getMarket(), result.getDataType().name(),
                    result.getSymbol(), Integer.toString(inputPartition));
            long[] last = lastByStream.get(stream);
            if (last != null && (rank < last[0] || rank == last[0] && sequence < last[1])) {
                violations++;
            }
            lastByStream.put(stream, new long[] {rank, sequence});
        }

        long results() {
            return results;
        }

        long violations() {
            return violations;
        }

        Map<String, Long> priorities() {
            return Map.copyOf(priorities);
        }

        /** The exchanges results were seen for. */
        Set<String> exchanges() {
            return Set.copyOf(exchanges);
        }
    }
}
