package io.marketprism.ops.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.ops.exchange.ServedRequest.Delivery;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimulatedExchangeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final List<SimulatedExchange> started = new ArrayList<>();

    @AfterEach
    void closeExchanges() {
        started.forEach(SimulatedExchange::close);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "binance, ORDER_BOOK,    /bids/4/1",
            "binance, TRADES,        /2/price",
            "binance, TICKER,        /lastPrice",
            "binance, FUNDING_RATE,  /lastFundingRate",
            "binance, OPEN_INTEREST, /openInterest",
            "binance, KLINES,        /0/4",
            "binance, LONG_SHORT_RATIO, /0/longShortRatio",
            "okx,     ORDER_BOOK,    /data/0/asks/0/1",
            "okx,     TRADES,        /data/2/px",
            "okx,     TICKER,        /data/0/last",
            "okx,     FUNDING_RATE,  /data/0/fundingRate",
            "okx,     OPEN_INTEREST, /data/0/oi",
            "okx,     KLINES,        /data/0/4",
            "okx,     LONG_SHORT_RATIO, /data/0/1",
            "deribit, ORDER_BOOK,    /result/bids/0/0",
            "deribit, TRADES,        /result/trades/0/price",
            "deribit, TICKER,        /result/last_price",
            "deribit, FUNDING_RATE,  /result",
            "deribit, OPEN_INTEREST, /result/0/open_interest",
            "deribit, KLINES,        /result/close/0"})
    void shouldAnswerEveryExchangeAndDataTypeWithTheExchangesShape(String exchange, MarketData data, String field)
            throws Exception {
        SimulatedExchange simulated = start(lenient());
        Dialect dialect = ExchangeSimulation.DIALECTS.get(exchange);

        for (String endpoint : dialect.endpoints()) {
            HttpResponse<String> response = get(simulated.baseUrl(exchange, endpoint)
                    + dialect.pathOf(data).orElseThrow()
                    + "?" + dialect.symbolParameter() + "=BTCUSDT&limit=100&extra=ignored");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.at(field).isMissingNode()).as("%s in %s", field, response.body()).isFalse();
            switch (exchange) {
                case "okx" -> assertThat(body.path("code").asText()).isEqualTo("0");
                case "deribit" -> assertThat(body.path("jsonrpc").asText()).isEqualTo("2.0");
                default -> assertThat(body.has("code")).isFalse();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "binance, /api/v3/ping,        '',              ''",
            "okx,     /api/v5/public/time, /data/0/ts,      1893456000000",
            "deribit, /api/v2/public/test, /result/version, 1.2.26"})
    void shouldAnswerEachExchangesHealthCheckAndRecordItAsOne(String exchange, String path, String field,
                                                               String value) throws Exception {
        SimulatedExchange simulated = start(lenient().clock(new MutableClock(START)));
        String endpoint = ExchangeSimulation.DIALECTS.get(exchange).endpoints().get(1);

        HttpResponse<String> response = get(simulated.baseUrl(exchange, endpoint) + path);
        Dialect dialect = ExchangeSimulation.DIALECTS.get(exchange);
        String tickerPath = dialect.pathOf(MarketData.TICKER).orElseThrow();
        get(simulated.baseUrl(exchange, endpoint) + tickerPath + "?" + dialect.symbolParameter() + "=X");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at(field).asText()).isEqualTo(value);
        assertThat(simulated.requests()).extracting(ServedRequest::path, ServedRequest::healthCheck)
                .containsExactly(tuple(path, true),
                        tuple(tickerPath, false));
    }

    @Test
    void shouldApplyFaultsBansAndWeightToHealthChecksLikeToMarketData() throws Exception {
        SimulatedExchange simulated = start(lenient().clock(new MutableClock(START)));
        simulated.setFaults("binance", "api2", FaultProfile.builder().errorRate(1.0).build());
        simulated.setFaults("okx", "www", FaultProfile.builder().rateLimitRate(1.0).retryAfterSeconds(1)
                .banAfter429s(2).banDuration(Duration.ofSeconds(30)).build());

        HttpResponse<String> failing = get(simulated.baseUrl("binance", "api2") + "/api/v3/ping");
        HttpResponse<String> weighed = get(simulated.baseUrl("binance", "api3") + "/api/v3/ping");
        List<Integer> okxStatuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            okxStatuses.add(get(simulated.baseUrl("okx", "www") + "/api/v5/public/time").statusCode());
        }

        assertThat(failing.statusCode()).isBetween(500, 503);
        assertThat(weighed.headers().firstValue(BinanceDialect.WEIGHT_HEADER)).hasValue("2");
        assertThat(okxStatuses).containsExactly(429, 429, 418);
        assertThat(simulated.requests()).allMatch(ServedRequest::healthCheck);
        assertThat(get(simulated.baseUrl("okx", "www") + "/api/v5/public/time?x=1").statusCode())
                .as("still banned").isEqualTo(418);
        assertThat(send("POST", simulated.baseUrl("okx", "aws") + "/api/v5/public/time", "").statusCode())
                .isEqualTo(405);
    }

    @Test
    void shouldServeTheOversizedDataWithAPaddedBodyOfExactlyTheSizeAndOtherDataAsUsual() throws Exception {
        SimulatedExchange simulated = start(lenient()
                .faults(FaultProfile.builder().oversizedBody(MarketData.ORDER_BOOK, 3_000_000).build()));

        HttpResponse<String> book = get(simulated.baseUrl("okx", "www") + "/api/v5/market/books?instId=BTC-USDT");
        HttpResponse<String> ticker = get(simulated.baseUrl("okx", "www") + "/api/v5/market/ticker?instId=BTC-USDT");

        assertThat(book.statusCode()).isEqualTo(200);
        assertThat(book.headers().firstValueAsLong("content-length")).hasValue(3_000_000);
        assertThat(book.body()).hasSize(3_000_000);
        assertThat(JSON.readTree(book.body()).at("/data/0/asks/0/1").isTextual()).isTrue();
        assertThat(ticker.body().length()).isLessThan(1_000);
    }

    @Test
    void shouldShapeABinanceOrderBookAsLastUpdateIdWithStringPairs() throws Exception {
        SimulatedExchange simulated = start(lenient());

        JsonNode book = JSON.readTree(get(simulated.baseUrl("binance", "api")
                + "/api/v3/depth?symbol=BTCUSDT&limit=5").body());

        assertThat(book.path("lastUpdateId").isIntegralNumber()).isTrue();
        assertThat(book.path("bids").size()).isEqualTo(MarketSnapshot.BOOK_LEVELS);
        assertThat(book.path("asks").get(0).get(0).isTextual()).isTrue();
        assertThat(book.path("asks").get(0).size()).isEqualTo(2);
        assertThat(new BigDecimal(book.path("bids").get(0).get(0).asText()))
                .isLessThan(new BigDecimal(book.path("asks").get(0).get(0).asText()));
    }

    @Test
    void shouldAnswerTheSameBodiesForTheSameRequestsSeedAndClock() throws Exception {
        SimulatedExchange first = start(lenient().clock(new MutableClock(START)));
        SimulatedExchange second = start(lenient().clock(new MutableClock(START)));
        String path = "/okx/www/api/v5/market/books?instId=ETH-USDT";

        String firstBody = get("http://127.0.0.1:" + first.port() + path).body();
        String secondBody = get("http://127.0.0.1:" + second.port() + path).body();

        assertThat(firstBody).isEqualTo(secondBody).contains("\"ts\":\"" + START.toEpochMilli() + "\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "binance, /api/v3/depth?symbol=INVALIDXYZ,                            /code,       -1121",
            "binance, /fapi/v1/openInterest,                                      /code,       -1121",
            "okx,     /api/v5/market/ticker?instId=INVALID-USDT,                  /code,       51001",
            "deribit, /api/v2/public/get_order_book?instrument_name=INVALID-PERP, /error/code, -32602"})
    void shouldAnswerAnInvalidOrMissingSymbolWithTheExchangesError(String exchange, String pathAndQuery,
                                                                   String codeField, String code) throws Exception {
        SimulatedExchange simulated = start(lenient());
        String endpoint = ExchangeSimulation.DIALECTS.get(exchange).endpoints().get(0);

        HttpResponse<String> response = get(simulated.baseUrl(exchange, endpoint) + pathAndQuery);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at(codeField).asText()).isEqualTo(code);
    }

    @Test
    void shouldAnswer404ForUnknownExchangesEndpointsAndPaths() throws Exception {
        SimulatedExchange simulated = start(lenient());
        String root = "http://127.0.0.1:" + simulated.port();

        for (String path : List.of("/", "/nasdaq/api/api/v3/depth?symbol=X", "/binance/api9/api/v3/depth?symbol=X",
                "/binance/api/api/v3/nothing?symbol=X", "/okx/www/api/v3/depth?symbol=X")) {
            assertThat(get(root + path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(simulated.requestCount()).isEqualTo(5);
    }

    @Test
    void shouldProduceTheConfiguredFaultRatesUnderTwentyThousandConcurrentRequests() throws Exception {
        // Given every fault at once and a hang limit shorter than the client timeout
        FaultProfile faults = FaultProfile.builder().errorRate(0.10).rateLimitRate(0.05).connectionResetRate(0.03)
                .timeoutRate(0.02).hangLimit(Duration.ofMillis(50)).build();
        SimulatedExchange simulated = start(lenient().seed(7).faults(faults));
        String url = simulated.baseUrl("binance", "api1") + "/api/v3/ticker/24hr?symbol=BTCUSDT";
        int total = 20_000;

        // When 20,000 requests arrive from 32 concurrent clients
        long startNanos = System.nanoTime();
        List<Object> outcomes = getConcurrently(url, total, 32);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("simulated exchange: %d requests in %.2f s = %.0f/s%n", total, seconds, total / seconds);

        // Then the server decided each fault at about its rate
        List<ServedRequest> served = simulated.requests();
        assertThat(served).hasSizeGreaterThanOrEqualTo(total);
        double n = served.size();
        Map<Object, Long> byOutcome = served.stream().collect(Collectors.groupingBy(
                r -> r.delivery() == Delivery.ANSWERED ? (Object) r.status() : r.delivery(), Collectors.counting()));
        long serverErrors = byOutcome.getOrDefault(500, 0L) + byOutcome.getOrDefault(502, 0L)
                + byOutcome.getOrDefault(503, 0L);
        assertThat(serverErrors / n).isCloseTo(0.10, within(0.01));
        assertThat(byOutcome.getOrDefault(429, 0L) / n).isCloseTo(0.05, within(0.008));
        assertThat(byOutcome.getOrDefault(Delivery.RESET, 0L) / n).isCloseTo(0.03, within(0.006));
        assertThat(byOutcome.getOrDefault(Delivery.HUNG, 0L) / n).isCloseTo(0.02, within(0.005));
        assertThat(byOutcome.get(500)).isPositive();
        assertThat(byOutcome.get(502)).isPositive();
        assertThat(byOutcome.get(503)).isPositive();
        // And the clients saw answers and failed connections
        assertThat(outcomes).contains(200, 429, 503);
        assertThat(outcomes.stream().filter(o -> o instanceof IOException)).isNotEmpty();
    }

    @Test
    void shouldRepeatTheSameFaultSequenceForTheSameSeed() throws Exception {
        FaultProfile faults = FaultProfile.builder().errorRate(0.3).rateLimitRate(0.2).build();

        List<Integer> first = sequentialStatuses(start(lenient().seed(11).faults(faults)), 200);
        List<Integer> again = sequentialStatuses(start(lenient().seed(11).faults(faults)), 200);
        List<Integer> other = sequentialStatuses(start(lenient().seed(12).faults(faults)), 200);

        assertThat(first).isEqualTo(again).isNotEqualTo(other);
    }

    @Test
    void shouldAnswer429WithRetryAfter() throws Exception {
        SimulatedExchange simulated = start(lenient());
        simulated.setFaults("okx", "aws", FaultProfile.builder().rateLimitRate(1.0).retryAfterSeconds(7).build());

        HttpResponse<String> limited = get(simulated.baseUrl("okx", "aws") + "/api/v5/market/trades?instId=BTC-USDT");
        HttpResponse<String> otherEndpoint = get(simulated.baseUrl("okx", "www")
                + "/api/v5/market/trades?instId=BTC-USDT");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(JSON.readTree(limited.body()).path("code").asText()).isEqualTo("50011");
        assertThat(otherEndpoint.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldBanAnEndpointWith418ForTheBanDurationAfterEnough429sWithinAMinute() throws Exception {
        // Given an endpoint that answers 429 to everything and bans after three of them
        MutableClock clock = new MutableClock(START);
        SimulatedExchange simulated = start(lenient().clock(clock));
        simulated.setFaults("binance", "api1", FaultProfile.builder().rateLimitRate(1.0).banAfter429s(3)
                .banDuration(Duration.ofMinutes(2)).build());
        String url = simulated.baseUrl("binance", "api1") + "/api/v3/depth?symbol=BTCUSDT";

        // When it has answered three 429s
        for (int i = 0; i < 3; i++) {
            assertThat(get(url).statusCode()).isEqualTo(429);
            clock.advance(Duration.ofSeconds(1));
        }
        simulated.clearFaults("binance", "api1");

        // Then it answers 418 until the ban is over, even without faults, and other endpoints are not banned
        HttpResponse<String> banned = get(url);
        assertThat(banned.statusCode()).isEqualTo(418);
        assertThat(banned.headers().firstValue("Retry-After")).hasValue("119");
        assertThat(get(simulated.baseUrl("binance", "api2") + "/api/v3/depth?symbol=BTCUSDT").statusCode())
                .isEqualTo(200);
        clock.advance(Duration.ofSeconds(118));
        assertThat(get(url).headers().firstValue("Retry-After")).hasValue("1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(get(url).statusCode()).isEqualTo(200);
        assertThat(simulated.requests()).extracting(ServedRequest::status, ServedRequest::banned)
                .containsExactly(
                        tuple(429, false), tuple(429, false),
                        tuple(429, false), tuple(418, true),
                        tuple(200, false), tuple(418, true),
                        tuple(200, false));
    }

    @Test
    void shouldNotBanWhen429sAreSpreadOverMoreThanAMinute() throws Exception {
        MutableClock clock = new MutableClock(START);
        SimulatedExchange simulated = start(lenient().clock(clock)
                .faults(FaultProfile.builder().rateLimitRate(1.0).banAfter429s(2).build()));
        String url = simulated.baseUrl("deribit", "edge") + "/api/v2/public/ticker?instrument_name=BTC-PERPETUAL";

        assertThat(get(url).statusCode()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(60));
        assertThat(get(url).statusCode()).isEqualTo(429);
        assertThat(get(url).statusCode()).isEqualTo(429);
        assertThat(get(url).statusCode()).isEqualTo(418);
    }

    @Test
    void shouldReportBinanceWeightUsedThisMinuteGrowingWithDepthLimit() throws Exception {
        MutableClock clock = new MutableClock(START);
        SimulatedExchange simulated = start(lenient().clock(clock));
        Function<String, String> weightAfter = path -> {
            try {
                return get(simulated.baseUrl("binance", "api3") + path)
                        .headers().firstValue(BinanceDialect.WEIGHT_HEADER).orElseThrow();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        assertThat(weightAfter.apply("/api/v3/depth?symbol=BTCUSDT")).isEqualTo("5");
        assertThat(weightAfter.apply("/api/v3/depth?symbol=BTCUSDT&limit=500")).isEqualTo("30");
        assertThat(weightAfter.apply("/api/v3/depth?symbol=BTCUSDT&limit=1000")).isEqualTo("80");
        assertThat(weightAfter.apply("/api/v3/depth?symbol=BTCUSDT&limit=5000")).isEqualTo("330");
        assertThat(get(simulated.baseUrl("binance", "api") + "/api/v3/trades?symbol=BTCUSDT")
                .headers().firstValue(BinanceDialect.WEIGHT_HEADER)).as("shared by all Binance endpoints")
                .hasValue("355");
        assertThat(get(simulated.baseUrl("okx", "www") + "/api/v5/market/books?instId=BTC-USDT")
                .headers().firstValue(BinanceDialect.WEIGHT_HEADER)).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(weightAfter.apply("/fapi/v1/premiumIndex?symbol=BTCUSDT")).isEqualTo("1");
    }

    @Test
    void shouldDelayAnswersWithoutHoldingHandlerThreads() {
        // Given one handler thread and 300 ms latency
        SimulatedExchange simulated = start(lenient().handlerThreads(1)
                .faults(FaultProfile.builder().fixedLatency(Duration.ofMillis(300)).build()));
        String url = simulated.baseUrl("okx", "www") + "/api/v5/public/funding-rate?instId=BTC-USDT-SWAP";

        // When 20 requests arrive at once
        long startNanos = System.nanoTime();
        List<Object> outcomes = getConcurrently(url, 20, 20);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);

        // Then all are answered after the latency, together rather than one after another (20 x 300 ms = 6 s)
        assertThat(outcomes).containsOnly(200);
        assertThat(elapsed).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
    }

    @Test
    void shouldLeaveTimedOutRequestsHangingUntilTheClientGivesUp() throws Exception {
        SimulatedExchange simulated = start(lenient().handlerThreads(1));
        simulated.setFaults("deribit", "www", FaultProfile.builder().timeoutRate(1.0).build());
        HttpRequest hanging = HttpRequest.newBuilder(URI.create(simulated.baseUrl("deribit", "www")
                + "/api/v2/public/ticker?instrument_name=BTC-PERPETUAL")).timeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> CLIENT.send(hanging, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(get(simulated.baseUrl("deribit", "edge") + "/api/v2/public/ticker?instrument_name=BTC-PERPETUAL")
                .statusCode()).isEqualTo(200);
        assertThat(simulated.requests().get(0).delivery()).isEqualTo(Delivery.HUNG);
        assertThat(simulated.requests().get(0).status()).isZero();
    }

    @Test
    void shouldCloseResetConnectionsWithoutAResponse() {
        SimulatedExchange simulated = start(lenient()
                .faults(FaultProfile.builder().connectionResetRate(1.0).build()));

        assertThatThrownBy(() -> get(simulated.baseUrl("binance", "api") + "/api/v3/depth?symbol=BTCUSDT"))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);
        assertThat(simulated.requests()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.delivery()).isEqualTo(Delivery.RESET));
    }

    @Test
    void shouldRecordEveryRequestServed() throws Exception {
        MutableClock clock = new MutableClock(START);
        SimulatedExchange simulated = start(lenient().clock(clock));
        simulated.setFaults("okx", "aws", FaultProfile.builder().errorRate(1.0).build());

        get(simulated.baseUrl("binance", "api1") + "/api/v3/depth?symbol=BTCUSDT&limit=10");
        clock.advance(Duration.ofMillis(5));
        get(simulated.baseUrl("okx", "aws") + "/api/v5/market/ticker?instId=BTC-USDT");
        get(simulated.baseUrl("deribit", "edge") + "/nope");
        List<ServedRequest> requests = simulated.requests();

        assertThat(simulated.requestCount()).isEqualTo(3);
        assertThat(requests.get(0)).isEqualTo(new ServedRequest(START, "binance", "api1", "/api/v3/depth",
                "symbol=BTCUSDT&limit=10", 200, false, Delivery.ANSWERED, false));
        assertThat(requests.get(0).parameters()).containsOnly(Map.entry("symbol", "BTCUSDT"), Map.entry("limit", "10"));
        assertThat(requests.get(1).time()).isEqualTo(START.plusMillis(5));
        assertThat(requests.get(1).endpointId()).isEqualTo("okx/aws");
        assertThat(requests.get(1).status()).isBetween(500, 503);
        assertThat(requests.get(2).status()).isEqualTo(404);
        requests.clear();
        assertThat(simulated.requests()).as("a copy").hasSize(3);
        simulated.clearRequests();
        assertThat(simulated.requests()).isEmpty();
        assertThat(simulated.requestCount()).isZero();
    }

    @Test
    void shouldKeepOnlyTheNewestRequestsBeyondTheLogCapacity() throws Exception {
        SimulatedExchange simulated = start(lenient().requestLogCapacity(2));

        for (String symbol : List.of("A", "B", "C")) {
            get(simulated.baseUrl("binance", "api") + "/api/v3/ticker/24hr?symbol=" + symbol);
        }

        assertThat(simulated.requestCount()).isEqualTo(3);
        assertThat(simulated.requests()).extracting(ServedRequest::query).containsExactly("symbol=B", "symbol=C");
    }

    @Test
    void shouldSetShowAndClearFaultsOverHttp() throws Exception {
        SimulatedExchange simulated = start(lenient());
        String admin = "http://127.0.0.1:" + simulated.port() + "/admin/faults";
        String ticker = simulated.baseUrl("okx", "www") + "/api/v5/market/ticker?instId=BTC-USDT";

        HttpResponse<String> put = send("PUT", admin + "/okx/www", "{\"errorRate\":1.0}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(put.body()).at("/endpoints/okx~1www/errorRate").asDouble()).isEqualTo(1.0);
        assertThat(simulated.faults("okx", "www").errorRate()).isEqualTo(1.0);
        assertThat(get(ticker).statusCode()).isBetween(500, 503);

        assertThat(send("DELETE", admin, "").statusCode()).isEqualTo(200);
        assertThat(get(ticker).statusCode()).isEqualTo(200);

        HttpResponse<String> invalid = send("PUT", admin, "{\"errorRate\":2}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("errorRate must be in [0.0, 1.0]");
        assertThat(send("PUT", admin, "{\"nonsense\":1}").body()).contains("unknown fault key nonsense");
        HttpResponse<String> oversized = send("PUT", admin,
                "{\"oversizedData\":\"TICKER\",\"oversizedBodyBytes\":5000}");
        assertThat(JSON.readTree(oversized.body()).at("/global/oversizedData").asText()).isEqualTo("TICKER");
        assertThat(get(ticker).body()).hasSize(5_000);
        assertThat(send("PUT", admin, "{\"oversizedData\":\"QUOTES\",\"oversizedBodyBytes\":5}").body())
                .contains("oversizedData must be one of [ORDER_BOOK");
        assertThat(send("PUT", admin, "{\"oversizedData\":\"TICKER\"}").body())
                .contains("oversizedData needs oversizedBodyBytes");
        assertThat(send("PUT", admin + "/okx/nowhere", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void shouldListEndpointsAndRejectUnknownOnes() {
        SimulatedExchange simulated = start(lenient());

        assertThat(SimulatedExchange.endpoints()).containsExactly(
                Map.entry("binance", List.of("api", "api1", "api2", "api3")),
                Map.entry("okx", List.of("www", "aws")),
                Map.entry("deribit", List.of("www", "edge")));
        assertThat(simulated.baseUrl("deribit", "edge")).isEqualTo("http://127.0.0.1:" + simulated.port()
                + "/deribit/edge");
        assertThatThrownBy(() -> simulated.baseUrl("binance", "api4"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binance/api4");
        assertThatThrownBy(() -> simulated.setFaults("kraken", "api", FaultProfile.ofDefaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kraken/api");
    }

    @Test
    void shouldServeOnEveryInterfaceWhenBoundToTheWildcardAddress() throws Exception {
        // Given an exchange bound to 0.0.0.0, as in a container
        SimulatedExchange simulated = start(lenient().host("0.0.0.0"));

        // Then its URLs name loopback, and it answers there and at an address of this machine that is not loopback
        String ping = "/binance/api/api/v3/ping";
        assertThat(simulated.baseUrl("binance", "api")).startsWith("http://127.0.0.1:" + simulated.port() + "/");
        assertThat(get("http://127.0.0.1:" + simulated.port() + ping).statusCode()).isEqualTo(200);
        InetAddress external = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst().orElse(null);
        assumeTrue(external != null, "this machine has no IPv4 address but loopback");
        assertThat(get("http://" + external.getHostAddress() + ":" + simulated.port() + ping).statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldRefuseABlankHost() {
        assertThatThrownBy(() -> lenient().host(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
    }

    private SimulatedExchange start(SimulatedExchange.Builder builder) {
        SimulatedExchange exchange = builder.build().start();
        started.add(exchange);
        return exchange;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send("GET", url, "");
    }

    private static HttpResponse<String> send(String method, String url, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<Integer> sequentialStatuses(SimulatedExchange simulated, int count) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(get(simulated.baseUrl("binance", "api") + "/api/v3/trades?symbol=BTCUSDT").statusCode());
        }
        return statuses;
    }

    /** Sends {@code count} GETs from {@code clients} threads; each outcome is a status code or the exception. */
    private static List<Object> getConcurrently(String url, int count, int clients) {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<CompletableFuture<Object>> futures = IntStream.range(0, count)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                        try {
                            return (Object) get(url).statusCode();
                        } catch (IOException e) {
                            return e;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return e;
                        }
                    }, pool))
                    .toList();
            return futures.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /** The mode these tests are about: every exchange path on every endpoint, faults on demand. */
    private static SimulatedExchange.Builder lenient() {
        return SimulatedExchange.builder().mode(SimulatedExchange.Mode.LENIENT);
    }
}
