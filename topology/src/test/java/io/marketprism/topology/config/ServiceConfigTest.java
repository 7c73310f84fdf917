package io.marketprism.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.config.ConfigKey;
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
                .containsExactly("binance-spot/api", "binance-spot/api1", "binance-spot/api2", "binance-spot/api3");
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
    void shouldRefuseUnknownKeyNamingItAndTheClosestKnownKey() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("topic.partitons", "3")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown configuration key 'topic.partitons'; did you mean topic.partitions?");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("limter.queue.capacity", "3")))
                .hasMessage("unknown configuration key 'limter.queue.capacity'; did you mean limiter.queue.capacity?");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("breaker.failure.rate.treshold", "30")))
                .hasMessage("unknown configuration key 'breaker.failure.rate.treshold';"
                        + " did you mean breaker.failure.rate.threshold?");
    }

    @Test
    void shouldRefuseOutOfRangeValueNamingKeyValueAndRange() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("topic.partitions", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("topic.partitions must be in [1, 10000], was 0");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("execution.timeout.ms", "soon")))
                .hasMessage("execution.timeout.ms must be in [1, 120000], was 'soon'");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("topic.replication.factor", "0")))
                .hasMessage("topic.replication.factor must be -1 or in [1, 32767], was 0");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("topic.dlq", "dead letters")))
                .hasMessage("topic.dlq must be a topic name (1-249 of a-z A-Z 0-9 . _ -), was 'dead letters'");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("application.server", "10.0.0.1")))
                .hasMessage("application.server must be host:port with a port in [1, 65535], was '10.0.0.1'");
    }

    @Test
    void shouldNeverShowTheAdminTokenInAnError() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("admin.token", "short secret")))
                .hasMessage("admin.token must be at least 16 characters without spaces, was <hidden>");
    }

    @Test
    void shouldStartEveryErrorWithWhereTheValueCameFrom() {
        Properties props = props("topic.partitions", "0", "exchange.okx.retry.max.attempts", "0");

        assertThatThrownBy(() -> ServiceConfig.fromProperties(props, key -> "service.properties"))
                .hasMessage("service.properties: topic.partitions must be in [1, 10000], was 0");
        props.remove("topic.partitions");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props, key -> "--set"))
                .hasMessage("--set: exchange.okx.retry.max.attempts must be in [1, 1000], was 0");
    }

    @Test
    void shouldReadEveryServiceKeyAndCheckProgrammaticValuesAgainstTheSameDeclaration() {
        ServiceConfig config = ServiceConfig.fromProperties(props(
                "application.id", "mp-test", "state.dir", "/var/lib/mp", "topic.results", "r",
                "topic.replication.factor", "3", "execution.timeout.ms", "750", "execution.tick.ms", "5",
                "http.host", "0.0.0.0", "http.port", "0", "admin.token", "0123456789abcdef",
                "application.server", "mp-1:8080"));

        assertThat(config.applicationId()).isEqualTo("mp-test");
        assertThat(config.stateDir()).hasToString("/var/lib/mp");
        assertThat(config.topics().results()).isEqualTo("r");
        assertThat(config.topicReplicationFactor()).isEqualTo((short) 3);
        assertThat(config.executionTimeout()).hasMillis(750);
        assertThat(config.executionTick()).hasMillis(5);
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
        assertThat(config.httpPort()).isZero();
        assertThat(config.adminToken()).hasValue("0123456789abcdef");
        assertThat(config.applicationServer()).hasValue("mp-1:8080");
        assertThat(config.toBuilder().httpPort(9000).build().httpPort()).isEqualTo(9000);
        assertThatThrownBy(() -> ServiceConfig.builder().httpPort(70_000))
                .hasMessage("http.port must be in [0, 65535], was 70000");
    }

    @Test
    void shouldReadBackEveryDeclaredDefaultFromTheTextItIsShownAs() {
        for (ConfigKey<?> key : ServiceConfig.table().keys()) {
            assertReadsBack(key);
        }
    }

    private static <T> void assertReadsBack(ConfigKey<T> key) {
        key.defaultValue().ifPresent(value ->
                assertThat(key.parse(key.name(), key.type().show(value))).as(key.name()).isEqualTo(value));
    }

    @Test
    void shouldRefuseABodyLimitTheProducerCouldNotWriteAsAResult() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("execution.max.body.bytes", "1048576")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("execution.max.body.bytes")
                .hasMessageContaining("max.request.size (1048576)");

        ServiceConfig raised = ServiceConfig.fromProperties(props("execution.max.body.bytes", "4194304",
                "kafka.producer.max.request.size", "8388608"));
        assertThat(raised.maxBodyBytes()).isEqualTo(4_194_304);
    }

    @Test
    void shouldRefuseTopicsSharingAName() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("topic.retry", "collector.tasks")))
                .hasMessageContaining("the five topics must have distinct names");
    }

    @Test
    void shouldWriteAvroUnlessJsonIsAskedForAndRefuseOtherFormats() {
        assertThat(ServiceConfig.ofDefaults().outputFormat()).isEqualTo(OutputFormat.AVRO);
        assertThat(ServiceConfig.fromProperties(props("output.format", "JSON")).outputFormat())
                .isEqualTo(OutputFormat.JSON);
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("output.format", "xml")))
                .hasMessageContaining("output.format").hasMessageContaining("xml").hasMessageContaining("{AVRO, JSON}");
    }

    @Test
    void shouldRefuseMalformedEndpointSpec() {
        assertThatThrownBy(() -> ServiceConfig.builder().exchange("binance-spot", "http://no-name"))
                .hasMessageContaining("name=url");
        assertThatThrownBy(() -> ServiceConfig.builder().exchange("binance-spot", "a=ftp://x"))
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> ServiceConfig.builder().exchange("binance-spot", "a=http://x,a=http://y"))
                .hasMessageContaining("appears twice");
    }

    @Test
    void shouldRefuseEndpointsForExchangeNotListed() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props(
                "exchanges", "okx", "exchange.binance.endpoints", "a=http://x")))
                .hasMessageContaining("not listed in 'exchanges'");
    }
}
