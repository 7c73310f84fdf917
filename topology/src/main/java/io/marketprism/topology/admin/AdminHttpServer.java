package io.marketprism.topology.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.marketprism.topology.config.ServiceConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's HTTP endpoints on {@code http.host:http.port} (JDK HTTP server, loopback by default):
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format;</li>
 *   <li>{@code GET /health/live}: 200 while the process serves HTTP; {@code GET /health/ready}: 200 when Kafka
 *       Streams is RUNNING, else 503; both answer {@code {"status": ..., "state": ...}};</li>
 *   <li>{@code GET /admin/breakers}, {@code /admin/endpoints}, {@code /admin/queues}, {@code /admin/bans}: the whole
 *       cluster's state, {@code ?local=true} for this instance's only;</li>
 *   <li>{@code POST /admin/breakers/{exchange}/{endpoint}/force-open|close|reset} and
 *       {@code POST /admin/bans/{domain}/lift}: need {@code Authorization: Bearer <admin.token>} (401 without, 403
 *       with a wrong one or when no token is configured). A breaker command is applied on every partition deciding
 *       one of the host set's egress routes, each holding its own breakers.</li>
 * </ul>
 */
public final class AdminHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
    private static final String JSON = "application/json";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServiceConfig config;
    private final PrometheusMeterRegistry registry;
    private final AdminMailbox mailbox;
    private final Clock clock;
    private final BearerAuth auth;
    private volatile KafkaStreams streams;
    private HttpServer server;
    private ExecutorService threads;
    private ClusterQueries queries;

    public AdminHttpServer(ServiceConfig config, PrometheusMeterRegistry registry, AdminMailbox mailbox, Clock clock) {
        this.config = config;
        this.registry = registry;
        this.mailbox = mailbox;
        this.clock = clock;
        this.auth = new BearerAuth(config.adminToken());
    }

    /**
     * Binds and starts serving; returns the host:port other instances reach this one at ({@code application.server},
     * by default {@code http.host} and the bound port; bound to every interface, this machine's address instead of
     * the wildcard, which would name every other instance's own loopback).
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public synchronized HostInfo start() {
        try {
            server = HttpServer.create(new InetSocketAddress(config.httpHost(), config.httpPort()), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve HTTP on " + config.httpHost() + ":" + config.httpPort()
                    + " (" + e.getMessage() + "); set " + ServiceConfig.HTTP_PORT + " to a free port, or 0", e);
        }
        HostInfo advertised = config.applicationServer().map(HostInfo::buildFromEndpoint)
                .orElseGet(() -> new HostInfo(reachableHost(server.getAddress()), server.getAddress().getPort()));
        queries = new ClusterQueries(config, advertised, () -> streams, mailbox, clock);
        server.createContext("/metrics", this::metrics);
        server.createContext("/health/", this::health);
        server.createContext("/admin/", this::admin);
        threads = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "marketprism-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.start();
        LOG.info("serving metrics, health and admin API on http://{}:{} (advertised as {}:{})", config.httpHost(),
                server.getAddress().getPort(), advertised.host(), advertised.port());
        return advertised;
    }

    private String reachableHost(InetSocketAddress bound) {
        if (!bound.getAddress().isAnyLocalAddress()) {
            return config.httpHost();
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("bound to every interface, but this machine's address is unknown ("
                    + e.getMessage() + "); set " + ServiceConfig.APPLICATION_SERVER + " to host:port", e);
        }
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The Kafka Streams instance whose state, stores and metadata the endpoints report. */
    public void attach(KafkaStreams kafkaStreams) {
        this.streams = kafkaStreams;
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (!allow(exchange, "GET")) {
            return;
        }
        send(exchange, 200, PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private void health(HttpExchange exchange) throws IOException {
        if (!allow(exchange, "GET")) {
            return;
        }
        KafkaStreams current = streams;
        String state = current == null ? "NOT_STARTED" : current.state().name();
        switch (exchange.getRequestURI().getPath()) {
            case "/health/live" -> send(exchange, 200, JSON, status("UP", state));
            case "/health/ready" -> {
                boolean running = current != null && current.state() == KafkaStreams.State.RUNNING;
                send(exchange, running ? 200 : 503, JSON, status(running ? "UP" : "DOWN", state));
            }
            default -> send(exchange, 404, JSON, AdminJson.message("error", "unknown path"));
        }
    }

    private static byte[] status(String status, String state) {
        return AdminJson.bytes(AdminJson.MAPPER.createObjectNode().put("status", status).put("state", state));
    }

    private void admin(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Map<String, String> query = queryOf(exchange.getRequestURI().getRawQuery());
        boolean localOnly = "true".equals(query.get("local"));
        try {
            if (streams == null) {
                send(exchange, 503, JSON, AdminJson.message("error", "Kafka Streams is not started"));
                return;
            }
            AdminRequest request = AdminRequest.parse(exchange.getRequestMethod(), path);
            if (request == null) {
                send(exchange, 404, JSON, AdminJson.message("error", "unknown admin path " + path));
            } else if (request.listing() != null) {
                byte[] body = localOnly
                        ? AdminJson.listing(queries.local(request.listing()), List.of(), List.of())
                        : queries.cluster(request.listing());
                send(exchange, 200, JSON, body);
            } else {
                command(exchange, request, path, localOnly, localOnly ? forwardedPartition(query) : null);
            }
        } catch (InvalidStateStoreException e) {
            send(exchange, 503, JSON, AdminJson.message("error", "state stores not queryable now (" + e.getMessage()
                    + "); try again"));
        } catch (RuntimeException e) {
            LOG.warn("admin call {} {} failed", exchange.getRequestMethod(), path, e);
            send(exchange, 500, JSON, AdminJson.message("error", e.toString()));
        }
    }

    /**
     * The partition a forwarded command names ({@code ?local=true&partition=p}): the one the forwarding instance
     * looked up, so this one applies it there or answers that it moved; null when it names none.
     */
    private static Integer forwardedPartition(Map<String, String> query) {
        if (!query.containsKey("partition")) {
            return null;
        }
        try {
            return Integer.valueOf(query.get("partition"));
        } catch (NumberFormatException notAPartition) {
            throw new IllegalArgumentException("a forwarded admin command names its partition (partition=<number>), "
                    + "not '" + query.get("partition") + "'");
        }
    }

    private static Map<String, String> queryOf(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return query;
    }

    private void command(HttpExchange exchange, AdminRequest request, String path, boolean forwarded,
                         Integer forwardedPartition) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        BearerAuth.Verdict verdict = auth.check(authorization);
        if (verdict != BearerAuth.Verdict.ALLOWED) {
            LOG.warn("refused admin call {} {} from {}: {}", exchange.getRequestMethod(), path,
                    exchange.getRemoteAddress(), verdict);
            if (verdict == BearerAuth.Verdict.MISSING) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
            }
            send(exchange, verdict.status, JSON, AdminJson.message("error", switch (verdict) {
                case MISSING -> "Authorization: Bearer <admin.token> required";
                case NOT_CONFIGURED -> "admin.token is not configured: mutating calls are disabled";
                default -> "wrong admin token";
            }));
            return;
        }
        String unknown = request.unknownTarget(config);
        if (unknown != null) {
            send(exchange, 404, JSON, AdminJson.message("error", unknown));
            return;
        }
        ClusterQueries.Answer answer = queries.execute(request.command(), path, authorization, forwarded,
                forwardedPartition);
        LOG.info("admin {} {}: HTTP {}", exchange.getRequestMethod(), path, answer.status());
        send(exchange, answer.status(), JSON, answer.body());
    }

    private static boolean allow(HttpExchange exchange, String method) throws IOException {
        if (exchange.getRequestMethod().equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().add("Allow", method);
        send(exchange, 405, JSON, AdminJson.message("error", "method not allowed"));
        return false;
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
            server = null;
        }
    }
}
