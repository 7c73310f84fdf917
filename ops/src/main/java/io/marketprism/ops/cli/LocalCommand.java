package io.marketprism.ops.cli;

import io.marketprism.ops.local.LocalInstance;
import io.marketprism.ops.local.LocalStack;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code marketprism local}: broker, simulated exchange and one service instance, until Ctrl-C; with {@code --join},
 * one more instance of the running local stack.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Start a Kafka broker, the simulated exchange and one service instance on this machine.",
                "With --join, add another service instance to the local stack already running (same broker, topics "
                        + "and simulated endpoints; its own state directory and HTTP port)."})
final class LocalCommand implements Callable<Integer> {

    /** Where a running stack keeps its shared settings, under the checkout the launcher runs from. */
    static final Path DEFAULT_SETTINGS_FILE =
            Path.of(System.getProperty("marketprism.root", "."), ".local", "stack.properties");

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--exchange-port", defaultValue = "8090",
            description = "Simulated exchange port (default: ${DEFAULT-VALUE}).")
    int exchangePort;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--http-port", description = "The instance's metrics, health and admin port (default: 8080; "
            + "with --join a free port). 0 takes a free port.")
    Integer httpPort;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "A service setting for every instance of the stack, e.g. output.format=json; repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--join", description = "Add an instance to the running local stack instead of starting one.")
    boolean join;

    @Option(names = "--settings-file", hidden = true, description = "Where the stack's shared settings are kept.")
    Path settingsFile = DEFAULT_SETTINGS_FILE;

    @Override
    public Integer call() throws Exception {
        AutoCloseable running;
        if (join) {
            if (!overrides.isEmpty()) {
                throw new IllegalArgumentException("--set applies to the whole stack: give it to 'local', not to "
                        + "'local --join'");
            }
            LocalInstance instance = LocalInstance.start(LocalInstance.readSettings(settingsFile),
                    httpPort == null ? 0 : httpPort);
            running = instance;
            System.out.println("Joined the local stack at " + instance.config().bootstrapServers() + " as one more "
                    + "instance of '" + instance.config().applicationId() + "'.");
            System.out.println("Metrics and admin   " + instance.httpUrl() + "/metrics, /health/ready, "
                    + "/admin/breakers");
            System.out.println("State directory     " + instance.config().stateDir());
        } else {
            System.out.println("Starting the local stack...");
            LocalStack stack = LocalStack.start(kafkaPort, exchangePort, partitions, httpPort == null ? 8080 : httpPort,
                    overrides, settingsFile);
            running = stack;
            System.out.println(stack.describe());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping...");
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
            System.out.println("Stopped.");
            stopped.countDown();
        }, "marketprism-shutdown"));
        System.out.println("Ready. Ctrl-C stops " + (join ? "this instance." : "everything."));
        stopped.await();
        return 0;
    }
}
