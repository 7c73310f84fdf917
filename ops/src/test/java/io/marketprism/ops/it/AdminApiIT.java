package io.marketprism.ops.it;

import static io.marketprism.ops.exchange.SimulatedExchange.Mode.LENIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.processor.ProcessorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of one application: each admin listing answers for the whole cluster, including state the other
 * instance owns; a breaker command sent to the instance that does not own the exchange is forwarded to the owner and
 * applied there; mutating calls without the right token are refused. Two instances advertising one address make
 * every listing say what it lacks.
 */
class AdminApiIT {

    private static final String TOKEN = "admin-api-it-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldAnswerForTheWholeClusterAndForwardCommandsToTheOwner() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(9).build().start();
             MarketPrismService a = MarketPrismService.withHttp(config(kafka, exchange, dir.resolve("a")));
             MarketPrismService b = MarketPrismService.withHttp(config(kafka, exchange, dir.resolve("b")))) {
            a.start();
            b.start();
            await().atMost(Duration.ofMinutes(2)).until(() -> ready(a) && ready(b)
                    && a.streams().metadataForAllStreamsClients().size() == 2);
            Workloads.produceTasks(kafka.bootstrapServers(), "collector.tasks", 300, "admin");

            // Given an exchange whose partition one instance owns; the other is the one we ask
            Owned owned = await().atMost(Duration.ofMinutes(1)).until(() -> ownedExchange(a, b), o -> o != null);
            String askedUrl = url(owned.other());
            String ownerAddress = "127.0.0.1:" + owned.owner().httpAddress().getPort();
            await().atMost(Duration.ofMinutes(1)).until(() -> rows(askedUrl + "/admin/breakers").stream()
                    .anyMatch(r -> r.get("exchange").asText().equals(owned.exchange())));

            // When the other instance lists breakers and endpoints
            List<JsonNode> breakers = rows(askedUrl + "/admin/breakers");
            List<JsonNode> endpoints = rows(askedUrl + "/admin/endpoints");

            // Then it includes the owner's rows, marked with the owner's address, and its local view does not
            assertThat(breakers).filteredOn(r -> r.get("exchange").asText().equals(owned.exchange()))
                    .isNotEmpty().allSatisfy(r -> {
                        assertThat(r.get("instance").asText()).isEqualTo(ownerAddress);
                        assertThat(r.get("state").asText()).isEqualTo("CLOSED");
                    });
            assertThat(endpoints).anyMatch(r -> r.get("exchange").asText().equals(owned.exchange()));
            assertThat(rows(askedUrl + "/admin/breakers?local=true"))
                    .noneMatch(r -> r.get("exchange").asText().equals(owned.exchange()));
            assertThat(JSON.readTree(get(askedUrl + "/admin/queues").body()).get("unreachable")).isEmpty();
            assertThat(get(askedUrl + "/admin/bans").statusCode()).isEqualTo(200);

            // And mutating calls without the token, or with a wrong one, are refused
            String endpoint = breakers.stream().filter(r -> r.get("exchange").asText().equals(owned.exchange()))
                    .findFirst().orElseThrow().get("endpoint").asText();
            String forceOpen = askedUrl + "/admin/breakers/" + owned.exchange() + "/" + endpoint + "/force-open";
            assertThat(post(forceOpen, null).statusCode()).isEqualTo(401);
            assertThat(post(forceOpen, "not-the-token").statusCode()).isEqualTo(403);
            assertThat(stateOf(askedUrl, owned.exchange(), endpoint)).isEqualTo("CLOSED");

            // When the right token forces the breaker open through the non-owner
            HttpResponse<String> opened = post(forceOpen, TOKEN);

            // Then the owner applied it
            assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
            assertThat(opened.body()).contains("FORCED_OPEN");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    stateOf(askedUrl, owned.exchange(), endpoint).equals("FORCED_OPEN"));
            HttpResponse<String> reset = post(askedUrl + "/admin/breakers/" + owned.exchange() + "/" + endpoint
                    + "/reset", TOKEN);
            assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
            assertThat(stateOf(url(owned.owner()), owned.exchange(), endpoint)).isEqualTo("CLOSED");
            String domain = a.config().routes().domains().stream().filter(d -> d.hostSet().equals(owned.exchange()))
                    .findFirst().orElseThrow().name();
            assertThat(post(askedUrl + "/admin/bans/" + domain + "/lift", TOKEN).statusCode()).isEqualTo(409);
        }
    }

    /**
     * Each route of a host set is decided on a partition of its own, with breakers of its own: four routes of
     * binance-spot on four of the six partitions, which two instances holding three each share between them.
     */
    @Test
    void shouldApplyABreakerCommandToTheBreakerOfEveryRouteOnWhicheverInstanceHoldsIt() throws Exception {
        List<String> routes = List.of("direct", "second", "third", "fourth");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(9).build().start();
             MarketPrismService a = MarketPrismService.withHttp(withRoutes(kafka, exchange, dir.resolve("a"), routes));
             MarketPrismService b = MarketPrismService.withHttp(withRoutes(kafka, exchange, dir.resolve("b"), routes))) {
            a.start();
            b.start();
            await().atMost(Duration.ofMinutes(2)).until(() -> ready(a) && ready(b)
                    && a.streams().metadataForAllStreamsClients().size() == 2);
            String forceOpen = url(a) + "/admin/breakers/binance-spot/api/force-open";

            // When one instance is asked to force the breaker of binance-spot/api open
            HttpResponse<String> opened = await().atMost(Duration.ofMinutes(1)).until(() -> post(forceOpen, TOKEN),
                    response -> response.statusCode() != 503);

            // Then every route's partition applied it, and each route's breaker is listed open by the instance holding it
            assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
            JsonNode partitions = JSON.readTree(opened.body()).get("partitions");
            assertThat(partitions).hasSize(routes.size()).allSatisfy(p -> {
                assertThat(p.get("status").asInt()).isEqualTo(200);
                assertThat(p.get("result").asText()).contains("FORCED_OPEN");
            });
            List<JsonNode> breakers = rows(url(b) + "/admin/breakers").stream()
                    .filter(r -> r.get("exchange").asText().equals("binance-spot")
                            && r.get("endpoint").asText().equals("api")).toList();
            assertThat(breakers).hasSize(routes.size())
                    .allSatisfy(r -> assertThat(r.get("state").asText()).isEqualTo("FORCED_OPEN"));
            assertThat(breakers).flatExtracting(r -> StreamSupport.stream(r.get("routes").spliterator(), false)
                    .map(JsonNode::asText).toList()).containsExactlyInAnyOrderElementsOf(routes);
            // four of six partitions, three on each instance: both hold some
            assertThat(breakers.stream().map(r -> r.get("instance").asText()).distinct()).containsExactlyInAnyOrder(
                    "127.0.0.1:" + a.httpAddress().getPort(), "127.0.0.1:" + b.httpAddress().getPort());

            // And a reset through the other instance closes every one of them
            HttpResponse<String> reset = post(url(b) + "/admin/breakers/binance-spot/api/reset", TOKEN);
            assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
            assertThat(rows(url(a) + "/admin/breakers")).filteredOn(r -> r.get("exchange").asText()
                    .equals("binance-spot") && r.get("endpoint").asText().equals("api"))
                    .hasSize(routes.size()).allSatisfy(r -> assertThat(r.get("state").asText()).isEqualTo("CLOSED"));
        }
    }

    private static ServiceConfig withRoutes(EmbeddedKafka kafka, SimulatedExchange exchange, Path stateDir,
                                            List<String> routes) {
        Properties props = properties(kafka, exchange, stateDir);
        props.put("routes", String.join(",", routes));
        return ServiceConfig.fromProperties(props);
    }

    @Test
    void shouldSayWhatItsListingsLackWhenTwoInstancesAdvertiseOneAddress() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(9).build().start();
             MarketPrismService a = MarketPrismService.withHttp(config(kafka, exchange, dir.resolve("a")))) {
            a.start();
            // Given a second instance that advertises the first one's address, as every container advertising
            // 127.0.0.1:8080 would
            Properties sharing = properties(kafka, exchange, dir.resolve("b"));
            sharing.put("application.server", "127.0.0.1:" + a.httpAddress().getPort());
            try (MarketPrismService b = MarketPrismService.withHttp(ServiceConfig.fromProperties(sharing))) {
                b.start();
                await().atMost(Duration.ofMinutes(2)).until(() -> ready(a) && ready(b));

                // Then neither lists its part of the cluster as if it were all of it: both name what they lack
                for (MarketPrismService asked : List.of(a, b)) {
                    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                        HttpResponse<String> listing = get(url(asked) + "/admin/breakers");
                        assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
                        assertThat(JSON.readTree(listing.body()).get("problems")).as(listing.body()).isNotEmpty();
                    });
                }
            }
        }
    }

    @Test
    void shouldNotConfirmACommandBeforeACommitHasCarriedIt() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(9).build().start()) {
            // Given an instance whose stream thread commits only every minute (its transactions may stay open as long)
            Properties props = properties(kafka, exchange, dir.resolve("slow-commits"));
            props.put("kafka.commit.interval.ms", "60000");
            props.put("kafka.producer.transaction.timeout.ms", "120000");
            try (MarketPrismService service = MarketPrismService.withHttp(ServiceConfig.fromProperties(props))) {
                service.start();
                await().atMost(Duration.ofMinutes(2)).until(() -> ready(service));
                Workloads.produceTasks(kafka.bootstrapServers(), "collector.tasks", 30, "slow");
                String base = url(service);
                String exchangeName = service.config().exchanges().iterator().next();
                await().atMost(Duration.ofMinutes(1)).until(() -> rows(base + "/admin/breakers").stream()
                        .anyMatch(r -> r.get("exchange").asText().equals(exchangeName)));
                String endpoint = rows(base + "/admin/breakers").stream()
                        .filter(r -> r.get("exchange").asText().equals(exchangeName))
                        .findFirst().orElseThrow().get("endpoint").asText();

                // When an operator forces a breaker open
                HttpResponse<String> answer = post(base + "/admin/breakers/" + exchangeName + "/" + endpoint
                        + "/force-open", TOKEN);

                // Then it is applied, but not confirmed: no commit carried it yet, a crash could still undo it
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                assertThat(answer.body()).contains("FORCED_OPEN").contains("no commit confirmed");
            }
        }
    }

    private record Owned(String exchange, MarketPrismService owner, MarketPrismService other) {
    }

    private static Owned ownedExchange(MarketPrismService a, MarketPrismService b) {
        for (String exchange : List.of("binance-spot", "okx", "deribit")) {
            KeyQueryMetadata owner = a.streams().queryMetadataForKey(ProcessorSettings.ENGINE_STORE, exchange,
                    new StringSerializer());
            if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                return null;
            }
            MarketPrismService owning = owner.activeHost().port() == a.httpAddress().getPort() ? a : b;
            return new Owned(exchange, owning, owning == a ? b : a);
        }
        return null;
    }

    private static ServiceConfig config(EmbeddedKafka kafka, SimulatedExchange exchange, Path stateDir) {
        return ServiceConfig.fromProperties(properties(kafka, exchange, stateDir));
    }

    private static Properties properties(EmbeddedKafka kafka, SimulatedExchange exchange, Path stateDir) {
        Properties props = new Properties();
        props.putAll(Workloads.generousSettings(exchange));
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("application.id", "admin-api-it");
        props.put("state.dir", stateDir.toString());
        props.put("topic.partitions", "6");
        props.put("admin.token", TOKEN);
        return props;
    }

    private static boolean ready(MarketPrismService service) {
        return service.state().filter(s -> s == KafkaStreams.State.RUNNING).isPresent();
    }

    private static String url(MarketPrismService service) {
        return "http://127.0.0.1:" + service.httpAddress().getPort();
    }

    private static String stateOf(String base, String exchange, String endpoint) throws Exception {
        return rows(base + "/admin/breakers").stream()
                .filter(r -> r.get("exchange").asText().equals(exchange) && r.get("endpoint").asText().equals(endpoint))
                .findFirst().orElseThrow().get("state").asText();
    }

    private static List<JsonNode> rows(String url) throws Exception {
        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode root = JSON.readTree(response.body());
        assertThat(root.get("unreachable")).as(url).isEmpty();
        return new ArrayList<>(StreamSupport.stream(root.get("items").spliterator(), false).toList());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
