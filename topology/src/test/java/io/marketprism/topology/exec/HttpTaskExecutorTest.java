package io.marketprism.topology.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.topology.config.Endpoint;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The executor against a real local HTTP server: bodies are read up to the limit, Retry-After is bounded. */
class HttpTaskExecutorTest {

    private static final int LIMIT = 64 * 1024;

    private HttpServer server;
    private HttpTaskExecutor executor;
    private Endpoint endpoint;

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
        server.start();
        executor = new HttpTaskExecutor(io.marketprism.topology.config.ServiceConfig.ofDefaults().routes(), Duration.ofSeconds(5), LIMIT, Clock.systemUTC());
        endpoint = new Endpoint("binance", "api", URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
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
