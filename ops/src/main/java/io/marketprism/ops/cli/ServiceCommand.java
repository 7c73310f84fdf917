package io.marketprism.ops.cli;

import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code marketprism service}: one service instance against an existing Kafka cluster. */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = "Run one service instance against a Kafka cluster. Start more to scale out.")
final class ServiceCommand implements Callable<Integer> {

    @Option(names = {"-b", "--bootstrap-servers"}, description = "Kafka bootstrap servers (overrides the config file).")
    String bootstrapServers;

    @Option(names = {"-c", "--config"}, description = "A properties file; keys are listed in the README.")
    Path configFile;

    @Option(names = {"-s", "--set"}, description = "One configuration key=value; repeatable; wins over the file.")
    Map<String, String> overrides = Map.of();

    @Override
    public Integer call() throws Exception {
        ServiceConfig config = ServiceConfig.fromProperties(properties(), this::originOf);
        MarketPrismService service = MarketPrismService.withHttp(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "marketprism-shutdown"));
        service.start();
        System.out.println("Service '" + config.applicationId() + "' running against " + config.bootstrapServers()
                + "; reading " + config.topics().tasks() + ". Ctrl-C stops it.");
        stopped.await();
        return 0;
    }

    /** The file's keys, then the {@code --set} keys, then {@code --bootstrap-servers}, each winning over the last. */
    Properties properties() throws IOException {
        Properties props = new Properties();
        if (configFile != null) {
            try (Reader reader = Files.newBufferedReader(configFile)) {
                props.load(reader);
            }
        }
        props.putAll(overrides);
        if (bootstrapServers != null) {
            props.setProperty(ServiceConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        return props;
    }

    /** Where the value of {@code key} came from, for error messages. */
    String originOf(String key) {
        if (bootstrapServers != null && key.equals(ServiceConfig.BOOTSTRAP_SERVERS)) {
            return "--bootstrap-servers";
        }
        if (overrides.containsKey(key)) {
            return "--set";
        }
        return configFile != null ? configFile.toString() : null;
    }
}
