package io.marketprism.ops.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.ops.exchange.SimulatedExchange.Mode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Strict mode: host families apart, documented parameters and limits per route, on an injected clock. */
class StrictSimulatedExchangeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** 30 s into a clock minute, so a fixed-minute window has 30 s left. */
    private static final Instant START = Instant.parse("2030-01-01T00:00:30Z");

    private final MutableClock clock = new MutableClock(START);
    private final List<SimulatedExchange> started = new ArrayList<>();

    @AfterEach
    void closeExchanges() {
        started.forEach(SimulatedExchange::close);
    }

    /** Every documented (venue, market data) path with its mandatory parameters, as the docs' examples send them. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "binance-spot  | /api/v3/depth                 | symbol=BTCUSDT&limit=100              | /bids/0/0",
            "binance-spot  | /api/v3/trades                | symbol=BTCUSDT                        | /0/price",
            "binance-spot  | /api/v3/ticker/24hr           | symbol=BTCUSDT                        | /lastPrice",
            "binance-spot  | /api/v3/klines                | symbol=BTCUSDT&interval=1m            | /0/4",
            "binance-spot  | /api/v3/ping                  | ''                                    | ''",
            "binance-usdm  | /fapi/v1/depth                | symbol=BTCUSDT&limit=100              | /asks/0/1",
            "binance-usdm  | /fapi/v1/trades               | symbol=BTCUSDT                        | /0/qty",
            "binance-usdm  | /fapi/v1/ticker/24hr          | symbol=BTCUSDT                        | /lastPrice",
            "binance-usdm  | /fapi/v1/premiumIndex         | symbol=BTCUSDT                        | /lastFundingRate",
            "binance-usdm  | /fapi/v1/openInterest         | symbol=BTCUSDT                        | /openInterest",
            "binance-usdm  | /fapi/v1/klines               | symbol=BTCUSDT&interval=5m            | /0/1",
            "binance-usdm  | /futures/data/globalLongShortAccountRatio | symbol=BTCUSDT&period=5m  | /0/longShortRatio",
            "binance-usdm  | /fapi/v1/ping                 | ''                                    | ''",
            "binance-coinm | /dapi/v1/depth                | symbol=BTCUSD_PERP                    | /bids/0/0",
            "binance-coinm | /dapi/v1/trades               | symbol=BTCUSD_PERP                    | /0/price",
            "binance-coinm | /dapi/v1/ticker/24hr          | symbol=BTCUSD_PERP                    | /lastPrice",
            "binance-coinm | /dapi/v1/premiumIndex         | symbol=BTCUSD_PERP                    | /lastFundingRate",
            "binance-coinm | /dapi/v1/openInterest         | symbol=BTCUSD_PERP                    | /openInterest",
            "binance-coinm | /dapi/v1/klines               | symbol=BTCUSD_PERP&interval=1h        | /0/4",
            "binance-coinm | /futures/data/globalLongShortAccountRatio | pair=BTCUSD&period=1h     | /0/longAccount",
            "binance-coinm | /dapi/v1/ping                 | ''                                    | ''",
            "okx           | /api/v5/market/books          | instId=BTC-USDT&sz=5                  | /data/0/bids/0/0",
            "okx           | /api/v5/market/trades         | instId=BTC-USDT                       | /data/0/px",
            "okx           | /api/v5/market/ticker         | instId=BTC-USDT-SWAP                  | /data/0/last",
            "okx           | /api/v5/market/candles        | instId=BTC-USDT&bar=1H                | /data/0/4",
            "okx           | /api/v5/public/funding-rate   | instId=BTC-USDT-SWAP                  | /data/0/fundingRate",
            "okx           | /api/v5/public/open-interest  | instType=SWAP&instId=BTC-USDT-SWAP    | /data/0/oi",
            "okx           | /api/v5/rubik/stat/contracts/long-short-account-ratio | ccy=BTC&period=5m | /data/0/1",
            "okx           | /api/v5/rubik/stat/contracts/long-short-account-ratio-contract | instId=BTC-USDT-SWAP | /data/0/1",
            "okx           | /api/v5/public/time           | ''                                    | /data/0/ts",
            "deribit       | /api/v2/public/get_order_book | instrument_name=BTC-PERPETUAL&depth=5 | /result/bids/0/0",
            "deribit       | /api/v2/public/get_last_trades_by_instrument | instrument_name=BTC-PERPETUAL | /result/trades/0/price",
            "deribit       | /api/v2/public/ticker         | instrument_name=BTC-PERPETUAL         | /result/current_funding",
            "deribit       | /api/v2/public/get_funding_rate_value | instrument_name=BTC-PERPETUAL&start_timestamp=1&end_timestamp=2 | /result",
            "deribit       | /api/v2/public/get_book_summary_by_instrument | instrument_name=BTC-PERPETUAL | /result/0/open_interest",
            "deribit       | /api/v2/public/get_tradingview_chart_data | instrument_name=BTC-PERPETUAL&start_timestamp=1&end_timestamp=2&resolution=60 | /result/close/0",
            "deribit       | /api/v2/public/test           | ''                                    | /result/version",
            "bybit         | /v5/market/orderbook          | category=spot&symbol=BTCUSDT          | /result/b/0/0",
            "bybit         | /v5/market/recent-trade       | category=linear&symbol=BTCUSDT        | /result/list/0/price",
            "bybit         | /v5/market/tickers            | category=linear&symbol=BTCUSDT        | /result/list/0/lastPrice",
            "bybit         | /v5/market/funding/history    | category=linear&symbol=BTCUSDT        | /result/list/0/fundingRate",
            "bybit         | /v5/market/open-interest      | category=linear&symbol=BTCUSDT&intervalTime=5min | /result/list/0/openInterest",
            "bybit         | /v5/market/kline              | category=spot&symbol=BTCUSDT&interval=60 | /result/list/0/4",
            "bybit         | /v5/market/account-ratio      | category=linear&symbol=BTCUSDT&period=1h | /result/list/0/buyRatio",
            "bybit         | /v5/market/time               | ''                                    | /result/timeSecond"})
    void shouldAnswerEveryDocumentedEndpointOfItsHostFamily(String venue, String path, String query, String field)
            throws Exception {
        SimulatedExchange simulated = strict();

        HttpResponse<String> response = get(simulated.strictBaseUrl(venue, "r0") + path
                + (query.isEmpty() ? "" : "?" + query));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at(field).isMissingNode()).as("%s in %s", field, response.body()).isFalse();
        switch (venue) {
            case "okx" -> assertThat(body.path("code").asText()).isEqualTo("0");
            case "bybit" -> assertThat(body.path("retCode").asInt()).isZero();
            default -> assertThat(body.has("error") || body.has("code")).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}{1}")
    @CsvSource(delimiter = '|', value = {
            "binance-spot  | /fapi/v1/premiumIndex?symbol=BTCUSDT",
            "binance-spot  | /fapi/v1/openInterest?symbol=BTCUSDT",
            "binance-usdm  | /api/v3/depth?symbol=BTCUSDT",
            "binance-usdm  | /dapi/v1/depth?symbol=BTCUSD_PERP",
            "binance-coinm | /fapi/v1/depth?symbol=BTCUSDT",
            "okx           | /api/v3/ping",
            "bybit         | /api/v5/market/books?instId=BTC-USDT",
            "binance       | /api/v3/depth?symbol=BTCUSDT"})
    void shouldAnswer404ToAPathSentToTheWrongHostFamily(String venue, String pathAndQuery) throws Exception {
        SimulatedExchange simulated = strict();
        String origin = "http://127.0.0.1:" + simulated.port();

        assertThat(get(origin + "/" + venue + "/r0" + pathAndQuery).statusCode()).isEqualTo(404);
        assertThat(simulated.requests()).singleElement().extracting(ServedRequest::status).isEqualTo(404);
        assertThat(simulated.limitUsage()).as("nothing charged").isEmpty();
    }

    @ParameterizedTest(name = "{0}{1}?{2}")
    @CsvSource(delimiter = '|', value = {
            "binance-spot  | /api/v3/depth      | limit=5                          | 400 | /code    | -1102",
            "binance-spot  | /api/v3/klines     | symbol=BTCUSDT                   | 400 | /code    | -1102",
            "binance-spot  | /api/v3/klines     | symbol=BTCUSDT&interval=2m       | 400 | /code    | -1120",
            "binance-usdm  | /fapi/v1/klines    | symbol=BTCUSDT&interval=1s       | 400 | /code    | -1120",
            "binance-usdm  | /fapi/v1/depth     | symbol=BTCUSDT&limit=7           | 400 | /code    | -1130",
            "binance-usdm  | /fapi/v1/openInterest | ''                            | 400 | /code    | -1102",
            "binance-usdm  | /futures/data/globalLongShortAccountRatio | symbol=BTCUSDT | 400 | /code | -1102",
            "binance-coinm | /futures/data/globalLongShortAccountRatio | symbol=BTCUSD_PERP&period=5m | 400 | /code | -1102",
            "binance-spot  | /api/v3/depth      | symbol=INVALIDX                  | 400 | /code    | -1121",
            "okx           | /api/v5/public/open-interest | instId=BTC-USDT-SWAP   | 400 | /code    | 50014",
            "okx           | /api/v5/public/open-interest | instType=SPOT          | 400 | /code    | 51000",
            "okx           | /api/v5/public/open-interest | instType=OPTION        | 400 | /msg     | Parameter instFamily can not be empty.",
            "okx           | /api/v5/market/candles | instId=BTC-USDT&bar=1h       | 400 | /code    | 51000",
            "okx           | /api/v5/market/ticker  | instId=INVALID-USDT          | 200 | /code    | 51001",
            "deribit       | /api/v2/public/get_funding_rate_value | instrument_name=BTC-PERPETUAL | 400 | /error/data/param | start_timestamp",
            "deribit       | /api/v2/public/get_funding_rate_value | instrument_name=BTC-PERPETUAL&start_timestamp=1 | 400 | /error/data/param | end_timestamp",
            "deribit       | /api/v2/public/get_tradingview_chart_data | instrument_name=BTC-PERPETUAL&start_timestamp=1&end_timestamp=2&resolution=7 | 400 | /error/code | -32602",
            "bybit         | /v5/market/orderbook | symbol=BTCUSDT                 | 200 | /retMsg  | params error: category is required",
            "bybit         | /v5/market/funding/history | category=spot&symbol=BTCUSDT | 200 | /retCode | 10001",
            "bybit         | /v5/market/kline   | symbol=BTCUSDT                   | 200 | /retMsg  | params error: interval is required",
            "bybit         | /v5/market/open-interest | category=linear&symbol=BTCUSDT | 200 | /retMsg | params error: intervalTime is required"})
    void shouldRefuseAMissingOrUndocumentedParameterWithTheExchangesOwnError(String venue, String path,
                                                                            String query, int status, String field,
                                                                            String value) throws Exception {
        SimulatedExchange simulated = strict();

        HttpResponse<String> response = get(simulated.strictBaseUrl(venue, "r0") + path
                + (query.isEmpty() ? "" : "?" + query));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).at(field).asText()).as(response.body()).isEqualTo(value);
    }

    @Test
    void shouldCountBinanceSpotWeightPerClockMinuteAndAnswer429WithRetryAfterUntilTheMinuteEnds() throws Exception {
        // Given a route that spends 6,000 weight in depth requests of weight 250 (limit 5000)
        SimulatedExchange simulated = strict();
        String depth = simulated.strictBaseUrl("binance-spot", "route-a") + "/api/v3/depth?symbol=BTCUSDT&limit=5000";
        for (int i = 1; i <= 24; i++) {
            HttpResponse<String> admitted = get(depth);
            assertThat(admitted.statusCode()).isEqualTo(200);
            assertThat(admitted.headers().firstValue(BinanceVenues.WEIGHT_HEADER)).hasValue(String.valueOf(250 * i));
        }

        // When it asks once more in the same minute
        HttpResponse<String> limited = get(depth);

        // Then 429 with Retry-After up to the next clock minute, the weight unchanged; other routes and the futures
        // host family keep their own budgets; the next minute starts from zero
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(limited.headers().firstValue(BinanceVenues.WEIGHT_HEADER)).hasValue("6000");
        assertThat(JSON.readTree(limited.body()).path("code").asInt()).isEqualTo(-1003);
        assertThat(get(simulated.strictBaseUrl("binance-spot", "route-b") + "/api/v3/ping").statusCode())
                .isEqualTo(200);
        assertThat(get(simulated.strictBaseUrl("binance-usdm", "route-a") + "/fapi/v1/ping").headers()
                .firstValue(BinanceVenues.WEIGHT_HEADER)).hasValue("1");
        clock.advance(Duration.ofSeconds(30));
        HttpResponse<String> nextMinute = get(depth);
        assertThat(nextMinute.statusCode()).isEqualTo(200);
        assertThat(nextMinute.headers().firstValue(BinanceVenues.WEIGHT_HEADER)).hasValue("250");
        assertThat(usage(simulated, "binance-spot", "route-a", BinanceVenues.REQUEST_WEIGHT))
                .extracting(LimitUsage::used, LimitUsage::peak, LimitUsage::charged, LimitUsage::rejected)
                .containsExactly(250L, 6000L, 6250L, 1L);
        assertThat(usage(simulated, "binance-spot", "route-a", BinanceVenues.RAW_REQUESTS).admitted()).isEqualTo(25);
    }

    @Test
    void shouldChargeAMalformedRequestLikeAnyOther() throws Exception {
        SimulatedExchange simulated = strict();

        HttpResponse<String> malformed = get(simulated.strictBaseUrl("binance-spot", "r0") + "/api/v3/depth");

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue(BinanceVenues.WEIGHT_HEADER)).hasValue("5");
    }

    @Test
    void shouldNeverRefuseAClientThatKeepsToTheDocumentedBudgetsAndLetItUseThemWhole() throws Exception {
        // Given a client that sends OKX books every 50 ms (40 per 2 s) and 6,000 spot weight at each minute's start
        SimulatedExchange simulated = strict();
        String books = simulated.strictBaseUrl("okx", "r0") + "/api/v5/market/books?instId=BTC-USDT";
        String depth = simulated.strictBaseUrl("binance-spot", "r0") + "/api/v3/depth?symbol=BTCUSDT&limit=5000";
        clock.advance(Duration.ofSeconds(30));

        // When it does so for three minutes
        for (int tick = 0; tick < 3 * 60 * 20; tick++) {
            if (tick % (60 * 20) == 0) {
                for (int i = 0; i < 24; i++) {
                    assertThat(get(depth).statusCode()).isEqualTo(200);
                }
            }
            assertThat(get(books).statusCode()).isEqualTo(200);
            clock.advance(Duration.ofMillis(50));
        }

        // Then nothing was refused and each budget was used whole
        assertThat(simulated.limitUsage()).allSatisfy(u -> assertThat(u.rejected()).isZero())
                .filteredOn(u -> !u.group().equals(BinanceVenues.RAW_REQUESTS))
                .allSatisfy(u -> assertThat(u.peakShare()).as(u.group()).isEqualTo(1.0));
    }

    @Test
    void shouldGiveUsdMarginedFuturesTheirOwn2400WeightPerMinute() throws Exception {
        SimulatedExchange simulated = strict();
        String depth = simulated.strictBaseUrl("binance-usdm", "r0") + "/fapi/v1/depth?symbol=BTCUSDT&limit=1000";

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 121; i++) {
            statuses.add(get(depth).statusCode());
        }

        assertThat(statuses.subList(0, 120)).containsOnly(200);
        assertThat(statuses.get(120)).isEqualTo(429);
        assertThat(usage(simulated, "binance-usdm", "r0", BinanceVenues.REQUEST_WEIGHT).peakShare()).isEqualTo(1.0);
    }

    @Test
    void shouldBanABinanceRouteThatKeepsSendingAfter429WithBansThatGrow() throws Exception {
        // Given a route over its spot weight in this minute
        SimulatedExchange simulated = strict();
        String base = simulated.strictBaseUrl("binance-spot", "greedy");
        String heavy = base + "/api/v3/ticker/24hr";
        spendUntilRefused(heavy);

        // When it sends three more requests while told to wait
        assertThat(get(heavy).statusCode()).isEqualTo(429);
        assertThat(get(heavy).statusCode()).isEqualTo(429);
        HttpResponse<String> banned = get(heavy);

        // Then it is banned for 2 minutes, even for cheap requests, while other routes are not
        assertThat(banned.statusCode()).isEqualTo(418);
        assertThat(banned.headers().firstValue("Retry-After")).hasValue("120");
        assertThat(get(base + "/api/v3/ping").statusCode()).isEqualTo(418);
        assertThat(get(simulated.strictBaseUrl("binance-spot", "polite") + "/api/v3/ping").statusCode())
                .isEqualTo(200);
        clock.advance(Duration.ofMinutes(2));
        assertThat(get(base + "/api/v3/ping").statusCode()).isEqualTo(200);
        assertThat(simulated.requests()).filteredOn(ServedRequest::banned).hasSize(1);

        // And a repeat offence earns a ban twice as long
        spendUntilRefused(heavy);
        assertThat(get(heavy).statusCode()).isEqualTo(429);
        assertThat(get(heavy).statusCode()).isEqualTo(429);
        HttpResponse<String> again = get(heavy);
        assertThat(again.statusCode()).isEqualTo(418);
        assertThat(again.headers().firstValue("Retry-After")).hasValue("240");
        LimitUsage weight = usage(simulated, "binance-spot", "greedy", BinanceVenues.REQUEST_WEIGHT);
        assertThat(weight.rejected()).isEqualTo(8);
        assertThat(weight.banned()).isEqualTo(3);
    }

    @Test
    void shouldNotBanARouteThatWaitsOutItsRetryAfter() throws Exception {
        SimulatedExchange simulated = strict();
        String heavy = simulated.strictBaseUrl("binance-spot", "r0") + "/api/v3/ticker/24hr";

        for (int minute = 0; minute < 5; minute++) {
            spendUntilRefused(heavy);
            clock.advance(Duration.ofMinutes(1));
        }

        assertThat(spendUntilRefused(heavy)).as("the sixth minute's budget is whole").isEqualTo(75);
    }

    @Test
    void shouldLimitOkxFundingRatePerInstrumentAndBooksPerRouteOverTwoSeconds() throws Exception {
        SimulatedExchange simulated = strict();
        String base = simulated.strictBaseUrl("okx", "r0");
        String btc = base + "/api/v5/public/funding-rate?instId=BTC-USDT-SWAP";
        for (int i = 0; i < 10; i++) {
            assertThat(get(btc).statusCode()).isEqualTo(200);
            clock.advance(Duration.ofMillis(100));
        }

        HttpResponse<String> limited = get(btc);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(limited.body()).path("code").asText()).isEqualTo("50011");
        assertThat(limited.headers().firstValue("Retry-After")).as("OKX documents none").isEmpty();
        assertThat(get(base + "/api/v5/public/funding-rate?instId=ETH-USDT-SWAP").statusCode())
                .as("another instrument").isEqualTo(200);
        assertThat(get(simulated.strictBaseUrl("okx", "r1") + "/api/v5/public/funding-rate?instId=BTC-USDT-SWAP")
                .statusCode()).as("another route").isEqualTo(200);
        clock.advance(Duration.ofMillis(1_000));
        assertThat(get(btc).statusCode()).as("the oldest request left the rolling window").isEqualTo(200);
        for (int i = 0; i < 40; i++) {
            assertThat(get(base + "/api/v5/market/books?instId=I" + i).statusCode()).isEqualTo(200);
        }
        assertThat(get(base + "/api/v5/market/books?instId=OTHER").statusCode())
                .as("books: 40 per 2 s per route, whatever the instrument").isEqualTo(429);
        assertThat(usage(simulated, "okx", "r0", "funding-rate"))
                .extracting(LimitUsage::peak, LimitUsage::rejected, LimitUsage::scopes).containsExactly(10L, 1L, 2);
        assertThat(usage(simulated, "okx", "r0", "books").scopes()).as("one budget, whatever the instrument")
                .isEqualTo(1);
    }

    @Test
    void shouldMeasureTheShareOfABudgetOverARunForEveryInstrumentCharged() {
        LimitUsage twoInstruments = new LimitUsage("okx", "r0", "open-interest", "requests", 20, Duration.ofSeconds(2),
                0, 20, 300, 300, 0, 0, 2);

        // 20 per 2 s for each of two instruments over 10 s: 200 allowed; a run shorter than a window allows one
        assertThat(twoInstruments.share(10_000)).isEqualTo(1.5);
        assertThat(twoInstruments.allowed(1_000)).isEqualTo(40);
    }

    @Test
    void shouldDrainAndRefillDeribitCreditsAndAnswer10028WhenEmpty() throws Exception {
        SimulatedExchange simulated = strict();
        String ticker = simulated.strictBaseUrl("deribit", "r0") + "/api/v2/public/ticker?instrument_name=BTC-PERPETUAL";
        for (int i = 0; i < 100; i++) {
            assertThat(get(ticker).statusCode()).isEqualTo(200);
        }

        HttpResponse<String> limited = get(ticker);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(limited.body()).at("/error/code").asInt()).isEqualTo(10028);
        clock.advance(Duration.ofMillis(50));
        assertThat(get(ticker).statusCode()).as("50 ms refill 500 credits").isEqualTo(200);
        assertThat(get(ticker).statusCode()).isEqualTo(429);
        assertThat(usage(simulated, "deribit", "r0", DeribitVenue.CREDITS))
                .extracting(LimitUsage::peak, LimitUsage::admitted, LimitUsage::rejected)
                .containsExactly(50_000L, 101L, 2L);
    }

    @Test
    void shouldBlockABybitRouteFor10MinutesWith403AfterItsIpLimit() throws Exception {
        SimulatedExchange simulated = strict();
        String time = simulated.strictBaseUrl("bybit", "r0") + "/v5/market/time";
        for (int i = 0; i < 600; i++) {
            assertThat(get(time).statusCode()).isEqualTo(200);
        }

        assertThat(get(time).statusCode()).isEqualTo(403);
        clock.advance(Duration.ofSeconds(6));
        assertThat(get(time).statusCode()).as("blocked though the window has passed").isEqualTo(403);
        clock.advance(Duration.ofMinutes(10));
        assertThat(get(time).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldReportUsagePerRouteAndGroupAtSimStats() throws Exception {
        SimulatedExchange simulated = strict();
        get(simulated.strictBaseUrl("okx", "a") + "/api/v5/market/ticker?instId=BTC-USDT");
        get(simulated.strictBaseUrl("okx", "b") + "/api/v5/market/ticker?instId=BTC-USDT");

        JsonNode stats = JSON.readTree(get("http://127.0.0.1:" + simulated.port() + "/__sim/stats").body());

        assertThat(stats.path("mode").asText()).isEqualTo("STRICT");
        assertThat(stats.path("requests").asInt()).isEqualTo(2);
        assertThat(stats.path("limits")).hasSize(2);
        JsonNode first = stats.path("limits").get(0);
        assertThat(first.path("venue").asText()).isEqualTo("okx");
        assertThat(first.path("route").asText()).isEqualTo("a");
        assertThat(first.path("group").asText()).isEqualTo("ticker");
        assertThat(first.path("limit").asInt()).isEqualTo(20);
        assertThat(first.path("windowMs").asInt()).isEqualTo(2000);
        assertThat(first.path("peakShare").asDouble()).isEqualTo(0.05);
    }

    @Test
    void shouldKeepLenientPathsOutOfStrictMode() throws Exception {
        SimulatedExchange simulated = strict();

        assertThat(send("PUT", "http://127.0.0.1:" + simulated.port() + "/admin/faults").statusCode())
                .isEqualTo(404);
        assertThat(send("POST", simulated.strictBaseUrl("okx", "r0") + "/api/v5/public/time").statusCode())
                .isEqualTo(405);
        assertThatThrownBy(() -> simulated.strictBaseUrl("kraken", "r0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binance-usdm");
        assertThatThrownBy(() -> simulated.strictBaseUrl("okx", "a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> simulated.strictBaseUrl("okx", "r0", "a@b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host must be");
        assertThatThrownBy(() -> simulated.setFaults("kraken", "api", FaultProfile.ofDefaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown venue kraken");
    }

    /** An injected 429 and 5xx in each venue's own status, body and headers, as its docs describe a rejection. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "binance-spot | /api/v3/ping           | 429 | true  | /code | -1003 | -1001",
            "okx          | /api/v5/public/time    | 429 | false | /code | 50011 | 50001",
            "deribit      | /api/v2/public/test    | 429 | false | /error/code | 10028 | 11097",
            "bybit        | /v5/market/time        | 403 | false | ''    | ''    | ''"})
    void shouldAnswerInjectedFaultsInTheVenuesShape(String venue, String path, int rateLimited, boolean retryAfter,
                                                    String codePointer, String rateLimitedCode, String serverCode)
            throws Exception {
        SimulatedExchange simulated = strict();
        String url = simulated.strictBaseUrl(venue, "r0", "h") + path;

        simulated.setFaults(venue, "h", FaultProfile.builder().rateLimitRate(1).retryAfterSeconds(7).build());
        HttpResponse<String> limited = get(url);
        simulated.setFaults(venue, "h", FaultProfile.builder().errorRate(1).build());
        HttpResponse<String> failed = get(url);

        assertThat(limited.statusCode()).isEqualTo(rateLimited);
        assertThat(limited.headers().firstValue("Retry-After")).isEqualTo(retryAfter ? Optional.of("7")
                : Optional.empty());
        assertThat(failed.statusCode()).isIn(500, 502, 503);
        if (!codePointer.isEmpty()) {
            assertThat(JSON.readTree(limited.body()).at(codePointer).asText()).isEqualTo(rateLimitedCode);
            assertThat(JSON.readTree(failed.body()).at(codePointer).asText()).isEqualTo(serverCode);
        }
        assertThat(simulated.limitUsage()).as("injected faults are not charged").isEmpty();
    }

    @Test
    void shouldBanTheRouteInTheVenuesShapeForTheProfilesBanAfterItsInjected429s() throws Exception {
        SimulatedExchange simulated = strict();
        simulated.setFaults(FaultProfile.builder().rateLimitRate(1).banAfter429s(3)
                .banDuration(Duration.ofSeconds(5)).build());
        String ping = simulated.strictBaseUrl("binance-spot", "r0", "api1") + "/api/v3/ping";

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(get(ping).statusCode());
        }
        simulated.setFaults(FaultProfile.ofDefaults());
        int otherHostWhileBanned = get(simulated.strictBaseUrl("binance-spot", "r0", "api") + "/api/v3/ping")
                .statusCode();
        int otherRoute = get(simulated.strictBaseUrl("binance-spot", "r1", "api1") + "/api/v3/ping").statusCode();
        clock.advance(Duration.ofSeconds(5));

        assertThat(statuses).containsExactly(429, 429, 418, 418);
        assertThat(otherHostWhileBanned).as("a ban is the route's, on every host").isEqualTo(418);
        assertThat(otherRoute).isEqualTo(200);
        assertThat(get(ping).statusCode()).isEqualTo(200);
        assertThat(simulated.requests()).extracting(ServedRequest::banned)
                .containsExactly(false, false, false, true, true, false, false);
    }

    @Test
    void shouldOnlyRejectInjected429sOnAVenueThatDocumentsNoBans() throws Exception {
        SimulatedExchange simulated = strict();
        simulated.setFaults(FaultProfile.builder().rateLimitRate(1).banAfter429s(2).build());
        String time = simulated.strictBaseUrl("okx", "r0", "www") + "/api/v5/public/time";

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(get(time).statusCode());
        }

        assertThat(statuses).containsOnly(429);
        assertThat(simulated.requests()).noneMatch(ServedRequest::banned);
    }

    @Test
    void shouldFaultOneHostAloneAndCountItsRequestsUnderTheRouteAndHost() throws Exception {
        SimulatedExchange simulated = strict();
        simulated.setFaults("binance-spot", "api1", FaultProfile.builder().connectionResetRate(1).build());
        String depth = "/api/v3/depth?symbol=BTCUSDT&limit=100";

        assertThatThrownBy(() -> get(simulated.strictBaseUrl("binance-spot", "r0", "api1") + depth))
                .isInstanceOf(IOException.class);
        assertThat(get(simulated.strictBaseUrl("binance-spot", "r0", "api") + depth).statusCode()).isEqualTo(200);
        simulated.clearFaults("binance-spot", "api1");
        assertThat(get(simulated.strictBaseUrl("binance-spot", "r0", "api1") + depth).statusCode()).isEqualTo(200);

        // The HTTP client may send a reset GET twice: it retries an idempotent request once on a closed connection
        assertThat(simulated.requests()).filteredOn(r -> r.delivery() == ServedRequest.Delivery.RESET)
                .extracting(ServedRequest::endpoint).isNotEmpty().containsOnly("r0@api1");
        assertThat(simulated.requests()).filteredOn(r -> r.delivery() == ServedRequest.Delivery.ANSWERED)
                .extracting(ServedRequest::endpoint).containsExactly("r0@api", "r0@api1");
        assertThat(usage(simulated, "binance-spot", "r0", "REQUEST_WEIGHT").used()).as("both hosts share the route")
                .isEqualTo(10);
    }

    @Test
    void shouldMultiplyEveryLimitByTheLimitScale() throws Exception {
        SimulatedExchange simulated = start(SimulatedExchange.builder().clock(clock).mode(Mode.STRICT)
                .limitScale(10));
        get(simulated.strictBaseUrl("okx", "r0") + "/api/v5/market/ticker?instId=BTC-USDT");

        assertThat(usage(simulated, "okx", "r0", "ticker").limit()).isEqualTo(200);
    }

    @Test
    void shouldListenOnTheConfiguredHostAndHandOutReachableUrls() throws Exception {
        SimulatedExchange simulated = start(SimulatedExchange.builder().host("0.0.0.0").mode(Mode.STRICT));

        assertThat(simulated.strictBaseUrl("bybit", "r0")).startsWith("http://127.0.0.1:");
        assertThat(get(simulated.strictBaseUrl("bybit", "r0") + "/v5/market/time").statusCode()).isEqualTo(200);
        assertThat(SimulatedExchange.venues()).containsExactly("binance-spot", "binance-usdm", "binance-coinm",
                "okx", "deribit", "bybit");
    }

    /** Sends until refused (at most 6,001 times), checks the refusal is a 429 and returns the requests admitted. */
    private static int spendUntilRefused(String url) throws Exception {
        for (int admitted = 0; admitted <= 6_000; admitted++) {
            int status = get(url).statusCode();
            if (status != 200) {
                assertThat(status).isEqualTo(429);
                return admitted;
            }
        }
        throw new AssertionError("never refused: " + url);
    }

    private static LimitUsage usage(SimulatedExchange simulated, String venue, String route, String group) {
        return simulated.limitUsage().stream()
                .filter(u -> u.venue().equals(venue) && u.route().equals(route) && u.group().equals(group))
                .findFirst().orElseThrow();
    }

    private SimulatedExchange strict() {
        return start(SimulatedExchange.builder().clock(clock).mode(Mode.STRICT));
    }

    private SimulatedExchange start(SimulatedExchange.Builder builder) {
        SimulatedExchange exchange = builder.build().start();
        started.add(exchange);
        return exchange;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send("GET", url);
    }

    private static HttpResponse<String> send(String method, String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
