package io.marketprism.ops.bench;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import io.marketprism.ops.bench.CommittedRecordCounter.Counted;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.ops.local.UniformBudgets;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Throughput of the full pipeline against the exactly-once pass-through ceiling, on an embedded KRaft broker started
 * in a fresh temporary directory.
 *
 * <ul>
 *   <li><b>ceiling</b>: a Kafka Streams app with the service's streams properties (exactly_once_v2, its commit
 *       interval, {@code poll.ms}, linger) copying the task records unchanged from one topic to another.</li>
 *   <li><b>pipeline</b>: {@link MarketPrismService} (decode, repartition by domain, reliability, sinks; metrics and
 *       admin server included) with an executor that answers every call at once with HTTP 200, and limiter budgets
 *       and in-flight caps far above the load, so nothing is throttled; results and dead letters are counted.</li>
 * </ul>
 *
 * <p>The phases run {@code runs} times, interleaved (ceiling, pipeline, ceiling, ...), so that a change in the
 * machine's load falls on both. Every run has its own application id and output topic and gets its tasks
 * ({@code warmup} + measured) before its app starts, so the producer is not measured. Output is counted under
 * read_committed; the rate is taken from the first look at the output after the warm-up tasks to the last record. A
 * run whose measured part took less than {@code minSeconds} is done again with proportionally more tasks (at most
 * {@link #MAX_ATTEMPTS} times); the ceiling's input is the pipeline's tasks over and over, which a copy does not mind.
 * Besides the rate, each run reports the CPU time and allocation of the app's threads (those named after its
 * application id) per measured task, which depend much less on what else the machine runs.
 */
public final class PipelineBenchmark {

    static final String CEILING_INPUT = "bench.ceiling.in";
    static final String CEILING_OUTPUT = "bench.ceiling.out";
    /** Tries per run to reach {@code minSeconds}. */
    static final int MAX_ATTEMPTS = 3;
    /** How far above the minimum a run that was too short is sized again. */
    private static final double RESIZE_MARGIN = 1.25;
    private static final Duration STREAMS_CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final String GENEROUS_IN_FLIGHT = "10000";

    private final BenchmarkSettings settings;
    private final PrintWriter progress;
    private final Map<Phase, Integer> measuredTasks = new EnumMap<>(Phase.class);
    private Workload workload;
    private ExchangeRoutes routes;
    private long ceilingInputSize;
    private int appsStarted;

    /**
     * @param progress where each step is announced as it starts
     */
    public PipelineBenchmark(BenchmarkSettings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
        for (Phase phase : Phase.values()) {
            measuredTasks.put(phase, settings.measuredTasks(phase));
        }
    }

    /** Starts a broker, runs the phases asked for, ceiling first in every round, and stops everything again. */
    public BenchmarkReport run() throws IOException {
        double loadAtStart = BenchmarkReport.loadAverage();
        Path stateRoot = Files.createTempDirectory("marketprism-bench-");
        List<PhaseResult> results = new ArrayList<>();
        String streamsSummary;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            ServiceConfig described = serviceConfig(kafka, "bench-describe", stateRoot, "");
            streamsSummary = describeStreams(described, settings.inputKeys());
            routes = described.routes();
            kafka.createTopic(CEILING_INPUT, settings.partitions());
            for (int run = 1; run <= settings.runs(); run++) {
                for (Phase phase : List.of(Phase.CEILING, Phase.PIPELINE)) {
                    if (settings.phases().contains(phase)) {
                        results.add(measureLongEnough(kafka, phase, run, stateRoot));
                    }
                }
            }
        } finally {
            deleteRecursively(stateRoot);
        }
        return new BenchmarkReport(settings, workload.averageValueBytes(), streamsSummary, loadAtStart,
                BenchmarkReport.loadAverage(), results);
    }

    /** One run of a phase, done again with more tasks while its measured part is shorter than the minimum. */
    private PhaseResult measureLongEnough(EmbeddedKafka kafka, Phase phase, int run, Path stateRoot) {
        PhaseResult result = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            int tasks = measuredTasks.get(phase);
            String name = phase.name().toLowerCase(Locale.ROOT) + " run " + run + "/" + settings.runs();
            say(name + ": " + tasks + " measured tasks after " + settings.warmup() + " warm-up ones");
            ensureWorkload(phase == Phase.PIPELINE ? settings.warmup() + tasks : 0);
            Path stateDir = stateRoot.resolve("app-" + ++appsStarted);
            result = phase == Phase.CEILING ? measureCeiling(kafka, run, tasks, stateDir)
                    : measurePipeline(kafka, run, stateDir);
            say(String.format(Locale.ROOT, "%s: %,.0f tasks/s over %.1f s, %.1f CPU µs and %,.0f B per task", name,
                    result.tasksPerSecond(), result.measuredSeconds(), result.cpuMicrosPerTask(),
                    result.allocatedBytesPerTask()));
            if (result.measuredSeconds() >= settings.minSeconds()) {
                break;
            }
            int resized = (int) Math.min(100_000_000,
                    Math.ceil(result.tasksPerSecond() * settings.minSeconds() * RESIZE_MARGIN));
            measuredTasks.put(phase, Math.max(tasks + 1, resized));
            if (attempt < MAX_ATTEMPTS) {
                say(name + ": shorter than " + settings.minSeconds() + " s, again with " + measuredTasks.get(phase)
                        + " tasks");
            }
        }
        return result;
    }

    /** Generates the tasks once, and again when a pipeline run needs more of them (each of its tasks is new). */
    private void ensureWorkload(int pipelineTasks) {
        int needed = Math.max(pipelineTasks, settings.warmup() + settings.tasks());
        if (workload == null || workload.size() < needed) {
            say("generating " + needed + " tasks");
            workload = Workload.generate(needed, settings.format(), settings.inputKeys(), routes, Clock.systemUTC());
        }
    }

    private PhaseResult measureCeiling(EmbeddedKafka kafka, int run, int tasks, Path stateDir) {
        ServiceConfig config = serviceConfig(kafka, "bench-ceiling-" + appsStarted, stateDir, "");
        long needed = (long) settings.warmup() + tasks;
        if (ceilingInputSize < needed) {
            say("ceiling: producing " + (needed - ceilingInputSize) + " more tasks to " + CEILING_INPUT);
            workload.produceTo(kafka.bootstrapServers(), CEILING_INPUT, ceilingInputSize, needed - ceilingInputSize);
            ceilingInputSize = needed;
        }
        String output = CEILING_OUTPUT + "." + appsStarted;
        kafka.createTopic(output, settings.partitions());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(CEILING_INPUT, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        try (CommittedRecordCounter counter =
                     new CommittedRecordCounter(kafka.bootstrapServers(), List.of(output), null)) {
            KafkaStreams streams = new KafkaStreams(builder.build(), MarketPrismService.streamsProperties(config));
            try {
                long started = System.nanoTime();
                streams.start();
                Counted counted = counter.awaitCount(settings.warmup(), ceilingInputSize, settings.timeout(),
                        System::nanoTime, name -> name.contains(config.applicationId()));
                return PhaseResult.between(Phase.CEILING, run, counted.first(), counted.last(), started, 0,
                        Optional.empty(), counted.cpuNanos(), counted.allocatedBytes());
            } finally {
                streams.close(STREAMS_CLOSE_TIMEOUT);
            }
        }
    }

    private PhaseResult measurePipeline(EmbeddedKafka kafka, int run, Path stateDir) {
        ServiceConfig config = serviceConfig(kafka, "bench-pipeline-" + appsStarted, stateDir,
                "bench." + appsStarted + ".");
        config.topics().all().forEach(topic -> kafka.createTopic(topic, settings.partitions()));
        say("pipeline: producing " + workload.size() + " tasks to " + config.topics().tasks());
        workload.produceTo(kafka.bootstrapServers(), config.topics().tasks());
        String results = config.topics().results();
        String deadLetters = config.topics().deadLetters();
        try (CommittedRecordCounter counter = new CommittedRecordCounter(kafka.bootstrapServers(),
                List.of(results, deadLetters), results);
             MarketPrismService service = new MarketPrismService(config, new InstantSuccessExecutor(Clock.systemUTC()))) {
            long started = System.nanoTime();
            service.start();
            Counted counted = counter.awaitCount(settings.warmup(), workload.size(), settings.timeout(),
                    System::nanoTime, name -> name.contains(config.applicationId())
                            || name.startsWith("marketprism-http"));
            return PhaseResult.between(Phase.PIPELINE, run, counted.first(), counted.last(), started,
                    counted.perTopic().get(deadLetters), counted.visibilityLag(), counted.cpuNanos(),
                    counted.allocatedBytes());
        }
    }

    /**
     * The service configuration of a phase: budgets and in-flight caps far above any load, a free HTTP port, then
     * the user's overrides.
     */
    private ServiceConfig serviceConfig(EmbeddedKafka kafka, String applicationId, Path stateDir, String topicPrefix) {
        Properties props = generousLimits();
        props.setProperty(ServiceConfig.TOPIC_PARTITIONS, String.valueOf(settings.partitions()));
        if (!topicPrefix.isEmpty()) {
            props.setProperty(ServiceConfig.TOPIC_TASKS, topicPrefix + "tasks");
            props.setProperty(ServiceConfig.TOPIC_RESULTS, topicPrefix + "results");
            props.setProperty(ServiceConfig.TOPIC_RETRY, topicPrefix + "retry");
            props.setProperty(ServiceConfig.TOPIC_DLQ, topicPrefix + "dlq");
            props.setProperty(ServiceConfig.TOPIC_EVENTS, topicPrefix + "events");
        }
        props.putAll(settings.serviceOverrides());
        props.setProperty(ServiceConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.setProperty(ServiceConfig.APPLICATION_ID, applicationId);
        props.setProperty(ServiceConfig.STATE_DIR, stateDir.toString());
        return ServiceConfig.fromProperties(props);
    }

    /**
     * Budgets of every shipped exchange ({@link UniformBudgets}) and in-flight caps far above any load, and a free
     * HTTP port.
     */
    static Properties generousLimits() {
        Properties props = new Properties();
        props.setProperty(ServiceConfig.EXCHANGE_DEFINITIONS, UniformBudgets.generous());
        props.setProperty(ServiceConfig.EXECUTION_MAX_IN_FLIGHT, GENEROUS_IN_FLIGHT);
        props.setProperty(ServiceConfig.HTTP_PORT, "0");
        return props;
    }

    /**
     * The effective settings both phases share, as Kafka Streams resolves them, the pipeline's execution caps and how
     * its input is keyed.
     */
    private static String describeStreams(ServiceConfig config, InputKeys inputKeys) {
        StreamsConfig streams = new StreamsConfig(MarketPrismService.streamsProperties(config));
        return streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)
                + ", commit.interval.ms=" + streams.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)
                + ", poll.ms=" + streams.getLong(StreamsConfig.POLL_MS_CONFIG)
                + ", num.stream.threads=" + streams.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG)
                + "; pipeline: in-process executor (HTTP 200 at once), "
                + ServiceConfig.EXECUTION_MAX_IN_FLIGHT + "=" + config.maxInFlightPerEndpoint()
                + ", " + ServiceConfig.EXECUTION_TICK_MS + "=" + config.executionTick().toMillis()
                + ", input keyed by " + inputKeys.name().toLowerCase(Locale.ROOT);
    }

    private void say(String step) {
        progress.println("bench: " + step);
        progress.flush();
    }

    static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
