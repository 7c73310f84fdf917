package io.marketprism.topology.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.state.DomainId;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.config.ServiceConfig;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where tasks go by the shipped exchange definitions: request, host set and limit domain per exchange, market and
 * data type; the tasks that do not resolve and why; how symbols spread over egress routes; URLs per route.
 */
class ExchangeRoutesTest {

    private static final ExchangeRoutes DIRECT = ServiceConfig.ofDefaults().routes();
    private static final ServiceConfig TWO_ROUTES = ServiceConfig.builder()
            .exchanges(List.of("binance"))
            .routes(List.of("direct", "proxy-a"))
            .routeProxy("proxy-a", "http://10.0.0.7:3128")
            .routeEndpoints("binance-spot", "proxy-a", "api=http://127.0.0.1:9101")
            .build();

    private static CollectorTask task(String exchange, String market, String dataType, String symbol,
                                      Map<String, String> params) {
        return CollectorTask.newBuilder().setTaskId("t").setExchange(exchange).setMarket(market)
                .setDataType(DataType.valueOf(dataType)).setSymbol(symbol).setParams(params)
                .setCreatedAt(Instant.EPOCH).build();
    }

    private static CollectorTask task(String exchange, String market, String dataType, String symbol) {
        return task(exchange, market, dataType, symbol, Map.of());
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {4}{5}")
    @CsvSource(delimiter = '|', textBlock = """
        binance | spot      | ORDER_BOOK       | BTCUSDT        | binance-spot  | /api/v3/depth?limit=100&symbol=BTCUSDT                                    | binance.spot.direct
        binance | spot      | TICKER           | BTCUSDT        | binance-spot  | /api/v3/ticker/24hr?symbol=BTCUSDT                                        | binance.spot.direct
        binance | perp      | FUNDING_RATE     | BTCUSDT        | binance-usdm  | /fapi/v1/premiumIndex?symbol=BTCUSDT                                      | binance.usdm.direct
        binance | perp      | ORDER_BOOK       | BTCUSDT        | binance-usdm  | /fapi/v1/depth?limit=100&symbol=BTCUSDT                                   | binance.usdm.direct
        binance | futures   | OPEN_INTEREST    | BTCUSDT_260327 | binance-usdm  | /fapi/v1/openInterest?symbol=BTCUSDT_260327                               | binance.usdm.direct
        binance | perp      | LONG_SHORT_RATIO | BTCUSDT        | binance-usdm  | /futures/data/globalLongShortAccountRatio?period=5m&symbol=BTCUSDT        | binance.usdm-futures-data.direct
        binance | coin-perp | FUNDING_RATE     | BTCUSD_PERP    | binance-coinm | /dapi/v1/premiumIndex?symbol=BTCUSD_PERP                                  | binance.coinm.direct
        okx     | spot      | ORDER_BOOK       | BTC-USDT       | okx           | /api/v5/market/books?instId=BTC-USDT                                      | okx.books.direct
        okx     | spot      | TRADES           | BTC-USDT       | okx           | /api/v5/market/trades?instId=BTC-USDT                                     | okx.trades.direct
        okx     | perp      | OPEN_INTEREST    | BTC-USDT-SWAP  | okx           | /api/v5/public/open-interest?instId=BTC-USDT-SWAP&instType=SWAP           | okx.open-interest.direct/BTC-USDT-SWAP
        okx     | futures   | OPEN_INTEREST    | BTC-USD-260327 | okx           | /api/v5/public/open-interest?instId=BTC-USD-260327&instType=FUTURES       | okx.open-interest.direct/BTC-USD-260327
        okx     | perp      | FUNDING_RATE     | BTC-USDT-SWAP  | okx           | /api/v5/public/funding-rate?instId=BTC-USDT-SWAP                          | okx.funding-rate.direct/BTC-USDT-SWAP
        deribit | perp      | FUNDING_RATE     | BTC-PERPETUAL  | deribit       | /api/v2/public/ticker?instrument_name=BTC-PERPETUAL                       | deribit.non-matching-engine.direct
        bybit   | perp      | OPEN_INTEREST    | BTCUSDT        | bybit         | /v5/market/open-interest?category=linear&intervalTime=5min&symbol=BTCUSDT | bybit.ip.direct
        bybit   | spot      | KLINES           | BTCUSDT        | bybit         | /v5/market/kline?category=spot&interval=1&symbol=BTCUSDT                  | bybit.ip.direct
        """)
    void shouldResolveTheRequestHostSetAndDomainOfEachExchangeMarketAndDataType(
            String exchange, String market, String dataType, String symbol, String hostSet, String pathAndQuery,
            String domain) {
        Map<String, String> params = dataType.equals("ORDER_BOOK") && !exchange.equals("okx")
                ? Map.of("limit", "100") : Map.of();

        ExchangeRoutes.Resolved resolved = DIRECT.resolve(task(exchange, market, dataType, symbol, params));

        assertThat(resolved.hostSet()).isEqualTo(hostSet);
        assertThat(resolved.request().pathAndQuery()).isEqualTo(pathAndQuery);
        assertThat(resolved.route()).isEqualTo("direct");
        assertThat(resolved.domain()).isEqualTo(domain);
        assertThat(DIRECT.domainOf(task(exchange, market, dataType, symbol, params))).isEqualTo(domain);
        assertThat(DIRECT.groupDomainOf(task(exchange, market, dataType, symbol, params)))
                .isEqualTo(new DomainId(domain).groupDomain().name());
        assertThat(DIRECT.hostSetOf(task(exchange, market, dataType, symbol, params))).isEqualTo(hostSet);
    }

    @Test
    void shouldFillInDefaultsAndKeepTheTasksOwnParameters() {
        assertThat(DIRECT.resolve(task("binance", "perp", "ORDER_BOOK", "BTCUSDT")).request().query())
                .containsEntry("limit", "500");
        assertThat(DIRECT.resolve(task("binance", "spot", "KLINES", "BTCUSDT", Map.of("interval", "1h")))
                .request().pathAndQuery()).isEqualTo("/api/v3/klines?interval=1h&symbol=BTCUSDT");
    }

    @ParameterizedTest(name = "{0} {1} {2}: {4}")
    @CsvSource(delimiter = '|', textBlock = """
        binance | spot    | FUNDING_RATE  | BTCUSDT       | binance spot has no FUNDING_RATE; data types: [KLINES, ORDER_BOOK, TICKER, TRADES]
        binance | spot    | OPEN_INTEREST | BTCUSDT       | binance spot has no OPEN_INTEREST
        okx     | margin  | TICKER        | BTC-USDT      | okx has no market 'margin'; markets: [spot, perp, futures]
        deribit | spot    | FUNDING_RATE  | BTC_USDC      | deribit spot has no FUNDING_RATE
        deribit | futures | FUNDING_RATE  | BTC-27MAR26   | deribit futures has no FUNDING_RATE
        deribit | perp    | KLINES        | BTC-PERPETUAL | deribit perp KLINES needs parameter 'start_timestamp'
        kraken  | spot    | TICKER        | XBTUSD        | unknown exchange 'kraken'; served: [binance, bybit, deribit, okx]
        """)
    void shouldRefuseATaskItsDefinitionCannotRequestSayingWhatIsAllowed(String exchange, String market,
                                                                       String dataType, String symbol, String why) {
        CollectorTask task = task(exchange, market, dataType, symbol);

        assertThatThrownBy(() -> DIRECT.resolve(task)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why);
        assertThat(DIRECT.hostSetOf(task)).isNull();
    }

    @Test
    void shouldRefuseAFixedParameterGivenAnotherValueAndAnExchangeThatIsNotServed() {
        assertThatThrownBy(() -> DIRECT.resolve(task("okx", "perp", "OPEN_INTEREST", "BTC-USDT-SWAP",
                Map.of("instType", "FUTURES"))))
                .hasMessageContaining("parameter instType is SWAP in this market, the task gave FUTURES");
        assertThatThrownBy(() -> TWO_ROUTES.routes().resolve(task("okx", "spot", "TICKER", "BTC-USDT")))
                .hasMessageContaining("unknown exchange 'okx'; served: [binance]");
    }

    @Test
    void shouldPutATaskThatNoLongerResolvesInAnUnroutableDomainOfItsExchangeAndRoute() {
        assertThat(DIRECT.domainOf(task("binance", "spot", "FUNDING_RATE", "BTCUSDT")))
                .isEqualTo("binance.unroutable.direct");
        assertThat(DIRECT.domains()).extracting(ExchangeRoutes.Domain::name)
                .as("no host set budgets it").doesNotContain("binance.unroutable.direct");
    }

    @Test
    void shouldListEveryLimitGroupOnEveryRouteAsADomainOfItsHostSet() {
        assertThat(TWO_ROUTES.routes().domains())
                .extracting(d -> d.hostSet() + " " + d.name() + " " + d.group().name())
                .containsExactlyInAnyOrder(
                        "binance-spot binance.spot.direct spot", "binance-spot binance.spot.proxy-a spot",
                        "binance-usdm binance.usdm.direct usdm", "binance-usdm binance.usdm.proxy-a usdm",
                        "binance-usdm binance.usdm-futures-data.direct usdm-futures-data",
                        "binance-usdm binance.usdm-futures-data.proxy-a usdm-futures-data",
                        "binance-coinm binance.coinm.direct coinm", "binance-coinm binance.coinm.proxy-a coinm");
        assertThat(DIRECT.domains()).hasSize(4 + 7 + 1 + 1);
    }

    /**
     * The deciding key: the host set alone on the first route, so that producers keying by host set still find a
     * one-route service's deciding partition, and host set and route on any other, which decides it apart.
     */
    @Test
    void shouldKeyATaskByItsHostSetOnTheFirstRouteAndByHostSetAndRouteOnAnother() {
        ExchangeRoutes routes = TWO_ROUTES.routes();
        CollectorTask onDirect = taskOnRoute(routes, "direct");
        CollectorTask onProxy = taskOnRoute(routes, "proxy-a");

        assertThat(routes.partitionKeyOf(onDirect)).isEqualTo("binance-spot");
        assertThat(routes.partitionKeyOf(onProxy)).isEqualTo("binance-spot@proxy-a");
        assertThat(routes.partitionKeyOf(task("binance", "spot", "FUNDING_RATE", "BTCUSDT")))
                .as("a task that does not resolve goes where its exchange's name is decided").isEqualTo("binance");
        assertThat(routes.decidingKeysOf("binance-usdm")).containsExactly("binance-usdm", "binance-usdm@proxy-a");
        assertThat(routes.decidingKeyOfDomain("binance.usdm-futures-data.proxy-a")).isEqualTo("binance-usdm@proxy-a");
        assertThat(routes.decidingKeyOfDomain("binance.spot.direct")).isEqualTo("binance-spot");
        assertThat(routes.decidingKeyOfDomain("okx.trades.direct")).isNull();
    }

    @Test
    void shouldBuildTheUrlFromTheRoutesBaseUrlOfTheEndpoint() {
        ExchangeRoutes routes = TWO_ROUTES.routes();
        Endpoint api = endpoint(TWO_ROUTES, "binance-spot", "api");
        Endpoint api1 = endpoint(TWO_ROUTES, "binance-spot", "api1");
        CollectorTask direct = taskOnRoute(routes, "direct");
        CollectorTask proxied = taskOnRoute(routes, "proxy-a");

        assertThat(routes.urlOf(routes.resolve(direct), api)).isEqualTo(
                URI.create("https://api.binance.com/api/v3/ticker/24hr?symbol=" + direct.getSymbol()));
        assertThat(routes.urlOf(routes.resolve(proxied), api)).isEqualTo(
                URI.create("http://127.0.0.1:9101/api/v3/ticker/24hr?symbol=" + proxied.getSymbol()));
        assertThat(routes.urlOf(routes.resolve(proxied), api1)).as("an endpoint the route does not list keeps its own URL")
                .isEqualTo(URI.create("https://api1.binance.com/api/v3/ticker/24hr?symbol=" + proxied.getSymbol()));
        assertThat(routes.routeOf(proxied).proxyUrl()).hasValue(URI.create("http://10.0.0.7:3128"));
        assertThat(routes.resolve(proxied).domain()).isEqualTo("binance.spot.proxy-a");
    }

    @Test
    void shouldCheckHealthOnTheHostSetsPathAndReadItsWeightHeaderAndErrorCodes() {
        ServiceConfig config = ServiceConfig.ofDefaults();

        assertThat(DIRECT.healthUrlOf(endpoint(config, "binance-usdm", "fapi"), "direct"))
                .isEqualTo(URI.create("https://fapi.binance.com/fapi/v1/ping"));
        assertThat(DIRECT.healthUrlOf(endpoint(config, "okx", "www"), "direct"))
                .isEqualTo(URI.create("https://www.okx.com/api/v5/public/time"));
        assertThat(TWO_ROUTES.routes().healthUrlOf(endpoint(TWO_ROUTES, "binance-spot", "api"), "proxy-a"))
                .isEqualTo(URI.create("http://127.0.0.1:9101/api/v3/ping"));
        assertThat(DIRECT.resolve(task("binance", "perp", "TICKER", "BTCUSDT")).usedWeightHeader())
                .isEqualTo("X-MBX-USED-WEIGHT-1M");
        assertThat(DIRECT.resolve(task("okx", "spot", "TICKER", "BTC-USDT")).usedWeightHeader()).isNull();
        assertThat(DIRECT.errorsOf("okx").errorCode(200, "{\"code\":\"50011\",\"msg\":\"Too Many Requests\"}"))
                .isEqualTo("50011");
        assertThat(DIRECT.errorsOf("deribit").errorCode(400, "{\"error\":{\"code\":10028}}")).isEqualTo("10028");
        assertThatThrownBy(() -> TWO_ROUTES.routes().errorsOf("okx")).hasMessageContaining("not served");
    }

    @Property(tries = 300)
    void aSymbolAlwaysTakesTheSameRoute(@ForAll("symbols") String symbol, @ForAll @IntRange(min = 1, max = 8) int n) {
        ExchangeRoutes once = ONE_INSTANCE.computeIfAbsent(n, ExchangeRoutesTest::okxWithRoutes);
        ExchangeRoutes again = ANOTHER_INSTANCE.computeIfAbsent(n, ExchangeRoutesTest::okxWithRoutes);
        CollectorTask trades = task("okx", "spot", "TRADES", symbol);
        CollectorTask books = task("okx", "perp", "ORDER_BOOK", symbol);

        String route = once.routeOf(trades).name();
        assertThat(once.routeOf(trades).name()).isEqualTo(route);
        assertThat(again.routeOf(trades).name()).as("another instance with the same routes").isEqualTo(route);
        assertThat(once.routeOf(books).name()).as("another data type and market of the symbol").isEqualTo(route);
        assertThat(once.resolve(trades).domain()).isEqualTo("okx.trades." + route);
    }

    @Property(tries = 20)
    void twoRoutesShareAThousandSymbolsEvenly(@ForAll("thousandSymbols") Set<String> symbols) {
        ExchangeRoutes routes = TWO_ROUTES.routes();
        Map<String, Integer> perRoute = new HashMap<>();
        for (String symbol : symbols) {
            perRoute.merge(routes.routeOf(task("binance", "spot", "TICKER", symbol)).name(), 1, Integer::sum);
        }

        assertThat(perRoute.keySet()).containsExactlyInAnyOrder("direct", "proxy-a");
        assertThat(perRoute.values()).allSatisfy(count -> assertThat(count).isBetween(400, 600));
    }

    /** Routes of two service instances configured alike, by number of routes. */
    private static final Map<Integer, ExchangeRoutes> ONE_INSTANCE = new HashMap<>();
    private static final Map<Integer, ExchangeRoutes> ANOTHER_INSTANCE = new HashMap<>();

    private static ExchangeRoutes okxWithRoutes(int n) {
        List<String> names = IntStream.range(0, n).mapToObj(i -> "r" + i).toList();
        return ServiceConfig.builder().exchanges(List.of("okx")).routes(names).build().routes();
    }

    @Provide
    Arbitrary<String> symbols() {
        return Arbitraries.strings().withCharRange('A', 'Z').withChars('-', '_').ofMinLength(1).ofMaxLength(20);
    }

    /** A thousand distinct instrument names shaped like the exchanges': a base, a separator or none, a quote. */
    @Provide
    Arbitrary<Set<String>> thousandSymbols() {
        Arbitrary<String> base = Arbitraries.strings().withCharRange('A', 'Z').withCharRange('0', '9')
                .ofMinLength(2).ofMaxLength(8);
        Arbitrary<String> separator = Arbitraries.of("", "-", "_");
        Arbitrary<String> quote = Arbitraries.of("USDT", "USDC", "BTC", "USD", "USDT-SWAP", "PERP");
        return Combinators.combine(base, separator, quote).as((b, s, q) -> b + s + q)
                .set().ofSize(1_000);
    }

    private static CollectorTask taskOnRoute(ExchangeRoutes routes, String route) {
        for (int i = 0; ; i++) {
            CollectorTask task = task("binance", "spot", "TICKER", "SYM" + i + "USDT");
            if (routes.routeOf(task).name().equals(route)) {
                return task;
            }
        }
    }

    private static Endpoint endpoint(ServiceConfig config, String hostSet, String name) {
        return config.endpointsByExchange().get(hostSet).stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow();
    }
}
