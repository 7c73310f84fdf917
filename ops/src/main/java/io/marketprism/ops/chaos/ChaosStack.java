package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chaos scenario runs on: an embedded KRaft broker, the simulated exchange and service instances as child JVMs,
 * all under one work directory (state directories, instance logs, the generator's task log). Closing it stops the
 * instances cleanly, then the exchange and the broker.
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

    private final Path workDir;
    private final EmbeddedKafka kafka;
    private final SimulatedExchange exchange;
    private final List<ServiceInstance> instances = new ArrayList<>();

    private ChaosStack(Path workDir, EmbeddedKafka kafka, SimulatedExchange exchange) {
        this.workDir = workDir;
        this.kafka = kafka;
        this.exchange = exchange;
    }

    /** Starts a broker and a strict simulated exchange (seeded, without faults) under {@code workDir}. */
    public static ChaosStack start(Path workDir, long seed) throws IOException {
        Files.createDirectories(workDir);
        EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
        try {
            SimulatedExchange exchange = SimulatedExchange.builder().port(0).mode(SimulatedExchange.Mode.STRICT)
                    .limitScale(LIMIT_SCALE).seed(seed).faults(FaultProfile.ofDefaults()).handlerThreads(16).build()
                    .start();
            return new ChaosStack(workDir, kafka, exchange);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public String bootstrap() {
        return kafka.bootstrapServers();
    }

    public SimulatedExchange exchange() {
        return exchange;
    }

    public Path workDir() {
        return workDir;
    }

    /**
     * Service settings every instance of a scenario starts from: the exchanges at the simulator with generous
     * budgets, the application id, six partitions and a failover fast enough to measure (6 s session timeout, the
     * broker's minimum), then {@code overrides}.
     */
    public Map<String, String> serviceSettings(String applicationId, Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(SimulatedSettings.generous(exchange));
        settings.put("application.id", applicationId);
        settings.put("topic.partitions", "6");
        settings.put("kafka.session.timeout.ms", "6000");
        settings.put("kafka.heartbeat.interval.ms", "1000");
        settings.put("kafka.commit.interval.ms", "1000");
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
                kafka.close();
            }
        }
    }
}
