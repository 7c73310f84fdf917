package io.marketprism.reliability.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.WindowMeasure;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExchangeDefinitionsTest {

    private static final ExchangeDefinitions BUILT_IN = ExchangeDefinitions.builtIn();

    @TempDir
    Path dir;

    @Test
    void shouldLoadEveryShippedDefinitionWithItsHostSets() {
        assertThat(BUILT_IN.all()).containsOnlyKeys(ExchangeDefinitions.BUILT_IN);
        assertThat(BUILT_IN.get("binance").hostSets()).containsOnlyKeys("binance-spot", "binance-usdm",
                "binance-coinm");
        assertThat(BUILT_IN.get("okx").hostSets()).containsOnlyKeys("okx");
        assertThat(BUILT_IN.get("deribit").hostSets()).containsOnlyKeys("deribit");
        assertThat(BUILT_IN.get("bybit").hostSets()).containsOnlyKeys("bybit");
        assertThat(BUILT_IN.ofHostSet("binance-usdm")).map(ExchangeDefinition::name).hasValue("binance");
        assertThat(BUILT_IN.ofHostSet("binance")).isEmpty();
    }

    @Test
    void shouldGiveEveryShippedMarketAHostSetAndEveryRequestAGroupOfThatHostSet() {
        for (ExchangeDefinition definition : BUILT_IN.all().values()) {
            for (Market market : definition.markets().values()) {
                assertThat(definition.hostSets()).as(definition.name() + " " + market.name())
                        .containsKey(market.hostSet());
                market.requests().values().forEach(spec -> assertThat(definition.limitGroups().get(spec.limitGroup())
                        .hostSet()).as(definition.name() + " " + market.name() + " " + spec.dataType())
                        .isEqualTo(market.hostSet()));
            }
        }
    }

    @Test
    void shouldRefuseAnExchangeWithoutDefinitionNamingTheDefinedOnes() {
        assertThatThrownBy(() -> BUILT_IN.get("kraken"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no exchange definition 'kraken'; defined: [binance, bybit, deribit, okx]");
    }

    static Stream<Arguments> documentedRequests() {
        return Stream.of(
                Arguments.of("binance", "spot", "ORDER_BOOK", "BTCUSDT", Map.of(), "binance-spot", "spot",
                        "/api/v3/depth?symbol=BTCUSDT"),
                Arguments.of("binance", "spot", "KLINES", "BTCUSDT", Map.of(), "binance-spot", "spot",
                        "/api/v3/klines?interval=1m&symbol=BTCUSDT"),
                Arguments.of("binance", "perp", "FUNDING_RATE", "BTCUSDT", Map.of(), "binance-usdm", "usdm",
                        "/fapi/v1/premiumIndex?symbol=BTCUSDT"),
                Arguments.of("binance", "perp", "OPEN_INTEREST", "BTCUSDT", Map.of(), "binance-usdm", "usdm",
                        "/fapi/v1/openInterest?symbol=BTCUSDT"),
                Arguments.of("binance", "perp", "ORDER_BOOK", "BTCUSDT", Map.of("limit", "1000"), "binance-usdm",
                        "usdm", "/fapi/v1/depth?limit=1000&symbol=BTCUSDT"),
                Arguments.of("binance", "futures", "ORDER_BOOK", "BTCUSDT_260327", Map.of(), "binance-usdm", "usdm",
                        "/fapi/v1/depth?limit=500&symbol=BTCUSDT_260327"),
                Arguments.of("binance", "perp", "LONG_SHORT_RATIO", "BTCUSDT", Map.of(), "binance-usdm",
                        "usdm-futures-data", "/futures/data/globalLongShortAccountRatio?period=5m&symbol=BTCUSDT"),
                Arguments.of("binance", "coin-perp", "TRADES", "BTCUSD_PERP", Map.of(), "binance-coinm", "coinm",
                        "/dapi/v1/trades?symbol=BTCUSD_PERP"),
                Arguments.of("binance", "coin-perp", "LONG_SHORT_RATIO", "BTCUSD", Map.of(), "binance-coinm", "coinm",
                        "/futures/data/globalLongShortAccountRatio?pair=BTCUSD&period=5m"),
                Arguments.of("okx", "spot", "ORDER_BOOK", "BTC-USDT", Map.of("sz", "400"), "okx", "books",
                        "/api/v5/market/books?instId=BTC-USDT&sz=400"),
                Arguments.of("okx", "perp", "OPEN_INTEREST", "BTC-USDT-SWAP", Map.of(), "okx", "open-interest",
                        "/api/v5/public/open-interest?instId=BTC-USDT-SWAP&instType=SWAP"),
                Arguments.of("okx", "futures", "OPEN_INTEREST", "BTC-USD-260327", Map.of(), "okx", "open-interest",
                        "/api/v5/public/open-interest?instId=BTC-USD-260327&instType=FUTURES"),
                Arguments.of("okx", "perp", "FUNDING_RATE", "BTC-USDT-SWAP", Map.of(), "okx", "funding-rate",
                        "/api/v5/public/funding-rate?instId=BTC-USDT-SWAP"),
                Arguments.of("deribit", "perp", "FUNDING_RATE", "BTC-PERPETUAL", Map.of(), "deribit",
                        "non-matching-engine", "/api/v2/public/ticker?instrument_name=BTC-PERPETUAL"),
                Arguments.of("deribit", "perp", "KLINES", "BTC-PERPETUAL",
                        Map.of("start_timestamp", "1700000000000", "end_timestamp", "1700000060000"), "deribit",
                        "non-matching-engine", "/api/v2/public/get_tradingview_chart_data?end_timestamp=1700000060000"
                                + "&instrument_name=BTC-PERPETUAL&resolution=1&start_timestamp=1700000000000"),
                Arguments.of("bybit", "spot", "ORDER_BOOK", "BTCUSDT", Map.of(), "bybit", "ip",
                        "/v5/market/orderbook?category=spot&symbol=BTCUSDT"),
                Arguments.of("bybit", "perp", "OPEN_INTEREST", "BTCUSDT", Map.of(), "bybit", "ip",
                        "/v5/market/open-interest?category=linear&intervalTime=5min&symbol=BTCUSDT"),
                Arguments.of("bybit", "perp", "FUNDING_RATE", "BTCUSDT", Map.of("category", "linear"), "bybit", "ip",
                        "/v5/market/tickers?category=linear&symbol=BTCUSDT"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {5} {7}")
    @MethodSource("documentedRequests")
    void shouldBuildTheDocumentedRequest(String exchange, String market, String dataType, String symbol,
                                         Map<String, String> params, String hostSet, String limitGroup,
                                         String pathAndQuery) {
        ExchangeRequest request = BUILT_IN.get(exchange).request(market, dataType, symbol, params);

        assertThat(request.hostSet()).isEqualTo(hostSet);
        assertThat(request.limitGroup()).isEqualTo(limitGroup);
        assertThat(request.pathAndQuery()).isEqualTo(pathAndQuery);
    }

    @Test
    void shouldEncodeTheQuery() {
        ExchangeRequest request = BUILT_IN.get("binance").request("spot", "TICKER", "BTCUSDT",
                Map.of("type", "FULL MINI&x"));

        assertThat(request.pathAndQuery()).isEqualTo("/api/v3/ticker/24hr?symbol=BTCUSDT&type=FULL+MINI%26x");
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("bybit", "spot", "ORDER_BOOK", "BTCUSDT", Map.of("category", "linear"),
                        "bybit spot ORDER_BOOK: parameter category is spot in this market, the task gave linear"),
                Arguments.of("okx", "perp", "OPEN_INTEREST", "BTC-USDT-SWAP", Map.of("instType", "OPTION"),
                        "okx perp OPEN_INTEREST: parameter instType is SWAP in this market, the task gave OPTION"),
                Arguments.of("deribit", "perp", "KLINES", "BTC-PERPETUAL", Map.of("end_timestamp", "1700000060000"),
                        "deribit perp KLINES needs parameter 'start_timestamp'"),
                Arguments.of("binance", "margin", "TRADES", "BTCUSDT", Map.of(),
                        "binance has no market 'margin'; markets: [spot, perp, futures, coin-perp, coin-futures]"),
                Arguments.of("binance", "spot", "FUNDING_RATE", "BTCUSDT", Map.of(),
                        "binance spot has no FUNDING_RATE; data types: [KLINES, ORDER_BOOK, TICKER, TRADES]"),
                Arguments.of("deribit", "futures", "FUNDING_RATE", "BTC-27MAR26", Map.of(),
                        "deribit futures has no FUNDING_RATE; data types: [KLINES, OPEN_INTEREST, ORDER_BOOK,"
                                + " TICKER, TRADES]"),
                Arguments.of("okx", "spot", "TRADES", " ", Map.of(),
                        "okx spot TRADES needs a symbol (sent as instId)"));
    }

    @ParameterizedTest(name = "{0} {1} {2} {4}")
    @MethodSource("badRequests")
    void shouldRefuseARequestTheDefinitionCannotBuildSayingWhy(String exchange, String market, String dataType,
                                                               String symbol, Map<String, String> params,
                                                               String message) {
        assertThatThrownBy(() -> BUILT_IN.get(exchange).request(market, dataType, symbol, params))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void shouldLetAUserFileChangeOneLimitKeepingTheRest() throws IOException {
        Path file = write("limits.json", """
                {"exchange": "binance",
                 "limitGroups": {"usdm": {"rules": [
                     {"measure": "weight", "limit": 1200, "window": "1m", "clock": "fixed"}]}}}
                """);

        ExchangeDefinition binance = ExchangeDefinitions.load(List.of(file)).get("binance");

        assertThat(binance.limitGroups().get("usdm").rules()).singleElement()
                .satisfies(rule -> assertThat(rule.limit()).isEqualTo(1200));
        assertThat(binance.limitGroups().get("usdm").usedWeightHeader()).isEqualTo("X-MBX-USED-WEIGHT-1M");
        assertThat(binance.limitGroups().get("spot").rules()).extracting(LimitRule::limit)
                .containsExactly(6000L, 300_000L);
        assertThat(binance.markets()).isEqualTo(BUILT_IN.get("binance").markets());
    }

    @Test
    void shouldLetAUserFilePointAHostSetAtAnotherUrl() throws IOException {
        Path file = write("mock.json", """
                {"exchange": "binance",
                 "hostSets": {"binance-usdm": {"endpoints": {"fapi": "http://localhost:18080/usdm/"}}}}
                """);

        HostSet usdm = ExchangeDefinitions.load(List.of(file)).get("binance").hostSets().get("binance-usdm");

        assertThat(usdm.endpoints()).containsExactly(Map.entry("fapi", URI.create("http://localhost:18080/usdm")));
        assertThat(usdm.healthPath()).isEqualTo("/fapi/v1/ping");
    }

    @Test
    void shouldLetANullInAUserFileRemoveAKey() throws IOException {
        Path file = write("trim.json", """
                {"exchange": "okx", "markets": {"futures": null}}
                """);
        Path header = write("header.json", """
                {"exchange": "binance", "limitGroups": {"spot": {"usedWeightHeader": null}}}
                """);

        ExchangeDefinitions loaded = ExchangeDefinitions.load(List.of(file, header));

        assertThat(loaded.get("okx").markets()).containsOnlyKeys("spot", "perp");
        assertThat(loaded.get("binance").limitGroups().get("spot").usedWeightHeader()).isNull();
        assertThat(loaded.get("binance").limitGroups().get("usdm").usedWeightHeader())
                .isEqualTo("X-MBX-USED-WEIGHT-1M");
    }

    @Test
    void shouldApplyUserFilesInOrder() throws IOException {
        Path first = write("first.json", """
                {"exchange": "bybit", "limitGroups": {"ip": {"rules": [
                    {"measure": "requests", "limit": 100, "window": "5s", "clock": "rolling"}]}}}
                """);
        Path second = write("second.json", """
                {"exchange": "bybit", "limitGroups": {"ip": {"rules": [
                    {"measure": "requests", "limit": 50, "window": "5s", "clock": "rolling"}]}}}
                """);

        assertThat(ExchangeDefinitions.load(List.of(first, second)).get("bybit").limitGroups().get("ip").rules())
                .extracting(LimitRule::limit).containsExactly(50L);
    }

    @Test
    void shouldAddANewExchangeFromAUserFileAlone() throws IOException {
        Path file = write("kraken.json", """
                {"exchange": "kraken",
                 "hostSets": {"kraken": {"endpoints": {"api": "https://api.kraken.com"}, "health": "/0/public/Time"}},
                 "limitGroups": {"ip": {"hostSet": "kraken", "rules": [
                     {"measure": "requests", "limit": 1, "window": "1s", "clock": "rolling"}]}},
                 "markets": {"spot": {"hostSet": "kraken", "symbolParam": "pair", "limitGroup": "ip",
                     "requests": {"ORDER_BOOK": {"path": "/0/public/Depth", "defaults": {"count": "100"}}}}},
                 "errors": {"codeField": "/error"}}
                """);

        ExchangeDefinitions loaded = ExchangeDefinitions.load(List.of(file));
        ReliabilityConfig config = ReliabilityConfig.fromMap(loaded, Map.of("exchange.kraken.retry.max.attempts",
                "2"));

        assertThat(loaded.all()).containsKeys("binance", "kraken");
        assertThat(loaded.get("kraken").request("spot", "ORDER_BOOK", "XBTUSD", Map.of()).pathAndQuery())
                .isEqualTo("/0/public/Depth?count=100&pair=XBTUSD");
        assertThat(config.exchangeNames()).contains("kraken", "binance-spot");
        assertThat(config.exchange("kraken").retry().maxAttempts()).isEqualTo(2);
        assertThat(config.exchange("kraken").limitGroups().get("ip").rules()).singleElement()
                .satisfies(rule -> assertThat(rule.measure()).isEqualTo(WindowMeasure.REQUESTS));
    }

    @Test
    void shouldRefuseAHostSetNameTwoDefinitionsUse() throws IOException {
        Path file = write("copy.json", """
                {"exchange": "okx2",
                 "hostSets": {"okx": {"endpoints": {"www": "https://www.okx.com"}, "health": "/api/v5/public/time"}},
                 "limitGroups": {"ip": {"hostSet": "okx", "rules": [
                     {"measure": "requests", "limit": 1, "window": "1s", "clock": "rolling"}]}},
                 "markets": {"spot": {"hostSet": "okx", "symbolParam": "instId", "limitGroup": "ip",
                     "requests": {"TRADES": {"path": "/api/v5/market/trades"}}}},
                 "errors": {"codeField": "/code"}}
                """);

        assertThatThrownBy(() -> ExchangeDefinitions.load(List.of(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host set 'okx' is defined by both okx and okx2: host set names must be unique");
    }

    @Test
    void shouldNameTheFilesOfADefinitionThatIsBadAfterMerging() throws IOException {
        Path file = write("zero.json", """
                {"exchange": "binance", "limitGroups": {"usdm": {"rules": [
                    {"measure": "weight", "limit": 0, "window": "1m", "clock": "fixed"}]}}}
                """);

        assertThatThrownBy(() -> ExchangeDefinitions.load(List.of(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("built-in binance.json + " + file + ": limitGroups.usdm.rules[0].limit = 0: a whole number"
                        + " from 1 to 10^12");
    }

    @Test
    void shouldRefuseAUserFileThatIsNotADefinitionNamingTheFile() throws IOException {
        Path notJson = write("broken.json", "{\"exchange\": \"okx\",\n \"markets\": {\n");
        Path duplicate = write("twice.json", "{\"exchange\": \"okx\", \"exchange\": \"bybit\"}");
        Path nameless = write("nameless.json", "{\"markets\": {}}");
        Path array = write("array.json", "[]");
        Path missing = dir.resolve("missing.json");

        assertThatThrownBy(() -> ExchangeDefinitions.load(List.of(notJson)))
                .hasMessageStartingWith(notJson + ": not valid JSON: ").hasMessageContaining("at line 3");
        assertThatThrownBy(() -> ExchangeDefinitions.load(List.of(duplicate)))
                .hasMessageStartingWith(duplicate + ": not valid JSON: Duplicate field 'exchange'");
        assertThatThrownBy(() -> ExchangeDefinitions.load(List.of(nameless)))
                .hasMessage(nameless + ": exchange: required, the name of the exchange it defines or changes"
                        + " (shipped: [binance, bybit, deribit, okx])");
        assertThatThrownBy(() -> ExchangeDefinitions.load(List.of(array)))
                .hasMessage(array + ": must hold one JSON object");
        assertThatThrownBy(() -> ExchangeDefinitions.load(List.of(missing)))
                .hasMessageStartingWith(missing + ": cannot be read: java.nio.file.NoSuchFileException");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void shouldChargeTheShippedHealthRequestsToTheGroupsTheExchangesCountThemIn() {
        ReliabilityConfig shipped = ReliabilityConfig.ofDefaults();

        for (String hostSet : List.of("binance-spot", "binance-usdm", "binance-coinm", "deribit", "bybit")) {
            assertThat(shipped.exchange(hostSet).healthGroup()).as(hostSet).isNotNull();
            assertThat(shipped.exchange(hostSet).healthWeight()).as(hostSet).isEqualTo(1);
        }
        assertThat(shipped.exchange("binance-spot").healthGroup()).isEqualTo("spot");
        assertThat(shipped.exchange("okx").healthGroup()).as("public/time has a limit of its own").isNull();
    }
}
