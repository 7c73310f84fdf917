package io.marketprism.ops.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class FailoverSettingsTest {

    private static final Path DEPLOYMENT = Path.of("..", "docs", "deployment.md");

    @Test
    void deploymentGuideRecommendsExactlyTheBrokerSettingsTheStacksRunWith() throws IOException {
        String guide = Files.readString(DEPLOYMENT);
        FailoverSettings.broker().forEach((key, value) ->
                assertThat(guide).as("docs/deployment.md row for broker setting %s", key)
                        .contains("| `" + key + "` | `" + value + "`"));
    }

    @Test
    void deploymentGuideRecommendsExactlyTheServiceSettingsTheStacksRunWith() throws IOException {
        String guide = Files.readString(DEPLOYMENT);
        Map<String, String> service = FailoverSettings.service();
        assertThat(guide).contains("| `kafka.session.timeout.ms`, `kafka.heartbeat.interval.ms` | `"
                + service.get("kafka.session.timeout.ms") + "`, `" + service.get("kafka.heartbeat.interval.ms") + "`");
        assertThat(guide).contains("| `kafka.producer.transaction.timeout.ms` | `"
                + service.get("kafka.producer.transaction.timeout.ms") + "`");
    }

    @Test
    void kafkaStreamsAcceptsTheServiceSettingsAtTheServicesCommitInterval() {
        StreamsConfig streams = new StreamsConfig(streamsProperties(FailoverSettings.service()));

        assertThat(streams.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
                .isLessThan(FailoverSettings.TRANSACTION_TIMEOUT.toMillis());
        assertThat(FailoverSettings.HEARTBEAT_INTERVAL.multipliedBy(3)).isLessThan(FailoverSettings.SESSION_TIMEOUT);
    }

    @Test
    void kafkaStreamsRefusesACommitIntervalLongerThanTheTransactionTimeout() {
        Map<String, String> settings = new HashMap<>(FailoverSettings.service());
        settings.put("kafka.commit.interval.ms", Long.toString(FailoverSettings.TRANSACTION_TIMEOUT.toMillis() + 1));

        assertThatThrownBy(() -> new StreamsConfig(streamsProperties(settings)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lower than streams commit interval");
    }

    private static Properties streamsProperties(Map<String, String> settings) {
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:9092");
        props.putAll(settings);
        return MarketPrismService.streamsProperties(ServiceConfig.fromProperties(props));
    }
}
