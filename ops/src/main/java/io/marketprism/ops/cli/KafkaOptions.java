package io.marketprism.ops.cli;

import io.marketprism.ops.tools.ClientSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** Where the Kafka cluster is and how to talk to it: options shared by the tool commands. */
final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap-servers"}, defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting, e.g. security.protocol=SASL_SSL or sasl.jaas.config=...; "
                    + "repeatable. Values of keys containing password, secret or sasl.jaas are never printed.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The client properties: the settings given, then the bootstrap servers. */
    Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>(settings);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** The cluster and the settings given, secrets masked, for messages. */
    String describe() {
        return bootstrapServers + (settings.isEmpty() ? "" : " (" + ClientSettings.describe(settings) + ")");
    }
}
