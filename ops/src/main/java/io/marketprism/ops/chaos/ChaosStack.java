package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.ops.kafka.FailoverSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chaos scenario runs on: an embedded KRaft broker (or a {@link BrokerCluster} of three), the simulated exchange
 * and service instances as child JVMs, all under one work directory (state directories, instance logs, the broker's
 * log, the generator's task log). Closing it stops the instances cleanly, then the exchange and the broker.
 */
public final class ChaosStack implements AutoCloseable {

    /**
     * Every limit of the strict simulator is this many times the documented one: the scenarios send up to a thousand
     * tasks a second with generous service budgets ({@link SimulatedSettings#generous}), which the exchanges' real
     * budgets would pace to a crawl (OKX tickers: 20 requests per 2 s), while hosts, parameters, error shapes and bans
     * stay the exchanges' own.
     */
    public static final long LIMIT_SCALE = 1_000;

    /** The service's default topic names, which every scenario uses. */
    public static final String TASKS = "collector.tasks";
    public static final String RESULTS = "collector.results";
    public static final String DEAD_LETTERS = "collector.tasks.dlq";
    public static final List<String> OUTPUT_TOPICS = List.of(RESULTS, "collector.tasks.retry", DEAD_LETTERS,
            "reliability.events");

    /** The service key of Kafka Streams' commit interval, which a scenario may set back to the service's default. */
    public static final String COMMIT_INTERVAL = "kafka.commit.interval.ms";

    /** The Kafka cluster a scenario runs on. */
    public enum Brokers {
        /** One combined broker and controller in this JVM: replication factor 1. */
        ONE,
        /** A {@link BrokerCluster}: three combined brokers and controllers in child JVMs, replication factor 3. */
        THREE
    }

    private final Path workDir;
    /** The broker of {@link Brokers#ONE}, else null. */
    private final EmbeddedKafka broker;
    /** The cluster of {@link Brokers#THREE}, else null. */
    private final BrokerCluster cluster;
    private final String bootstrap;
    private final SimulatedExchange exchange;
    private final List<ServiceInstance> instances = new ArrayList<>();

    private ChaosStack(Path workDir, EmbeddedKafka broker, BrokerCluster cluster, SimulatedExchange exchange) {
        this.workDir = workDir;
        this.broker = broker;
        this.cluster = cluster;
        this.bootstrap = broker != null ? broker.bootstrapServers() : cluster.bootstrap();
        this.exchange = exchange;
    }

    /**
     * Starts one broker with the documented failover settings ({@link FailoverSettings#broker()}) and a strict
     * simulated exchange (seeded, without faults) under {@code workDir}.
     */
    public static ChaosStack start(Path workDir, long seed) throws IOException {
        return start(workDir, seed, Brokers.ONE);
    }

    /**
     * Starts {@code brokers} and a strict simulated exchange (seeded, without faults) under {@code workDir}; the broker's
     * log in {@code broker}, so that it can be restarted on it.
     */
    public static ChaosStack start(Path workDir, long seed, Brokers brokers) throws IOException {
        Files.createDirectories(workDir);
        EmbeddedKafka broker = null;
        if (brokers == Brokers.ONE) {
            EmbeddedKafka.Builder builder = EmbeddedKafka.builder().port(0).dataDirectory(workDir.resolve("broker"));
            FailoverSettings.broker().forEach(builder::brokerProperty);
            broker = builder.build().start();
        }
        BrokerCluster cluster = null;
        try {
            cluster = brokers == Brokers.THREE ? BrokerCluster.start(workDir) : null;
            SimulatedExchange exchange = SimulatedExchange.builder().port(0).mode(SimulatedExchange.Mode.STRICT)
                    .limitScale(LIMIT_SCALE).seed(seed).faults(FaultProfile.ofDefaults()).handlerThreads(16).build()
                    .start();
            return new ChaosStack(workDir, broker, cluster, exchange);
        } catch (IOException | RuntimeException e) {
            closeBrokers(broker, cluster);
            throw e;
        }
    }

    /** The bootstrap servers: the broker's address, or the cluster's three. */
    public String bootstrap() {
        return bootstrap;
    }

    /**
     * The single broker, to stop and start again (it comes back on the same port and log).
     *
     * @throws IllegalStateException on a stack of three brokers
     */
    public EmbeddedKafka broker() {
        if (broker == null) {
            throw new IllegalStateException("this stack runs on a cluster of three brokers: see cluster()");
        }
        return broker;
    }

    /**
     * The cluster of three brokers, to kill one of them.
     *
     * @throws IllegalStateException on a stack of one broker
     */
    public BrokerCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("this stack runs on one broker: see broker()");
        }
        return cluster;
    }

    public SimulatedExchange exchange() {
        return exchange;
    }

    public Path workDir() {
        return workDir;
    }

    /**
     * Service settings every instance of a scenario starts from: the exchanges at the simulator with generous
     * budgets, the application id, six partitions, the documented failover settings
     * ({@link FailoverSettings#service()}), a commit interval of 1 s (so a kill lands inside an open transaction, as
     * in Kafka's own EOS system tests), on a cluster of three its topics replicated as production runs them
     * ({@link BrokerCluster#SERVICE_SETTINGS}), then {@code overrides}.
     */
    public Map<String, String> serviceSettings(String applicationId, Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(SimulatedSettings.generous(exchange));
        settings.put("application.id", applicationId);
        settings.put("topic.partitions", "6");
        settings.putAll(FailoverSettings.service());
        settings.put(COMMIT_INTERVAL, "1000");
        if (cluster != null) {
            settings.putAll(BrokerCluster.SERVICE_SETTINGS);
        }
        settings.putAll(overrides);
        return settings;
    }

    /** A new instance, not started yet, with its own state directory and log under the work directory. */
    public ServiceInstance instance(String name, Map<String, String> settings) {
        ServiceInstance instance = new ServiceInstance(name, bootstrap(), settings, workDir.resolve("state-" + name),
                workDir.resolve(name + ".log"));
        instances.add(instance);
        return instance;
    }

    @Override
    public void close() {
        try {
            for (ServiceInstance instance : instances) {
                try {
                    instance.close();
                } catch (IOException | InterruptedException e) {
                    System.err.println("could not stop instance " + instance.name() + ": " + e);
                }
            }
        } finally {
            try {
                exchange.close();
            } finally {
                closeBrokers(broker, cluster);
            }
        }
    }

    private static void closeBrokers(EmbeddedKafka broker, BrokerCluster cluster) {
        if (broker != null) {
            broker.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
