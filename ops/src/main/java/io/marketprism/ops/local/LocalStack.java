package io.marketprism.ops.local;

import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exchange.EgressRoute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Everything on one machine: a KRaft broker, the simulated exchange and one service instance whose endpoints point at
 * the simulated exchange. The stack's shared settings are written to a file while it runs, so that more instances can
 * join it ({@link LocalInstance}). Closing it stops all three, service first, and removes the file.
 */
public final class LocalStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final SimulatedExchange exchange;
    private final Properties shared;
    private final Path settingsFile;
    private LocalInstance instance;

    private LocalStack(EmbeddedKafka kafka, SimulatedExchange exchange, Properties shared, Path settingsFile) {
        this.kafka = kafka;
        this.exchange = exchange;
        this.shared = shared;
        this.settingsFile = settingsFile;
    }

    /**
     * Starts broker, simulated exchange and service, then writes the shared settings to {@code settingsFile}.
     *
     * @param kafkaPort    broker listener port (0 picks a free one)
     * @param exchangePort simulated exchange port (0 picks a free one)
     * @param partitions   partitions of the service's topics
     * @param httpPort     the first instance's HTTP port (0 picks a free one)
     * @param overrides    service settings for every instance of the stack, e.g. {@code output.format=json}
     * @param settingsFile where joining instances find the shared settings; null writes none
     */
    public static LocalStack start(int kafkaPort, int exchangePort, int partitions, int httpPort,
                                   Map<String, String> overrides, Path settingsFile)
            throws IOException, InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.builder().port(kafkaPort).build().start();
        LocalStack stack = null;
        try {
            SimulatedExchange exchange = SimulatedExchange.builder().port(exchangePort).mode(SimulatedExchange.Mode.STRICT)
                    .build().start();
            Map<String, String> settings = new LinkedHashMap<>(
                    SimulatedEndpoints.strict(exchange, List.of(EgressRoute.DIRECT)));
            settings.putAll(overrides);
            Properties shared = LocalInstance.sharedSettings(kafka.bootstrapServers(), partitions, settings);
            ServiceConfig.fromProperties(shared);  // refuses bad overrides before anything else starts
            stack = new LocalStack(kafka, exchange, shared, settingsFile);
            stack.instance = LocalInstance.start(shared, httpPort);
            if (settingsFile != null) {
                LocalInstance.writeSettings(settingsFile, shared);
            }
            return stack;
        } catch (RuntimeException | IOException | InterruptedException e) {
            if (stack != null) {
                stack.close();
            } else {
                kafka.close();
            }
            throw e;
        }
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public SimulatedExchange exchange() {
        return exchange;
    }

    /** The first service instance. */
    public LocalInstance instance() {
        return instance;
    }

    public ServiceConfig config() {
        return instance.config();
    }

    /** The settings every instance of the stack shares. */
    public Properties sharedSettings() {
        Properties copy = new Properties();
        copy.putAll(shared);
        return copy;
    }

    /** A few lines telling where everything is. */
    public String describe() {
        ServiceConfig config = instance.config();
        StringBuilder sb = new StringBuilder();
        sb.append("Kafka broker        ").append(kafka.bootstrapServers()).append('\n');
        sb.append("Simulated exchange  ").append(exchange.strictBaseUrl("okx", EgressRoute.DIRECT)
                .replace("/okx/" + EgressRoute.DIRECT, "")).append("  (strict: each host set at /<host set>/<route>)")
                .append('\n');
        config.endpointsByExchange().forEach((name, endpoints) -> sb.append("  ").append(String.format("%-14s", name))
                .append(endpoints.stream().map(Endpoint::name).collect(Collectors.joining(", "))).append('\n'));
        sb.append("Metrics and admin   ").append(instance.httpUrl())
                .append("/metrics, /health/ready, /admin/breakers").append('\n');
        sb.append("Topics              ").append(String.join(", ", config.topics().all())).append('\n');
        sb.append("Output format       ").append(config.outputFormat().name().toLowerCase()).append('\n');
        sb.append("State directory     ").append(config.stateDir()).append('\n');
        if (settingsFile != null) {
            sb.append("Add an instance:    ops/marketprism local --join --http-port <port>   (settings in ")
                    .append(settingsFile).append(")\n");
        }
        sb.append("Try:  echo '{\"exchange\":\"binance\",\"dataType\":\"ORDER_BOOK\",\"symbol\":\"BTCUSDT\"}' | kcat -P -b ")
                .append(kafka.bootstrapServers()).append(" -t ").append(config.topics().tasks()).append('\n');
        sb.append("      ops/marketprism tail results -b ").append(kafka.bootstrapServers())
                .append("   (or kcat -C -b ").append(kafka.bootstrapServers()).append(" -t ")
                .append(config.topics().results()).append(" -f 'key=%k headers=%h\\n')");
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            if (settingsFile != null) {
                Files.deleteIfExists(settingsFile);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + settingsFile + ": " + e.getMessage());
        }
        try {
            if (instance != null) {
                instance.close();
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
