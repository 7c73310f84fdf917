package io.marketprism.topology;

import io.marketprism.topology.admin.AdminHttpServer;
import io.marketprism.topology.admin.AdminMailbox;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.errors.DeadLetterExceptionHandler;
import io.marketprism.topology.exec.HttpTaskExecutor;
import io.marketprism.topology.exec.TaskExecutor;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.metrics.ServiceMeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the service: creates missing topics, starts its HTTP server (metrics, health, admin API; see
 * {@link AdminHttpServer}), then runs the topology under exactly-once. Start more instances with the same
 * application id to scale out; each advertises its HTTP address as {@code application.server} so the admin API can
 * answer for the whole cluster.
 */
public final class MarketPrismService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MarketPrismService.class);
    /** The producer's {@code batch.size}; see {@link #streamsProperties}. */
    static final int PRODUCER_BATCH_BYTES = 128 * 1024;

    private final ServiceConfig config;
    private final TaskExecutor executor;
    private final Time time;
    private final Object stateChanges = new Object();
    private KafkaStreams streams;
    private PrometheusMeterRegistry registry;
    private AdminHttpServer http;
    private KafkaStreamsMetrics streamsMetrics;

    public MarketPrismService(ServiceConfig config, TaskExecutor executor) {
        this(config, executor, Time.SYSTEM);
    }

    /**
     * A service whose Kafka Streams runs on {@code time} instead of the system clock. Processor time
     * ({@code currentSystemTimeMs}) and wall-clock punctuation follow it, so every reliability decision does: this is
     * how a test runs an instance whose clock is off. Not for production use.
     */
    public MarketPrismService(ServiceConfig config, TaskExecutor executor, Time time) {
        this.config = config;
        this.executor = executor;
        this.time = time;
    }

    /** A service calling the exchanges over HTTP. */
    public static MarketPrismService withHttp(ServiceConfig config) {
        return new MarketPrismService(config, new HttpTaskExecutor(config.routes(), config.executionTimeout(), config.maxBodyBytes(),
                Clock.systemUTC()));
    }

    /** Kafka Streams properties: our defaults, then the user's {@code kafka.*} overrides. */
    public static Properties streamsProperties(ServiceConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        // Completions are handed back between polls: a short poll keeps result latency low when input is idle.
        props.put(StreamsConfig.POLL_MS_CONFIG, 20);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        // Results carry exchange bodies (order books of thousands of levels): zstd shrinks them several times on the
        // wire and on disk. The producer's size check (max.request.size) applies before compression, which is why
        // execution.max.body.bytes keeps bodies under it.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "zstd");
        // Batches of up to 128 KiB instead of 16 KiB: a commit flushes the store caches' changelog records of a whole
        // commit interval at once (the ledger's tombstones), and the repartition topic carries every task through a
        // few domain partitions; fewer, larger produce requests leave the broker more of the shared cores.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        // Tasks and retries need no event-time alignment across the two input topics, so a task never idles waiting
        // for an empty retry partition (which also spares Kafka Streams' per-record readiness bookkeeping).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(DeadLetterExceptionHandler.DLQ_TOPIC_CONFIG, config.topics().deadLetters());
        props.put(DeadLetterExceptionHandler.OUTPUT_FORMAT_CONFIG, config.outputFormat().name());
        props.putAll(config.kafkaOverrides());
        return props;
    }

    /** Creates missing topics and starts processing; returns once the threads are started. */
    public synchronized void start() {
        createMissingTopics();
        registry = new ServiceMeterRegistry();
        ReliabilityMetrics.bindJvmMetrics(registry);
        ReliabilityMetrics metrics = new ReliabilityMetrics(registry, config);
        AdminMailbox mailbox = new AdminMailbox();
        http = new AdminHttpServer(config, registry, mailbox, Clock.systemUTC());
        HostInfo advertised = http.start();
        Properties props = streamsProperties(config);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised.host() + ":" + advertised.port());
        props.put(DeadLetterExceptionHandler.METRICS_CONFIG, metrics);
        // the reliability step reads the same clock as Kafka Streams inside its invocations
        streams = new KafkaStreams(ReliabilityTopology.build(config, executor, metrics, mailbox, time::milliseconds),
                props, time);
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        http.attach(streams);
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("stream thread failed; replacing it", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams state {} -> {}", before, now);
            synchronized (stateChanges) {
                stateChanges.notifyAll();
            }
        });
        streams.start();
    }

    /** The configuration the service runs with. */
    public ServiceConfig config() {
        return config;
    }

    /**
     * Waits until Kafka Streams reports RUNNING.
     *
     * @throws IllegalStateException if it is not running within the timeout, or has failed
     */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateChanges) {
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("Kafka Streams stopped in state " + streams.state());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("Kafka Streams not running after " + timeout + ": " + streams.state());
                }
                stateChanges.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public Optional<KafkaStreams.State> state() {
        return Optional.ofNullable(streams).map(KafkaStreams::state);
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Where the HTTP server (metrics, health, admin API) listens; null before {@link #start()}. */
    public InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    private void createMissingTopics() {
        Map<String, Object> adminProps = new HashMap<>(config.kafkaOverrides());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (Admin admin = Admin.create(adminProps)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = config.topics().all().stream()
                    .filter(name -> !existing.contains(name))
                    .map(name -> new NewTopic(name, Optional.of(config.topicPartitions()),
                            config.topicReplicationFactor() < 0 ? Optional.empty()
                                    : Optional.of(config.topicReplicationFactor())))
                    .collect(Collectors.toList());
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
                LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics on " + config.bootstrapServers() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Stops the instance, leaving the consumer group: a planned stop (a rolling deploy, scaling in) hands its
     * partitions over at once instead of after the session timeout, as a crash does.
     */
    @Override
    public synchronized void close() {
        if (streams != null) {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (http != null) {
            http.close();
        }
        if (registry != null) {
            registry.close();
        }
        executor.close();
    }
}
