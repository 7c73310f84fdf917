package io.marketprism.topology.exec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.config.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Executes tasks and health checks with the JDK's asynchronous {@link HttpClient}: the stream thread only starts the
 * call; the response is handled on the client's own threads, with a per-call timeout.
 */
public final class HttpTaskExecutor implements TaskExecutor {

    private static final String USED_WEIGHT_HEADER = "x-mbx-used-weight-1m";

    private final HttpClient client;
    private final ExecutorService callbacks;
    /** The longest Retry-After taken from a response; a larger one (or one that would overflow) is capped to it. */
    static final long MAX_RETRY_AFTER_MILLIS = 24 * 3600 * 1000L;

    private final Duration timeout;
    private final Clock clock;
    private final HttpResponse.BodyHandler<BoundedBody> bodies;

    /**
     * @param maxBodyBytes the largest response body read; a larger one is not read and its call is answered as
     *                     {@link CallResult#oversized}
     */
    public HttpTaskExecutor(Duration timeout, int maxBodyBytes, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
        this.bodies = BoundedBody.handler(maxBodyBytes);
        this.callbacks = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "marketprism-http");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .executor(callbacks)
                .build();
    }

    @Override
    public CompletionStage<CallResult> execute(CollectorTask task, Endpoint endpoint) {
        return get(endpoint, () -> ExchangeApi.pathAndQuery(task));
    }

    /** A GET of the exchange's health path ({@link ExchangeApi#healthPath}), or of the base URL when none is known. */
    @Override
    public CompletionStage<CallResult> probe(Endpoint endpoint) {
        return get(endpoint, () -> ExchangeApi.healthPath(endpoint.exchange()));
    }

    /** Sends a GET of {@code pathAndQuery} appended to the endpoint's base URL, with the per-call timeout. */
    private CompletionStage<CallResult> get(Endpoint endpoint, Supplier<String> pathAndQuery) {
        long started = clock.millis();
        long startNanos = System.nanoTime();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + pathAndQuery.get()))
                    .timeout(timeout)
                    .header("Accept", "application/json")
                    .GET()
                    .build();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(CallResult.failure(started, 0, e));
        }
        return client.sendAsync(request, bodies)
                .handle((response, error) -> {
                    long latency = (System.nanoTime() - startNanos) / 1_000_000;
                    if (error != null) {
                        Throwable cause = error.getCause() != null && error instanceof CompletionException
                                ? error.getCause() : error;
                        return CallResult.failure(started, latency, cause);
                    }
                    HttpHeaders headers = response.headers();
                    long retryAfter = retryAfterMillis(headers);
                    long usedWeight = headers.firstValueAsLong(USED_WEIGHT_HEADER).orElse(-1);
                    BoundedBody body = response.body();
                    return body.tooLarge()
                            ? CallResult.oversized(started, latency, response.statusCode(), body.oversizedBytes(),
                                    retryAfter, usedWeight)
                            : CallResult.response(started, latency, response.statusCode(), body.text(), retryAfter,
                                    usedWeight);
                });
    }

    /**
     * Retry-After in seconds (the only form exchanges use), as millis, at most {@link #MAX_RETRY_AFTER_MILLIS}; -1
     * when absent or unreadable.
     */
    static long retryAfterMillis(HttpHeaders headers) {
        return headers.firstValue("retry-after").map(v -> {
            try {
                long seconds = Math.max(0, Long.parseLong(v.trim()));
                return Math.min(seconds, MAX_RETRY_AFTER_MILLIS / 1000) * 1000;
            } catch (NumberFormatException e) {
                return -1L;
            }
        }).orElse(-1L);
    }

    @Override
    public void close() {
        callbacks.shutdownNow();
    }
}
