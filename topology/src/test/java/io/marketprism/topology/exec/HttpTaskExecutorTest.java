package io.marketprism.topology.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.config.ServiceConfig;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor against a real local HTTP server: requests go to the task's host set with the path and query its
 * exchange's definition gives, on the task's route; bodies are read up to the limit, Retry-After is bounded.
 */
class HttpTaskExecutorTest {

    private static final int LIMIT = 64 * 1024;

    private HttpServer server;
    private HttpTaskExecutor executor;
    private ServiceConfig config;
    private Endpoint endpoint;
    /** Path and query of every request the server received, other than order books. */
    private final Queue<String> requests = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v3/depth", exchange -> {
            int size = Integer.parseInt(exchange.getRequestURI().getQuery().replaceAll(".*limit=(\\d+).*", "$1"));
            boolean chunked = exchange.getRequestURI().getQuery().contains("symbol=CHUNKED");
            byte[] body = "x".repeat(size).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < body.length; i += 8192) {
                    out.write(body, i, Math.min(8192, body.length - i));
                }
            }
        });
        server.createContext("/", exchange -> {
            URI uri = exchange.getRequestURI();
            requests.add(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            exchange.getResponseHeaders().add("X-MBX-USED-WEIGHT-1M", "17");
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        String local = "http://127.0.0.1:" + server.getAddress().getPort();
        // Each host set under its own path prefix, so the path a request arrives at tells which host set it went to.
        config = ServiceConfig.builder()
                .exchanges(List.of("binance", "okx"))
                .exchange("binance-spot", "api=" + local)
                .exchange("binance-usdm", "fapi=" + local + "/usdm")
                .exchange("okx", "www=" + local + "/okx")
                .routes(List.of("direct", "second"))
                .routeEndpoints("okx", "second", "www=" + local + "/okx-second")
                .build();
        executor = new HttpTaskExecutor(config.routes(), Duration.ofSeconds(5), LIMIT, Clock.systemUTC());
        endpoint = endpointOf("binance-spot");
    }

    private Endpoint endpointOf(String hostSet) {
        return config.endpointsByExchange().get(hostSet).get(0);
    }

    private static CollectorTask task(String exchange, String market, DataType dataType, String symbol) {
        return CollectorTask.newBuilder().setTaskId("t").setExchange(exchange).setMarket(market).setDataType(dataType)
                .setSymbol(symbol).setCreatedAt(Instant.EPOCH).build();
    }

    private CallResult call(CollectorTask task) throws Exception {
        Endpoint to = endpointOf(config.routes().hostSetOf(task));
        return executor.execute(task, to).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldCallABinancePerpFundingRateOnTheUsdmHostsWithTheirPathAndReadTheirUsedWeight() throws Exception {
        CallResult result = call(task("binance", "perp", DataType.FUNDING_RATE, "BTCUSDT"));

        assertThat(result.httpStatus()).isEqualTo(200);
        assertThat(requests).containsExactly("/usdm/fapi/v1/premiumIndex?symbol=BTCUSDT");
        assertThat(result.usedWeight()).isEqualTo(17);
    }

    @Test
    void shouldSendTheInstrumentTypeAnOkxOpenInterestRequestNeeds() throws Exception {
        CollectorTask swap = task("okx", "perp", DataType.OPEN_INTEREST, "BTC-USDT-SWAP");
        CollectorTask future = task("okx", "futures", DataType.OPEN_INTEREST, "BTC-USD-260327");

        CallResult swapResult = call(swap);
        CallResult futureResult = call(future);

        String swapBase = config.routes().routeOf(swap).name().equals("direct") ? "/okx" : "/okx-second";
        String futureBase = config.routes().routeOf(future).name().equals("direct") ? "/okx" : "/okx-second";
        assertThat(requests).containsExactly(
                swapBase + "/api/v5/public/open-interest?instId=BTC-USDT-SWAP&instType=SWAP",
                futureBase + "/api/v5/public/open-interest?instId=BTC-USD-260327&instType=FUTURES");
        assertThat(swapResult.usedWeight()).as("OKX reports no used weight").isEqualTo(-1);
        assertThat(futureResult.httpStatus()).isEqualTo(200);
    }

    @Test
    void shouldSendEachTaskToItsRoutesUrlOfTheEndpoint() throws Exception {
        Map<String, String> symbolByRoute = new java.util.HashMap<>();
        for (int i = 0; symbolByRoute.size() < 2; i++) {
            String symbol = "C" + i + "-USDT";
            symbolByRoute.putIfAbsent(config.routes().routeOf(task("okx", "spot", DataType.TICKER, symbol)).name(),
                    symbol);
        }

        call(task("okx", "spot", DataType.TICKER, symbolByRoute.get("direct")));
        call(task("okx", "spot", DataType.TICKER, symbolByRoute.get("second")));

        assertThat(requests).containsExactly(
                "/okx/api/v5/market/ticker?instId=" + symbolByRoute.get("direct"),
                "/okx-second/api/v5/market/ticker?instId=" + symbolByRoute.get("second"));
    }

    @Test
    void shouldProbeTheHealthPathOfTheEndpointsHostSet() throws Exception {
        CallResult usdm = executor.probe(endpointOf("binance-usdm"), null).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        CallResult okx = executor.probe(endpointOf("okx"), null).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(usdm.showsHealthy()).isTrue();
        assertThat(okx.showsHealthy()).isTrue();
        assertThat(requests).containsExactly("/usdm/fapi/v1/ping", "/okx/api/v5/public/time");
    }

    @Test
    void shouldProbeOnTheRouteItIsGiven() throws Exception {
        CallResult onSecond = executor.probe(endpointOf("okx"), "second").toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        assertThat(onSecond.showsHealthy()).isTrue();
        assertThat(requests).containsExactly("/okx-second/api/v5/public/time");
    }

    @AfterEach
    void stop() {
        executor.close();
        server.stop(0);
    }

    private CallResult depth(String symbol, int bytes) throws Exception {
        CollectorTask task = CollectorTask.newBuilder().setTaskId("t").setExchange("binance")
                .setDataType(DataType.ORDER_BOOK).setSymbol(symbol).setParams(Map.of("limit", String.valueOf(bytes)))
                .setCreatedAt(Instant.EPOCH).build();
        return executor.execute(task, endpoint).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldReadABodyUpToTheLimitWhole() throws Exception {
        CallResult result = depth("BTCUSDT", LIMIT);

        assertThat(result.bodyTooLarge()).isFalse();
        assertThat(result.body()).hasSize(LIMIT);
    }

    @Test
    void shouldNotReadABodyWhoseContentLengthExceedsTheLimit() throws Exception {
        CallResult result = depth("BTCUSDT", 3_000_000);

        assertThat(result.httpStatus()).isEqualTo(200);
        assertThat(result.bodyTooLarge()).isTrue();
        assertThat(result.oversizedBytes()).isEqualTo(3_000_000);
        assertThat(result.body()).isEmpty();
    }

    @Test
    void shouldStopReadingAChunkedBodyOnceItExceedsTheLimit() throws Exception {
        CallResult result = depth("CHUNKED", 3_000_000);

        assertThat(result.bodyTooLarge()).isTrue();
        assertThat(result.oversizedBytes()).isGreaterThan(LIMIT).isLessThan(3_000_000);
    }

    @Test
    void shouldCapAHugeRetryAfterInsteadOfOverflowing() {
        assertThat(HttpTaskExecutor.retryAfterMillis(headers("120"))).isEqualTo(120_000);
        assertThat(HttpTaskExecutor.retryAfterMillis(headers("9223372036854775807")))
                .isEqualTo(HttpTaskExecutor.MAX_RETRY_AFTER_MILLIS);
        assertThat(HttpTaskExecutor.retryAfterMillis(headers("99999999999999999")))
                .isEqualTo(HttpTaskExecutor.MAX_RETRY_AFTER_MILLIS);
        assertThat(HttpTaskExecutor.retryAfterMillis(headers("soon"))).isEqualTo(-1);
    }

    private static HttpHeaders headers(String retryAfter) {
        return HttpHeaders.of(Map.of("retry-after", List.of(retryAfter)), (k, v) -> true);
    }
}
