package io.marketprism.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.config.ConfigKey;
import io.marketprism.reliability.exchange.ExchangeDefinition;
import io.marketprism.schemas.codec.OutputFormat;
import io.marketprism.topology.exchange.EgressRoute;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(config.exchanges()).as("every host set of every shipped definition, in definition order")
                .containsExactly("binance-spot", "binance-usdm", "binance-coinm", "bybit", "deribit", "okx");
        assertThat(config.endpointsByExchange().get("binance-spot")).extracting(Endpoint::id)
                .containsExactly("binance-spot/api", "binance-spot/api-gcp", "binance-spot/api1", "binance-spot/api2",
                        "binance-spot/api3", "binance-spot/api4");
        assertThat(config.endpointsByExchange().get("binance-usdm")).singleElement()
                .satisfies(e -> assertThat(e.baseUrl()).hasToString("https://fapi.binance.com"));
        assertThat(config.routes().routes()).extracting(EgressRoute::name).containsExactly("direct");
    }

    @Test
    void shouldReadEndpointsAndPassKafkaPropertiesThrough() {
        ServiceConfig config = ServiceConfig.fromProperties(props(
                "exchanges", "binance",
                "exchange.binance-spot.endpoints",
                "a=http://127.0.0.1:8090/binance/api/, b=http://127.0.0.1:8090/binance/api1",
                "topic.partitions", "3",
                "kafka.security.protocol", "SASL_SSL"));

        assertThat(config.exchanges()).containsExactly("binance-spot", "binance-usdm", "binance-coinm");
        assertThat(config.endpointsByExchange().get("binance-spot")).extracting(Endpoint::id)
                .containsExactly("binance-spot/a", "binance-spot/b");
        assertThat(config.endpointsByExchange().get("binance-spot")).extracting(e -> e.baseUrl().toString())
                .containsExactly("http://127.0.0.1:8090/binance/api", "http://127.0.0.1:8090/binance/api1");
        assertThat(config.reliability().exchange("binance-spot").endpoints()).containsExactly("a", "b");
        assertThat(config.endpointsByExchange().get("binance-usdm")).extracting(Endpoint::name)
                .as("the other host sets keep their definition's endpoints").containsExactly("fapi");
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
        assertThatThrownBy(() -> ServiceConfig.builder().routeEndpoints("okx", "proxy-a", "www"))
                .hasMessageContaining("exchange.okx.route.proxy-a.endpoints").hasMessageContaining("name=url");
        assertThatThrownBy(() -> ServiceConfig.builder().routeProxy("proxy-a", "socks://10.0.0.8:1080"))
                .hasMessageContaining("route.proxy-a.proxy").hasMessageContaining("http or https");
    }

    @Test
    void shouldRefuseEndpointsOfAHostSetThatIsNotServed() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props(
                "exchanges", "okx", "exchange.binance-spot.endpoints", "a=http://x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exchange.binance-spot.endpoints")
                .hasMessageContaining("'binance-spot' is not a served host set; served: [okx]");
        assertThatThrownBy(() -> ServiceConfig.builder().exchange("binance", "a=http://x").build())
                .as("an exchange is not a host set").hasMessageContaining("'binance' is not a served host set");
    }

    @Test
    void shouldServeTheListedExchangesWithAllTheirHostSetsAndRefuseAnUndefinedOneNamingTheDefinedOnes() {
        ServiceConfig config = ServiceConfig.builder().exchanges(List.of("okx", "binance")).build();

        assertThat(config.exchanges()).containsExactlyInAnyOrder("okx", "binance-spot", "binance-usdm",
                "binance-coinm");
        assertThat(config.reliability().exchangeNames()).as("only served host sets are configured in the engine")
                .containsExactlyInAnyOrderElementsOf(config.exchanges());
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("exchanges", "binance,kraken")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'exchanges' = 'binance,kraken'")
                .hasMessageContaining("'kraken' has no exchange definition")
                .hasMessageContaining("[binance, bybit, deribit, okx]")
                .hasMessageContaining("exchange.definitions");
    }

    @Test
    void shouldMergeADefinitionFileIntoTheShippedDefinitionAndAddANewExchangeFromAnother(@TempDir Path dir)
            throws IOException {
        Path okxPatch = Files.writeString(dir.resolve("okx-books.json"), """
                {"exchange": "okx", "limitGroups": {"books": {"rules": [
                  {"measure": "requests", "limit": 10, "window": "2s", "clock": "rolling"}]}}}
                """);
        Path kraken = Files.writeString(dir.resolve("kraken.json"), KRAKEN);

        ServiceConfig config = ServiceConfig.fromProperties(props(
                "exchange.definitions", okxPatch + "," + kraken, "exchanges", "okx,kraken"));

        ExchangeDefinition okx = config.routes().definitions().get("okx");
        assertThat(okx.limitGroups().get("books").rules()).singleElement()
                .satisfies(rule -> assertThat(rule.limit()).isEqualTo(10));
        assertThat(okx.limitGroups().get("trades").rules()).as("the rest of the shipped definition stays")
                .singleElement().satisfies(rule -> assertThat(rule.limit()).isEqualTo(100));
        assertThat(okx.markets()).containsKeys("spot", "perp", "futures");
        assertThat(config.exchanges()).containsExactly("okx", "kraken");
        assertThat(config.endpointsByExchange().get("kraken")).extracting(Endpoint::id).containsExactly("kraken/api");
        assertThat(config.routes().domains()).extracting(ExchangeRoutes.Domain::name)
                .contains("okx.books.direct", "kraken.public.direct");
    }

    @Test
    void shouldRefuseABadDefinitionFileNamingTheFileTheKeyAndWhatIsAllowed(@TempDir Path dir) throws IOException {
        Path zeroLimit = Files.writeString(dir.resolve("zero.json"), """
                {"exchange": "binance", "limitGroups": {"spot": {"rules": [
                  {"measure": "weight", "limit": 0, "window": "1m", "clock": "fixed"}]}}}
                """);
        Path unknownKey = Files.writeString(dir.resolve("typo.json"), """
                {"exchange": "okx", "hostSets": {"okx": {"endpoint": {"www": "https://www.okx.com"}}}}
                """);
        Path noName = Files.writeString(dir.resolve("anonymous.json"), "{\"hostSets\": {}}");

        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("exchange.definitions", zeroLimit.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(zeroLimit.toString())
                .hasMessageContaining("limitGroups.spot.rules[0].limit = 0")
                .hasMessageContaining("a whole number from 1");
        assertThatThrownBy(() -> ServiceConfig.builder().definitionFiles(List.of(unknownKey)).build())
                .hasMessageContaining(unknownKey.toString())
                .hasMessageContaining("hostSets.okx.endpoint")
                .hasMessageContaining("not a key here; keys: [doc, endpoints, health, healthGroup, healthWeight]");
        assertThatThrownBy(() -> ServiceConfig.builder().definitionFiles(List.of(noName)).build())
                .hasMessageContaining(noName.toString()).hasMessageContaining("exchange: required");
        assertThatThrownBy(() -> ServiceConfig.builder().definitionFiles(List.of(dir.resolve("missing.json"))).build())
                .hasMessageContaining("missing.json").hasMessageContaining("cannot be read");
    }

    @Test
    void shouldRefuseALimitGroupWhoseBudgetTheCriticalReserveLeavesNothingOf(@TempDir Path dir) throws IOException {
        Path tiny = Files.writeString(dir.resolve("tiny.json"), """
                {"exchange": "okx", "limitGroups": {"ticker": {"rules": [
                  {"measure": "requests", "limit": 1, "window": "2s", "clock": "rolling"}]}}}
                """);

        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("exchange.definitions", tiny.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("limitGroups.ticker of exchange definition okx")
                .hasMessageContaining("1 requests / 2s (rolling)")
                .hasMessageContaining("criticalReserveShare 0.1")
                .hasMessageContaining("exchange.okx.limiter.critical.reserve");
        assertThat(ServiceConfig.fromProperties(props("exchange.definitions", tiny.toString(),
                "exchange.okx.limiter.critical.reserve", "0")).routes().domains())
                .extracting(ExchangeRoutes.Domain::name).contains("okx.ticker.direct");
    }

    @Test
    void shouldGiveEachRouteItsProxyAndItsOwnEndpointUrls() {
        ServiceConfig config = ServiceConfig.fromProperties(props(
                "exchanges", "binance",
                "routes", "direct,proxy-a",
                "route.proxy-a.proxy", "http://10.0.0.7:3128",
                "exchange.binance-spot.route.proxy-a.endpoints", "api=http://127.0.0.1:9101"));

        assertThat(config.routes().routes()).extracting(EgressRoute::name).containsExactly("direct", "proxy-a");
        EgressRoute direct = config.routes().routes().get(0);
        EgressRoute proxied = config.routes().routes().get(1);
        assertThat(direct.proxyUrl()).isEmpty();
        assertThat(proxied.proxyUrl()).hasValue(URI.create("http://10.0.0.7:3128"));
        Endpoint api = config.endpointsByExchange().get("binance-spot").get(0);
        Endpoint api1 = config.endpointsByExchange().get("binance-spot").get(2);
        assertThat(direct.baseUrlOf(api)).hasToString("https://api.binance.com");
        assertThat(proxied.baseUrlOf(api)).hasToString("http://127.0.0.1:9101");
        assertThat(proxied.baseUrlOf(api1)).as("an endpoint the route does not list keeps its URL")
                .hasToString("https://api1.binance.com");
        assertThat(config.routes().domains()).extracting(ExchangeRoutes.Domain::name)
                .contains("binance.spot.direct", "binance.spot.proxy-a", "binance.usdm.proxy-a");
    }

    @Test
    void shouldRefuseAProxyOrRouteEndpointsOfARouteThatIsNotListed() {
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props("route.proxy-b.proxy", "http://10.0.0.8:3128")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("route.proxy-b.proxy")
                .hasMessageContaining("'proxy-b' is not listed in 'routes' [direct]");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props(
                "exchange.okx.route.proxy-b.endpoints", "www=http://127.0.0.1:9102")))
                .hasMessageContaining("exchange.okx.route.proxy-b.endpoints")
                .hasMessageContaining("'proxy-b' is not listed in 'routes' [direct]");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props(
                "exchange.okx.route.direct.endpoints", "api9=http://127.0.0.1:9102")))
                .hasMessageContaining("'api9' is not an endpoint of okx [www, aws]");
        assertThatThrownBy(() -> ServiceConfig.fromProperties(props(
                "routes", "direct,proxy-a", "route.proxy-a.proxy", "socks://10.0.0.8")))
                .hasMessageContaining("route.proxy-a.proxy").hasMessageContaining("http or https");
    }

    /** A minimal definition of an exchange the service does not ship. */
    private static final String KRAKEN = """
            {"exchange": "kraken",
             "hostSets": {"kraken": {"endpoints": {"api": "https://api.kraken.com"}, "health": "/0/public/Time"}},
             "limitGroups": {"public": {"hostSet": "kraken",
               "rules": [{"measure": "requests", "limit": 15, "window": "1s", "clock": "rolling"}]}},
             "markets": {"spot": {"hostSet": "kraken", "symbolParam": "pair", "limitGroup": "public",
               "requests": {"TICKER": {"path": "/0/public/Ticker"}}}},
             "errors": {"codeField": "/error"}}
            """;
}
