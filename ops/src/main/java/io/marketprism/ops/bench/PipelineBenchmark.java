package io.marketprism.ops.bench;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import io.marketprism.ops.bench.CommittedRecordCounter.Counted;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.ops.local.GenerousBudgets;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * <p>Each phase gets the same pre-produced tasks ({@code warmup + tasks}) before its app starts, so the producer is
 * not measured. Output is counted under read_committed; the rate is taken from the first look at the output after
 * the warm-up tasks to the last record.
 */
public final class PipelineBenchmark {

    static final String CEILING_INPUT = "bench.ceiling.in";
    static final String CEILING_OUTPUT = "bench.ceiling.out";
    private static final Duration STREAMS_CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final String GENEROUS_IN_FLIGHT = "10000";

    private final BenchmarkSettings settings;
    private final PrintWriter progress;

    /**
     * @param progress where each step is announced as it starts
     */
    public PipelineBenchmark(BenchmarkSettings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** Starts a broker, runs the phases asked for, ceiling first, and stops everything again. */
    public BenchmarkReport run() throws IOException {
        double loadAtStart = BenchmarkReport.loadAverage();
        say("generating " + settings.totalTasks() + " tasks");
        Workload workload = Workload.generate(settings.totalTasks(), settings.format(), Clock.systemUTC());
        Path stateRoot = Files.createTempDirectory("marketprism-bench-");
        List<PhaseResult> results = new ArrayList<>();
        String streamsSummary;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            streamsSummary = describeStreams(serviceConfig(kafka, "bench-describe", stateRoot));
            if (settings.phases().contains(Phase.CEILING)) {
                results.add(measureCeiling(kafka, workload, stateRoot.resolve("ceiling")));
            }
            if (settings.phases().contains(Phase.PIPELINE)) {
                results.add(measurePipeline(kafka, workload, stateRoot.resolve("pipeline")));
            }
        } finally {
            deleteRecursively(stateRoot);
        }
        return new BenchmarkReport(settings, workload.averageValueBytes(), streamsSummary, loadAtStart,
                BenchmarkReport.loadAverage(), results);
    }

    private PhaseResult measureCeiling(EmbeddedKafka kafka, Workload workload, Path stateDir) {
        ServiceConfig config = serviceConfig(kafka, "bench-ceiling", stateDir);
        kafka.createTopic(CEILING_INPUT, settings.partitions());
        kafka.createTopic(CEILING_OUTPUT, settings.partitions());
        say("ceiling: producing " + workload.size() + " tasks to " + CEILING_INPUT);
        workload.produceTo(kafka.bootstrapServers(), CEILING_INPUT);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(CEILING_INPUT, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(CEILING_OUTPUT, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        try (CommittedRecordCounter counter =
                     new CommittedRecordCounter(kafka.bootstrapServers(), List.of(CEILING_OUTPUT), null)) {
            KafkaStreams streams = new KafkaStreams(builder.build(), MarketPrismService.streamsProperties(config));
            try {
                say("ceiling: copying under exactly_once_v2");
                long started = System.nanoTime();
                streams.start();
                Counted counted = counter.awaitCount(settings.warmup(), workload.size(), settings.timeout(),
                        System::nanoTime);
                return PhaseResult.between(Phase.CEILING, counted.first(), counted.last(), started, 0,
                        Optional.empty());
            } finally {
                streams.close(STREAMS_CLOSE_TIMEOUT);
            }
        }
    }

    private PhaseResult measurePipeline(EmbeddedKafka kafka, Workload workload, Path stateDir) {
        ServiceConfig config = serviceConfig(kafka, "bench-pipeline", stateDir);
        config.topics().all().forEach(topic -> kafka.createTopic(topic, settings.partitions()));
        say("pipeline: producing " + workload.size() + " tasks to " + config.topics().tasks());
        workload.produceTo(kafka.bootstrapServers(), config.topics().tasks());
        String results = config.topics().results();
        String deadLetters = config.topics().deadLetters();
        try (CommittedRecordCounter counter = new CommittedRecordCounter(kafka.bootstrapServers(),
                List.of(results, deadLetters), results);
             MarketPrismService service = new MarketPrismService(config, new InstantSuccessExecutor(Clock.systemUTC()))) {
            say("pipeline: running the service with an in-process executor");
            long started = System.nanoTime();
            service.start();
            Counted counted = counter.awaitCount(settings.warmup(), workload.size(), settings.timeout(),
                    System::nanoTime);
            return PhaseResult.between(Phase.PIPELINE, counted.first(), counted.last(), started,
                    counted.perTopic().get(deadLetters), counted.visibilityLag());
        }
    }

    /**
     * The service configuration of a phase: budgets and in-flight caps far above any load, a free HTTP port, then
     * the user's overrides.
     */
    private ServiceConfig serviceConfig(EmbeddedKafka kafka, String applicationId, Path stateDir) {
        Properties props = new Properties();
        try {
            props.setProperty(ServiceConfig.EXCHANGE_DEFINITIONS, GenerousBudgets.write(stateDir.resolve("budgets")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark's exchange definitions", e);
        }
        props.setProperty(ServiceConfig.EXECUTION_MAX_IN_FLIGHT, GENEROUS_IN_FLIGHT);
        props.setProperty(ServiceConfig.HTTP_PORT, "0");
        props.setProperty(ServiceConfig.TOPIC_PARTITIONS, String.valueOf(settings.partitions()));
        props.putAll(settings.serviceOverrides());
        props.setProperty(ServiceConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.setProperty(ServiceConfig.APPLICATION_ID, applicationId);
        props.setProperty(ServiceConfig.STATE_DIR, stateDir.toString());
        return ServiceConfig.fromProperties(props);
    }

    /** The effective settings both phases share, as Kafka Streams resolves them, and the pipeline's execution caps. */
    private static String describeStreams(ServiceConfig config) {
        StreamsConfig streams = new StreamsConfig(MarketPrismService.streamsProperties(config));
        return streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)
                + ", commit.interval.ms=" + streams.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)
                + ", poll.ms=" + streams.getLong(StreamsConfig.POLL_MS_CONFIG)
                + ", num.stream.threads=" + streams.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG)
                + "; pipeline: in-process executor (HTTP 200 at once), "
                + ServiceConfig.EXECUTION_MAX_IN_FLIGHT + "=" + config.maxInFlightPerEndpoint()
                + ", " + ServiceConfig.EXECUTION_TICK_MS + "=" + config.executionTick().toMillis();
    }

    private void say(String step) {
        progress.println("bench: " + step);
        progress.flush();
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
