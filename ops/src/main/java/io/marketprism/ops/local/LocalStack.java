package io.marketprism.ops.local;

import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.config.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Everything on one machine: a KRaft broker, the simulated exchange and one service instance whose endpoints point at
 * the simulated exchange. Closing it stops all three, service first.
 */
public final class LocalStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final SimulatedExchange exchange;
    private final MarketPrismService service;
    private final ServiceConfig config;

    private LocalStack(EmbeddedKafka kafka, SimulatedExchange exchange, ServiceConfig config) {
        this.kafka = kafka;
        this.exchange = exchange;
        this.config = config;
        this.service = MarketPrismService.withHttp(config);
    }

    /**
     * Starts broker, simulated exchange and service.
     *
     * @param kafkaPort    broker listener port (0 picks a free one)
     * @param exchangePort simulated exchange port (0 picks a free one)
     * @param partitions   partitions of the service's topics
     */
    public static LocalStack start(int kafkaPort, int exchangePort, int partitions)
            throws IOException, InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.builder().port(kafkaPort).build().start();
        SimulatedExchange exchange;
        ServiceConfig.Builder config;
        try {
            exchange = SimulatedExchange.builder().port(exchangePort).build().start();
            config = ServiceConfig.builder()
                    .bootstrapServers(kafka.bootstrapServers())
                    .stateDir(Files.createTempDirectory("marketprism-streams-"))
                    .topicPartitions(partitions)
                    .clearExchanges();
        } catch (RuntimeException | IOException e) {
            kafka.close();
            throw e;
        }
        SimulatedExchange.endpoints().forEach((name, endpoints) ->
                config.exchange(name, endpointSpec(exchange, name, endpoints)));
        LocalStack stack = new LocalStack(kafka, exchange, config.build());
        try {
            stack.service.start();
            stack.service.awaitRunning(Duration.ofSeconds(60));
            return stack;
        } catch (RuntimeException | InterruptedException e) {
            stack.close();
            throw e;
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    private static String endpointSpec(SimulatedExchange exchange, String name, List<String> endpoints) {
        return endpoints.stream().map(e -> e + "=" + exchange.baseUrl(name, e)).collect(Collectors.joining(","));
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public SimulatedExchange exchange() {
        return exchange;
    }

    public MarketPrismService service() {
        return service;
    }

    public ServiceConfig config() {
        return config;
    }

    /** A few lines telling where everything is. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("Kafka broker        ").append(kafka.bootstrapServers()).append('\n');
        sb.append("Simulated exchange  ").append(exchange.baseUrl("binance", "api").replace("/binance/api", ""))
                .append('\n');
        config.endpointsByExchange().forEach((name, endpoints) -> sb.append("  ").append(String.format("%-8s", name))
                .append(endpoints.stream().map(Endpoint::name).collect(Collectors.joining(", "))).append('\n'));
        var http = service.httpAddress();
        sb.append("Metrics and admin   http://").append(http.getHostString()).append(':').append(http.getPort())
                .append("/metrics, /health/ready, /admin/breakers").append('\n');
        sb.append("Topics              ").append(String.join(", ", config.topics().all())).append('\n');
        sb.append("State directory     ").append(config.stateDir()).append('\n');
        sb.append("Try:  echo '{\"exchange\":\"binance\",\"dataType\":\"ORDER_BOOK\",\"symbol\":\"BTCUSDT\"}' | kcat -P -b ")
                .append(kafka.bootstrapServers()).append(" -t ").append(config.topics().tasks()).append('\n');
        sb.append("      kcat -C -b ").append(kafka.bootstrapServers()).append(" -t ").append(config.topics().results())
                .append(" -f 'key=%k headers=%h\\n'");
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            service.close();
            deleteRecursively(config.stateDir());
        } finally {
            try {
                exchange.close();
            } finally {
                kafka.close();
            }
        }
    }
}
