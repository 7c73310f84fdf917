package io.marketprism.ops.local;

import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One service instance of a local stack: the stack's shared settings (broker, topics, simulated endpoints and any
 * {@code --set} given to {@code local}) plus a state directory and an HTTP port of its own. The stack writes its shared
 * settings to a file at start ({@link #writeSettings}) so that {@code ops/marketprism local --join} can add instances
 * to the same consumer group; closing an instance deletes its state directory.
 */
public final class LocalInstance implements AutoCloseable {

    private final ServiceConfig config;
    private final MarketPrismService service;

    private LocalInstance(ServiceConfig config) {
        this.config = config;
        this.service = MarketPrismService.withHttp(config);
    }

    /**
     * Starts an instance with the shared settings and waits until it runs.
     *
     * @param httpPort its metrics, health and admin port; 0 takes a free one
     */
    public static LocalInstance start(Properties shared, int httpPort) throws IOException, InterruptedException {
        Properties props = new Properties();
        props.putAll(shared);
        props.setProperty(ServiceConfig.STATE_DIR, Files.createTempDirectory("marketprism-streams-").toString());
        props.setProperty(ServiceConfig.HTTP_PORT, Integer.toString(httpPort));
        LocalInstance instance = new LocalInstance(ServiceConfig.fromProperties(props));
        try {
            instance.service.start();
            instance.service.awaitRunning(Duration.ofSeconds(60));
            return instance;
        } catch (RuntimeException | InterruptedException e) {
            instance.close();
            throw e;
        }
    }

    /** Writes the stack's shared settings, for instances that join it. */
    public static void writeSettings(Path file, Properties shared) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (Writer out = Files.newBufferedWriter(file)) {
            shared.store(out, "Settings of the running 'ops/marketprism local' stack; removed when it stops. "
                    + "'ops/marketprism local --join' starts another instance with them.");
        }
    }

    /**
     * Reads the settings a running stack wrote.
     *
     * @throws IllegalStateException when there is no such file: no stack is running (or it was started elsewhere)
     */
    public static Properties readSettings(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no local stack is running: " + file + " does not exist; start one with "
                    + "'ops/marketprism local' (from the same checkout) first");
        }
        return props;
    }

    /** The shared settings of a stack with this broker and partitions, then {@code settings} (endpoints, overrides). */
    static Properties sharedSettings(String bootstrapServers, int partitions, Map<String, String> settings) {
        Properties props = new Properties();
        props.setProperty(ServiceConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        props.setProperty(ServiceConfig.TOPIC_PARTITIONS, Integer.toString(partitions));
        props.putAll(settings);
        return props;
    }

    public ServiceConfig config() {
        return config;
    }

    public MarketPrismService service() {
        return service;
    }

    /** Where the instance's metrics, health and admin API answer. */
    public String httpUrl() {
        InetSocketAddress http = service.httpAddress();
        return "http://" + http.getHostString() + ":" + http.getPort();
    }

    @Override
    public void close() {
        service.close();
        try (Stream<Path> paths = Files.walk(config.stateDir())) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + config.stateDir() + ": " + e.getMessage());
        }
    }
}
