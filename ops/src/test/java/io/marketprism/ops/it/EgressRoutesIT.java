package io.marketprism.ops.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.exchange.LimitUsage;
import io.marketprism.ops.exchange.ServedRequest;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.ops.local.SimulatedEndpoints;
import io.marketprism.ops.tools.TaskGenerator;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two egress routes to the strict simulator, two instances, six partitions: every exchange's tasks, Bybit's from its
 * definition file alone, end in results; the work spreads over both routes, over more limit domains than
 * exchanges, and both instances call; and when another client on one route gets Binance spot to ban that route, the
 * other route's calls go on while the banned route gets none.
 */
class EgressRoutesIT {

    private static final List<String> ROUTES = List.of("direct", "second");
    private static final int TASKS = 600;

    @TempDir
    Path dir;

    @Test
    void shouldSpreadOverRoutesDomainsAndInstancesAndKeepOneRouteFlowingWhileTheOtherIsBanned() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().port(0).build().start();
             MarketPrismService a = MarketPrismService.withHttp(config(kafka, exchange, dir.resolve("a")));
             MarketPrismService b = MarketPrismService.withHttp(config(kafka, exchange, dir.resolve("b")))) {
            a.start();
            b.start();
            await().atMost(Duration.ofMinutes(2)).until(() -> running(a) && running(b)
                    && a.streams().metadataForAllStreamsClients().size() == 2);
            String bootstrap = kafka.bootstrapServers();

            // Given tasks of every exchange, market and data type the definitions offer
            TaskGenerator generator = TaskGenerator.builder().seed(5).idPrefix("route").build();
            List<byte[]> tasks = new ArrayList<>();
            Set<String> ids = new LinkedHashSet<>();
            for (int i = 0; i < TASKS; i++) {
                CollectorTask task = generator.next();
                ids.add(task.getTaskId());
                tasks.add(AvroCodec.tasks().encode(task));
            }
            Workloads.produce(bootstrap, a.config().topics().tasks(), tasks, true);

            // Then each ends in a result, Bybit's too
            TerminalRecords terminal = IsolationChecks.awaitEachTaskEndedOnce(bootstrap, ids, Duration.ofMinutes(3));
            assertThat(terminal.deadLetters()).as("dead letters").isEmpty();
            assertThat(terminal.results().stream().filter(r -> r.getExchange().equals("bybit"))
                    .map(r -> r.getMarket() + " " + r.getDataType()).collect(Collectors.toSet()))
                    .contains("spot ORDER_BOOK", "spot TRADES", "spot TICKER", "spot KLINES", "perp ORDER_BOOK",
                            "perp FUNDING_RATE", "perp OPEN_INTEREST", "perp KLINES");
            // And the calls spread over both routes, six domains at least, and both instances
            Set<String> domainsUsed = exchange.limitUsage().stream().filter(u -> u.charged() > 0)
                    .map(u -> u.venue() + " " + u.group() + " " + u.route())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(domainsUsed).as("limit groups used per route").hasSizeGreaterThanOrEqualTo(6);
            assertThat(exchange.limitUsage().stream().filter(u -> u.charged() > 0).map(LimitUsage::route)
                    .collect(Collectors.toSet())).containsExactlyInAnyOrderElementsOf(ROUTES);
            assertThat(ServiceScrape.of(a).sum("marketprism_calls_total", "")).as("calls by a").isPositive();
            assertThat(ServiceScrape.of(b).sum("marketprism_calls_total", "")).as("calls by b").isPositive();

            // When another client on route "second" breaks Binance spot's limit until the route is banned
            Instant banned = banRoute(exchange, "second");

            // Then tasks on the direct route are called and answered while the banned route gets no call
            ExchangeRoutes routes = a.config().routes();
            Map<String, List<String>> symbolsByRoute = symbolsByRoute(routes);
            List<byte[]> spot = new ArrayList<>();
            Set<String> direct = new TreeSet<>();
            for (int i = 0; i < 20; i++) {
                for (String route : ROUTES) {
                    String id = "after-ban-" + route + "-" + i;
                    if (route.equals("direct")) {
                        direct.add(id);
                    }
                    spot.add(AvroCodec.tasks().encode(spotTicker(id, symbolsByRoute.get(route).get(i))));
                }
            }
            Workloads.produce(bootstrap, a.config().topics().tasks(), spot, true);
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    TerminalRecords.of(KafkaChecks.readCommitted(bootstrap, a.config().topics().results()), List.of())
                            .succeeded().containsAll(direct));
            List<ServedRequest> onBannedRoute = exchange.requests().stream()
                    .filter(r -> r.exchange().equals("binance-spot") && r.endpoint().equals("second")
                            && r.time().isAfter(banned) && !r.healthCheck())
                    .toList();
            Instant firstBanAnswer = onBannedRoute.stream().filter(r -> r.status() == 418).map(ServedRequest::time)
                    .min(Instant::compareTo).orElse(banned);
            assertThat(onBannedRoute).as("calls on the banned route once the service learned of the ban")
                    .noneMatch(r -> r.time().isAfter(firstBanAnswer.plusSeconds(1)));
            IsolationChecks.assertThreadsAlive(a);
            IsolationChecks.assertThreadsAlive(b);
        }
    }

    private static ServiceConfig config(EmbeddedKafka kafka, SimulatedExchange exchange, Path stateDir) {
        Properties props = new Properties();
        props.putAll(SimulatedEndpoints.strict(exchange, ROUTES));
        props.put("http.port", "0");
        props.put("topic.partitions", "6");
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("application.id", "routes-it");
        props.put("state.dir", stateDir.toString());
        return ServiceConfig.fromProperties(props);
    }

    private static boolean running(MarketPrismService service) {
        return service.state().filter(s -> s == KafkaStreams.State.RUNNING).isPresent();
    }

    /** Heavy order books on {@code route} until the simulator answers 418; returns when it did. */
    private static Instant banRoute(SimulatedExchange exchange, String route) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI heavy = URI.create(exchange.strictBaseUrl("binance-spot", route)
                + "/api/v3/depth?symbol=BTCUSDT&limit=5000");
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(heavy).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 418) {
                return Instant.now();
            }
        }
        throw new AssertionError("the simulator did not ban route " + route + " after 200 heavy requests");
    }

    /** Twenty spot symbols that take each route. */
    private static Map<String, List<String>> symbolsByRoute(ExchangeRoutes routes) {
        Map<String, List<String>> byRoute = new HashMap<>();
        for (int i = 0; byRoute.values().stream().mapToInt(List::size).min().orElse(0) < 20 || byRoute.size() < 2;
             i++) {
            String symbol = "SYM" + i + "USDT";
            String route = routes.routeOf(spotTicker("probe", symbol)).name();
            byRoute.computeIfAbsent(route, r -> new ArrayList<>()).add(symbol);
        }
        return byRoute;
    }

    private static CollectorTask spotTicker(String id, String symbol) {
        return CollectorTask.newBuilder().setTaskId(id).setExchange("binance").setMarket("spot")
                .setDataType(DataType.TICKER).setSymbol(symbol).setCreatedAt(Instant.now())
                .setDeadline(Instant.now().plusSeconds(20)).build();
    }
}
