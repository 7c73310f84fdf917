package io.marketprism.ops.bench;

import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.local.SimulatedEndpoints;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.TaskResult;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.serde.RecordSerde;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The service under a steady load, as its users feel it: an embedded KRaft broker, the simulated exchange answering
 * every request after a fixed latency, and the service calling it over HTTP with budgets far above the load. Tasks
 * are produced at a fixed rate, each created just before it is sent; results are read under read_committed.
 *
 * <p>After the warm-up it measures, for the tasks created in the measured window: produce → committed result
 * (visible to a read_committed consumer), that minus the calls' own latency as the service measured them (what the
 * service adds), and that minus the exchange's fixed latency. What the service adds is cut into stages
 * ({@link LatencyStages}: the producer's acknowledgement, the calls, the result's production, its transaction's
 * commit as {@link CommitTimes} notes it, the read), with the mean of each stage over the tasks at the p99 or more.
 * Beside them: how long the stream threads' commits took, the JVM's stop-the-world GC pauses ({@link GcPauses}) with
 * the share of tasks whose way spanned one, and how long Kafka Streams' threads waited for a core
 * ({@link RunQueueWait}). Over the window it also measures the CPU time and allocation of the service's threads
 * (Kafka Streams', the HTTP client's and its callbacks', the admin server's: every thread named after the application
 * id, {@code marketprism-http*} or {@code HttpClient-*}). The broker, the simulator and the benchmark's own producer
 * and reader share the JVM but not those threads.
 */
public final class SteadyLoadBenchmark {

    private static final Duration POLL = Duration.ofMillis(5);
    private static final long HIGHEST_MILLIS = Duration.ofMinutes(10).toMillis();
    private static final String APPLICATION_ID = "bench-steady";

    private final SteadyLoadSettings settings;
    private final PrintWriter progress;

    public SteadyLoadBenchmark(SteadyLoadSettings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** Runs the load and measures it; stops everything again. */
    public SteadyLoadReport run() throws IOException {
        double loadBefore = BenchmarkReport.loadAverage();
        Path stateDir = Files.createTempDirectory("marketprism-steady-");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().port(0).mode(SimulatedExchange.Mode.LENIENT)
                     .build().start()) {
            exchange.setFaults(FaultProfile.builder()
                    .fixedLatency(Duration.ofMillis(settings.exchangeLatencyMillis())).build());
            ServiceConfig config = serviceConfig(kafka, exchange, stateDir);
            config.topics().all().forEach(topic -> kafka.createTopic(topic, settings.partitions()));
            Predicate<String> serviceThread = name -> name.contains(config.applicationId())
                    || name.startsWith("marketprism-http") || name.startsWith("HttpClient-");
            try (KafkaConsumer<byte[], byte[]> reader = CommittedReader.fromStart(kafka, config.topics().results());
                 MarketPrismService service = MarketPrismService.withHttp(config)) {
                service.start();
                say(String.format(Locale.ROOT, "producing %.0f tasks/s; warm-up %d s, then %d s measured",
                        settings.ratePerSecond(), settings.warmupSeconds(), settings.seconds()));
                try (PacedProducer producer = new PacedProducer(kafka.bootstrapServers(), config.topics().tasks(),
                        settings.ratePerSecond(), settings.inputKeys(), config.routes()).start()) {
                    return measure(reader, RecordSerde.results(config.outputFormat()).deserializer(), serviceThread,
                            producer, loadBefore);
                }
            }
        } finally {
            PipelineBenchmark.deleteRecursively(stateDir);
        }
    }

    private SteadyLoadReport measure(KafkaConsumer<byte[], byte[]> reader, Deserializer<TaskResult> results,
                                     Predicate<String> serviceThread, PacedProducer producer, double loadBefore) {
        long warmupEnd = System.nanoTime() + Duration.ofSeconds(settings.warmupSeconds()).toNanos();
        while (System.nanoTime() < warmupEnd) {
            reader.poll(POLL);
        }
        try (GcPauses gcPauses = new GcPauses();
             CommitTimes.Recording commits = CommitTimes.record(settings.seconds() * 1000)) {
            long windowStartMillis = System.currentTimeMillis();
            long windowStart = System.nanoTime();
            long sentAtStart = producer.sent();
            ThreadUsage usageAtStart = ThreadUsage.read(serviceThread);
            long runQueueAtStart = RunQueueWait.nanos(APPLICATION_ID);
            say("measuring");
            Histogram endToEnd = new Histogram(HIGHEST_MILLIS, 3);
            Histogram serviceAdded = new Histogram(HIGHEST_MILLIS, 3);
            Histogram beyondExchange = new Histogram(HIGHEST_MILLIS, 3);
            LatencyStages stages = new LatencyStages(HIGHEST_MILLIS);
            long incompleteTimelines = 0;
            long windowEnd = windowStart + Duration.ofSeconds(settings.seconds()).toNanos();
            long resultsInWindow = 0;
            long nextProgress = windowStart + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < windowEnd) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(POLL)) {
                    long seenAt = System.currentTimeMillis();
                    resultsInWindow++;
                    TaskResult result = results.deserialize(record.topic(), record.value());
                    Long acknowledgedAt = producer.takeAcknowledgedAt(result.getTaskId());
                    long createdAt = result.getCreatedAt().toEpochMilli();
                    if (createdAt < windowStartMillis) {
                        continue;
                    }
                    long total = Math.max(0, seenAt - createdAt);
                    long calls = 0;
                    for (Attempt attempt : result.getAttempts()) {
                        calls += attempt.getLatencyMs();
                    }
                    long commitEndedAt = commits.firstEndAtOrAfter(result.getCompletedAt().toEpochMilli());
                    if (acknowledgedAt == null || commitEndedAt < 0 || commitEndedAt > seenAt) {
                        incompleteTimelines++;
                    }
                    stages.record(timeline(result, calls, acknowledgedAt == null ? createdAt : acknowledgedAt,
                            commitEndedAt < 0 ? seenAt : Math.min(commitEndedAt, seenAt), seenAt));
                    record(endToEnd, total);
                    record(serviceAdded, total - calls);
                    record(beyondExchange,
                            total - (long) settings.exchangeLatencyMillis() * result.getAttempts().size());
                }
                if (System.nanoTime() >= nextProgress) {
                    say(endToEnd.getTotalCount() + " results measured");
                    nextProgress += Duration.ofSeconds(10).toNanos();
                }
            }
            long windowNanos = System.nanoTime() - windowStart;
            ThreadUsage usageAtEnd = ThreadUsage.read(serviceThread);
            long runQueueAtEnd = RunQueueWait.nanos(APPLICATION_ID);
            double runQueueMillisPerSecond = runQueueAtStart < 0 || runQueueAtEnd < 0 ? Double.NaN
                    : (runQueueAtEnd - runQueueAtStart) / 1e6 / (windowNanos / 1e9);
            long sent = producer.sent() - sentAtStart;
            Percentiles added = Percentiles.of(serviceAdded);
            List<GcPauses.Pause> pauses = gcPauses.between(windowStartMillis, System.currentTimeMillis());
            return new SteadyLoadReport(settings, loadBefore, BenchmarkReport.loadAverage(), windowNanos, sent,
                    resultsInWindow, Percentiles.of(endToEnd), added, Percentiles.of(beyondExchange),
                    new SteadyLoadReport.StageBreakdown(stages.percentiles(),
                            stages.meanOfTasksAtOrAbove(added.p99()), incompleteTimelines, commits.durations(),
                            pauses, stages.overlapWith(pauses, added.p99()), runQueueMillisPerSecond),
                    usageAtEnd.cpuNanosSince(usageAtStart), usageAtEnd.allocatedBytesSince(usageAtStart),
                    usageAtEnd.threads());
        }
    }

    /** The times of one result's way; the result has at least one attempt. */
    private static LatencyStages.Timeline timeline(TaskResult result, long callsMillis, long acknowledgedAt,
                                                   long commitEndedAt, long committedSeenAt) {
        List<Attempt> attempts = result.getAttempts();
        Attempt last = attempts.get(attempts.size() - 1);
        return new LatencyStages.Timeline(result.getCreatedAt().toEpochMilli(), acknowledgedAt,
                attempts.get(0).getStartedAt().toEpochMilli(), callsMillis,
                last.getStartedAt().toEpochMilli() + last.getLatencyMs(), result.getCompletedAt().toEpochMilli(),
                commitEndedAt, committedSeenAt);
    }

    private static void record(Histogram histogram, long millis) {
        histogram.recordValue(Math.min(HIGHEST_MILLIS, Math.max(0, millis)));
    }

    /** Percentiles of one histogram, in milliseconds. */
    public record Percentiles(long p50, long p99, long p999, long max, long count) {
        static Percentiles of(Histogram histogram) {
            return new Percentiles(histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                    histogram.getValueAtPercentile(99.9), histogram.getMaxValue(), histogram.getTotalCount());
        }

        @Override
        public String toString() {
            return p50 + "/" + p99 + "/" + p999 + "/" + max;
        }
    }

    private ServiceConfig serviceConfig(EmbeddedKafka kafka, SimulatedExchange exchange, Path stateDir) {
        Properties props = PipelineBenchmark.generousLimits();
        props.putAll(SimulatedEndpoints.lenient(exchange));
        props.setProperty(ServiceConfig.TOPIC_PARTITIONS, String.valueOf(settings.partitions()));
        props.setProperty(CommitTimes.STREAMS_SETTING, CommitTimes.class.getName());
        props.putAll(settings.serviceOverrides());
        props.setProperty(ServiceConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.setProperty(ServiceConfig.APPLICATION_ID, APPLICATION_ID);
        props.setProperty(ServiceConfig.STATE_DIR, stateDir.toString());
        return ServiceConfig.fromProperties(props);
    }

    private void say(String step) {
        progress.println("bench steady: " + step);
        progress.flush();
    }
}
