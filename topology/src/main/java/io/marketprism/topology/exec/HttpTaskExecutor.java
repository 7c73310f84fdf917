package io.marketprism.topology.exec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.exchange.EgressRoute;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Executes tasks and health checks with the JDK's asynchronous {@link HttpClient}: the stream thread only starts the
 * call; the response is handled on the client's own threads, with a per-call timeout. The request, the egress route
 * and the used-weight header come from the exchange definitions ({@link ExchangeRoutes}); a route with a proxy has a
 * client of its own.
 */
public final class HttpTaskExecutor implements TaskExecutor {

    private final ExchangeRoutes routes;
    /** One client per egress route, by route name. */
    private final Map<String, HttpClient> clients = new HashMap<>();
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
    public HttpTaskExecutor(ExchangeRoutes routes, Duration timeout, int maxBodyBytes, Clock clock) {
        this.routes = routes;
        this.timeout = timeout;
        this.clock = clock;
        this.bodies = BoundedBody.handler(maxBodyBytes);
        this.callbacks = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "marketprism-http");
            t.setDaemon(true);
            return t;
        });
        for (EgressRoute route : routes.routes()) {
            HttpClient.Builder client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(timeout)
                    .executor(callbacks);
            route.proxyUrl().ifPresent(proxy -> client.proxy(ProxySelector.of(
                    new InetSocketAddress(proxy.getHost(), proxy.getPort() < 0 ? 80 : proxy.getPort()))));
            clients.put(route.name(), client.build());
        }
    }

    /** A GET of the task's request, resolved once, on its route. */
    @Override
    public CompletionStage<CallResult> execute(CollectorTask task, Endpoint endpoint) {
        ExchangeRoutes.Resolved resolved;
        try {
            resolved = routes.resolve(task);
        } catch (RuntimeException unroutable) {
            return CompletableFuture.completedFuture(CallResult.failure(clock.millis(), 0, unroutable));
        }
        return get(resolved.route(), () -> routes.urlOf(resolved, endpoint), resolved.usedWeightHeader());
    }

    /** A GET of the host set's health path, on {@code route} (null: the first route). */
    @Override
    public CompletionStage<CallResult> probe(Endpoint endpoint, String route) {
        String name = route != null ? route : routes.routes().get(0).name();
        return get(name, () -> routes.healthUrlOf(endpoint, name), null);
    }

    /**
     * Sends a GET of {@code url} on {@code route}, with the per-call timeout; reads the used weight from
     * {@code weightHeader} when there is one (not null).
     */
    private CompletionStage<CallResult> get(String route, Supplier<URI> url, String weightHeader) {
        long started = clock.millis();
        long startNanos = System.nanoTime();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url.get())
                    .timeout(timeout)
                    .header("Accept", "application/json")
                    .GET()
                    .build();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(CallResult.failure(started, 0, e));
        }
        return clients.get(route).sendAsync(request, bodies)
                .handle((response, error) -> {
                    long latency = (System.nanoTime() - startNanos) / 1_000_000;
                    if (error != null) {
                        Throwable cause = error.getCause() != null && error instanceof CompletionException
                                ? error.getCause() : error;
                        return CallResult.failure(started, latency, cause);
                    }
                    HttpHeaders headers = response.headers();
                    long retryAfter = retryAfterMillis(headers);
                    long usedWeight = weightHeader == null ? -1 : usedWeight(headers, weightHeader);
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

    /** The used weight a header reports, or -1 when it is absent or not a number. */
    private static long usedWeight(HttpHeaders headers, String header) {
        try {
            return headers.firstValueAsLong(header).orElse(-1);
        } catch (NumberFormatException unreadable) {
            return -1;
        }
    }

    @Override
    public void close() {
        callbacks.shutdownNow();
    }
}
