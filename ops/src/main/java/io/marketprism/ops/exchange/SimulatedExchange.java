package io.marketprism.ops.exchange;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server (on loopback unless told otherwise) that answers like the public REST APIs of Binance, OKX and Deribit, with faults that
 * can be switched on at runtime, for exercising the service without touching real exchanges.
 *
 * <p>URLs are {@code http://127.0.0.1:PORT/{exchange}/{endpoint}{path}}, e.g.
 * {@code /binance/api1/api/v3/depth?symbol=BTCUSDT&limit=100}; see {@link #endpoints()} for the endpoints. Bodies are
 * small and deterministic. A missing symbol, or one starting with {@code INVALID}, gets the exchange's invalid-symbol
 * error with status 400 (Binance -1121, OKX 51001, Deribit -32602); unknown paths get 404. Each exchange also answers
 * its health check, without parameters: Binance {@code /api/v3/ping} ({@code {}}), OKX {@code /api/v5/public/time}
 * and Deribit {@code /api/v2/public/test}, under the same faults and bans as market data. Binance answers carry
 * {@code X-MBX-USED-WEIGHT-1M}: the weight used by all Binance endpoints together in the current clock minute.
 *
 * <p>Faults follow a {@link FaultProfile}: a global one, overridable per endpoint, also settable over HTTP at
 * {@code /admin/faults} (GET shows, PUT sets, DELETE clears; see the JSON keys in {@code FaultAdminHandler}).
 * Random decisions come from one {@link java.util.Random} seeded by the builder. Latency and hangs are served from a
 * scheduler, so they hold no handler thread. Every request to an exchange path is recorded as a
 * {@link ServedRequest}, which tells health checks from market-data calls.
 */
public final class SimulatedExchange implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedExchange.class);
    private static final String LOOPBACK = "127.0.0.1";

    static {
        // Responses are written as headers then body; without TCP_NODELAY small answers can stall on delayed ACKs.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final String host;
    private final int requestedPort;
    private final int handlerThreads;
    private final ExchangeSimulation simulation;
    private HttpServer server;
    private ExecutorService handlers;
    private ScheduledExecutorService scheduler;

    private SimulatedExchange(Builder b) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.handlerThreads = b.handlerThreads;
        this.simulation = new ExchangeSimulation(b.clock, b.seed, b.requestLogCapacity);
        this.simulation.setGlobalFaults(b.faults);
    }

    /** Starts building; defaults: a free port, seed 42, the system clock, no faults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Exchange names and their endpoint names, in a stable order: binance [api, api1, api2, api3], okx, deribit. */
    public static Map<String, List<String>> endpoints() {
        Map<String, List<String>> endpoints = new LinkedHashMap<>();
        ExchangeSimulation.DIALECTS.forEach((name, dialect) -> endpoints.put(name, dialect.endpoints()));
        return endpoints;
    }

    /**
     * Binds the port and starts serving.
     *
     * @return this exchange, started
     * @throws IllegalStateException if already started
     * @throws UncheckedIOException if the port cannot be bound
     */
    public SimulatedExchange start() {
        if (server != null) {
            throw new IllegalStateException("SimulatedExchange is already started on port " + port());
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), requestedPort), 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("could not bind the simulated exchange to " + host + ":" + requestedPort, e);
        }
        handlers = Executors.newFixedThreadPool(handlerThreads, daemonThreads("simulated-exchange-handler"));
        ScheduledThreadPoolExecutor delays = new ScheduledThreadPoolExecutor(1,
                daemonThreads("simulated-exchange-delay"));
        delays.setRemoveOnCancelPolicy(true);
        scheduler = delays;
        server.setExecutor(handlers);
        server.createContext("/", this::serve);
        server.createContext(FaultAdminHandler.CONTEXT, new FaultAdminHandler(simulation));
        server.start();
        return this;
    }

    /** The bound port. */
    public int port() {
        requireStarted();
        return server.getAddress().getPort();
    }

    /**
     * Base URL of one endpoint, e.g. {@code http://127.0.0.1:PORT/binance/api1}; append the exchange's REST path.
     * Bound to every interface, the exchange is named by its loopback address.
     *
     * @throws IllegalArgumentException if the exchange or endpoint is unknown
     */
    public String baseUrl(String exchange, String endpoint) {
        int port = port();
        return "http://" + reachableHost() + ":" + port + "/" + ExchangeSimulation.endpointId(exchange, endpoint);
    }

    private String reachableHost() {
        return server.getAddress().getAddress().isAnyLocalAddress() ? LOOPBACK : host;
    }

    /** Sets the profile followed by every endpoint that has no profile of its own. */
    public void setFaults(FaultProfile faults) {
        simulation.setGlobalFaults(requireProfile(faults));
    }

    /**
     * Gives one endpoint its own profile, replacing the global one for it.
     *
     * @throws IllegalArgumentException if the exchange or endpoint is unknown
     */
    public void setFaults(String exchange, String endpoint, FaultProfile faults) {
        simulation.setEndpointFaults(ExchangeSimulation.endpointId(exchange, endpoint), requireProfile(faults));
    }

    /** Makes an endpoint follow the global profile again. */
    public void clearFaults(String exchange, String endpoint) {
        simulation.clearEndpointFaults(ExchangeSimulation.endpointId(exchange, endpoint));
    }

    /** The profile an endpoint currently follows. */
    public FaultProfile faults(String exchange, String endpoint) {
        return simulation.faultsFor(ExchangeSimulation.endpointId(exchange, endpoint));
    }

    /** Removes all faults, lifts bans and forgets 429 history and used weight. The request log is kept. */
    public void resetFaults() {
        simulation.resetFaults();
    }

    /** A copy of the recorded requests, oldest first (at most the builder's request log capacity, the newest). */
    public List<ServedRequest> requests() {
        return simulation.requests();
    }

    /** Number of exchange requests received since start or {@link #clearRequests()}. */
    public long requestCount() {
        return simulation.requestCount();
    }

    /** Empties the request log and resets the count. */
    public void clearRequests() {
        simulation.clearRequests();
    }

    /** Stops serving at once, dropping pending delayed answers and hung connections. Idempotent. */
    @Override
    public void close() {
        if (server == null) {
            return;
        }
        server.stop(0);
        scheduler.shutdownNow();
        handlers.shutdownNow();
        server = null;
    }

    /**
     * Starts a simulated exchange on the port given as the first argument (default 8089), with the seed given as the
     * second (default 42), bound to the address given as the third (default 127.0.0.1; {@code 0.0.0.0} in a
     * container), prints the base URLs and serves until the JVM is stopped.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42L;
        String host = args.length > 2 ? args[2] : LOOPBACK;
        SimulatedExchange exchange = builder().host(host).port(port).seed(seed).build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exchange.close();
            stopped.countDown();
        }, "simulated-exchange-shutdown"));
        endpoints().forEach((name, endpointNames) -> endpointNames.forEach(
                endpoint -> System.out.println(exchange.baseUrl(name, endpoint))));
        System.out.println("Fault admin: http://" + exchange.reachableHost() + ":" + exchange.port()
                + FaultAdminHandler.CONTEXT);
        stopped.await();
    }

    private void serve(HttpExchange http) {
        try (InputStream in = http.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
            URI uri = http.getRequestURI();
            Reply reply = simulation.serve(http.getRequestMethod(), uri.getRawPath(), uri.getRawQuery());
            if (reply.delay().isZero()) {
                deliver(http, reply);
            } else {
                scheduler.schedule(() -> deliver(http, reply), reply.delay().toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("simulated exchange could not serve {}", http.getRequestURI(), e);
            http.close();
        }
    }

    /** Sends the answer, or closes the connection without one for a reset or an expired hang. */
    private static void deliver(HttpExchange http, Reply reply) {
        if (reply.delivery() != ServedRequest.Delivery.ANSWERED) {
            http.close();
            return;
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = http.getResponseBody()) {
            http.getResponseHeaders().set("Content-Type", "application/json");
            reply.headers().forEach((name, value) -> http.getResponseHeaders().set(name, value));
            http.sendResponseHeaders(reply.status(), body.length);
            out.write(body);
        } catch (IOException clientGone) {
            LOG.debug("client closed before the answer to {} was sent", http.getRequestURI(), clientGone);
        } finally {
            http.close();
        }
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("SimulatedExchange is not started");
        }
    }

    private static FaultProfile requireProfile(FaultProfile faults) {
        if (faults == null) {
            throw new IllegalArgumentException("faults must not be null; use FaultProfile.ofDefaults() for none");
        }
        return faults;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Settings of a {@link SimulatedExchange}; every setter validates its value. */
    public static final class Builder {

        private String host = LOOPBACK;
        private int port;
        private long seed = 42L;
        private Clock clock = Clock.systemUTC();
        private FaultProfile faults = FaultProfile.ofDefaults();
        private int handlerThreads = 2;
        private int requestLogCapacity = 1_000_000;

        private Builder() {
        }

        /** Address to listen on: an IP or host name; default 127.0.0.1, {@code 0.0.0.0} for every interface. */
        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must be an IP address or host name but was '" + host + "'");
            }
            this.host = host;
            return this;
        }

        /** Port to listen on, in [0, 65535]; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be in [0, 65535] but was " + port);
            }
            this.port = port;
            return this;
        }

        /** Seed of the random source behind every fault decision and latency draw; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Clock for request times, bans and the weight minute; default the system UTC clock. */
        public Builder clock(Clock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            this.clock = clock;
            return this;
        }

        /** Global fault profile at start; default none. */
        public Builder faults(FaultProfile faults) {
            this.faults = requireProfile(faults);
            return this;
        }

        /** Threads deciding and answering requests, in [1, 64]; default 2. */
        public Builder handlerThreads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("handlerThreads must be in [1, 64] but was " + threads);
            }
            this.handlerThreads = threads;
            return this;
        }

        /** Most recent requests kept in the log, in [1, 10000000]; default 1000000. */
        public Builder requestLogCapacity(int capacity) {
            if (capacity < 1 || capacity > 10_000_000) {
                throw new IllegalArgumentException("requestLogCapacity must be in [1, 10000000] but was " + capacity);
            }
            this.requestLogCapacity = capacity;
            return this;
        }

        /** Returns an exchange that is not yet started. */
        public SimulatedExchange build() {
            return new SimulatedExchange(this);
        }
    }
}
