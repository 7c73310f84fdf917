package io.marketprism.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import io.marketprism.schemas.codec.OutputFormat;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void shouldDefaultToLocalBrokerAndPublicExchangeEndpoints() {
        ServiceConfig config = ServiceConfig.ofDefaults();

        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.topics().all()).containsExactly("collector.tasks", "collector.results",
                "collector.tasks.retry", "collector.tasks.dlq", "reliability.events");
        assertThat(config.exchanges()).containsExactly("binance", "deribit", "okx");
        assertThat(config.endpointsByExchange().get("binance")).extracting(Endpoint::id)
                .containsExactly("binance/api", "binance/api1", "binance/api2", "binance/api3");
    }

    @Test
    void shouldReadEndpointsAndPassKafkaPropertiesThrough() {
        ServiceConfig config = ServiceConfig.fromProperties(props(
                "exchanges", "binance",
                "exchange.binance.endpoints", "a=http://127.0.0.1:8090/binance/api/, b=http://127.0.0.1:8090/binance/api1",
                "topic.partitions", "3",
                "kafka.security.protocol", "SASL_SSL"));

        assertThat(config.exchanges()).containsExactly("binance");
        assertThat(config.endpointsByExchange().get("binance")).extracting(e -> e.baseUrl().toString())
                .containsExactly("http://127.0.0.1:8090/binance/api", "http://127.0.0.1:8090/binance/api1");
        assertThat(config.topicPartitions()).isEqualTo(3);
        assertThat(config.kafkaOverrides()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldRefuseUnknownKeyNamingIt() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("topic.partitons", "3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'topic.partitons'")
                .hasMessageContaining("unknown key");
    }

    @Test
    void shouldRefuseOutOfRangeValueNamingKeyAndRange() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("topic.partitions", "0")))
                .hasMessageContaining("'topic.partitions' = '0'")
                .hasMessageContaining("1..10000");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("execution.timeout.ms", "soon")))
                .hasMessageContaining("must be an integer");
    }

    @Test
    void shouldWriteAvroUnlessJsonIsAskedForAndRefuseOtherFormats() {
        assertThat(ServiceConfig.ofDefaults().outputFormat()).isEqualTo(OutputFormat.AVRO);
        assertThat(ServiceConfig.fromProperties(props("output.format", "JSON")).outputFormat())
                .isEqualTo(OutputFormat.JSON);
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("output.format", "xml")))
                .hasMessageContaining("output.format").hasMessageContaining("xml").hasMessageContaining("avro, json");
    }

    @Test
    void shouldRefuseMalformedEndpointSpec() {
        assertThatThrownBy(() -> ServiceConfig.builder().exchange("binance", "http://no-name"))
                .hasMessageContaining("name=url");
        assertThatThrownBy(() -> ServiceConfig.builder().exchange("binance", "a=ftp://x"))
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> ServiceConfig.builder().exchange("binance", "a=http://x,a=http://y"))
                .hasMessageContaining("appears twice");
    }

    @Test
    void shouldRefuseEndpointsForExchangeNotListed() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props(
                "exchanges", "okx", "exchange.binance.endpoints", "a=http://x")))
                .hasMessageContaining("not listed in 'exchanges'");
    }
}
