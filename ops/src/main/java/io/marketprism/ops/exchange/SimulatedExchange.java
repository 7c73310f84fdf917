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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server that answers like the public REST APIs of Binance, OKX and Deribit (and, in strict mode, Bybit),
 * for exercising the service without touching real exchanges. It listens on loopback unless the builder names
 * another address. It runs in one of two {@link Mode}s: strict (the default: the exchanges' documented hosts,
 * parameters and limits) or lenient (for benchmarks and fault tests).
 *
 * <p><b>Lenient mode.</b>
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
 *
 * <p><b>Strict mode.</b> Each host family has its own base URL, {@code http://HOST:PORT/{venue}/{route}} (see
 * {@link #strictBaseUrl(String, String)} and {@link #venues()}), answering only the paths its exchange documents, so
 * a request sent to the wrong host family gets 404 as in production. Mandatory parameters and documented values are
 * enforced with the exchange's own error shape; every limit group is counted per route (a route stands for one
 * source IP: point two egress routes at two route names), with the exchange's windows, rejections, bans and headers.
 * The rules are written from the exchanges' docs (see {@link BinanceVenues}, {@link OkxVenue}, {@link DeribitVenue},
 * {@link BybitVenue}), not from the service's configuration. {@link #limitUsage()} and {@code GET /__sim/stats}
 * report per route and group the units used, the peak per window and the rejections and bans answered. The builder's
 * {@link Builder#limitScale} multiplies every limit, for load tests that give the service budgets scaled alike.
 *
 * <p><b>Faults in strict mode.</b> The global profile applies to every request; a host of a venue (an endpoint of the
 * host set, as the service names it, e.g. {@code binance-spot}'s {@code api1}) can have its own, set with
 * {@link #setFaults(String, String, FaultProfile)} under the venue and host names and reached through
 * {@link #strictBaseUrl(String, String, String)}. Faults answer in the venue's shape (see {@link StrictExchange});
 * they are not charged to the route's budgets. The fault admin over HTTP is a lenient-mode feature.
 */
public final class SimulatedExchange implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedExchange.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final Pattern ROUTE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** How strictly the simulator follows the exchanges' documentation. */
    public enum Mode {
        /** Every exchange path on every endpoint, no limits, faults on demand: today's behaviour, for benchmarks. */
        LENIENT,
        /** Host families apart, parameters and documented limits enforced per route; faults in each venue's shape. */
        STRICT
    }

    static {
        // Responses are written as headers then body; without TCP_NODELAY small answers can stall on delayed ACKs.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final String host;
    private final int requestedPort;
    private final Mode mode;
    private final int handlerThreads;
    private final ExchangeSimulation simulation;
    private HttpServer server;
    private ExecutorService handlers;
    private ScheduledExecutorService scheduler;

    private SimulatedExchange(Builder b) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.mode = b.mode;
        this.handlerThreads = b.handlerThreads;
        this.simulation = new ExchangeSimulation(b.clock, b.seed, b.requestLogCapacity,
                b.mode == Mode.STRICT ? Optional.of(b.limitScale) : Optional.empty());
        this.simulation.setGlobalFaults(b.faults);
    }

    /** Starts building; defaults: loopback, a free port, strict mode, seed 42, the system clock, no faults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Exchange names and their endpoint names, in a stable order: binance [api, api1, api2, api3], okx, deribit. */
    public static Map<String, List<String>> endpoints() {
        Map<String, List<String>> endpoints = new LinkedHashMap<>();
        ExchangeSimulation.DIALECTS.forEach((name, dialect) -> endpoints.put(name, dialect.endpoints()));
        return endpoints;
    }

    /** Host families strict mode serves, the first segment of {@link #strictBaseUrl(String, String)}. */
    public static List<String> venues() {
        return List.copyOf(Venue.all().keySet());
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
            throw new UncheckedIOException("could not bind the simulated exchange to " + host + ":" + requestedPort,
                    e);
        }
        handlers = Executors.newFixedThreadPool(handlerThreads, daemonThreads("simulated-exchange-handler"));
        ScheduledThreadPoolExecutor delays = new ScheduledThreadPoolExecutor(1,
                daemonThreads("simulated-exchange-delay"));
        delays.setRemoveOnCancelPolicy(true);
        scheduler = delays;
        server.setExecutor(handlers);
        server.createContext("/", this::serve);
        if (mode == Mode.LENIENT) {
            server.createContext(FaultAdminHandler.CONTEXT, new FaultAdminHandler(simulation));
        }
        server.createContext(StatsHandler.CONTEXT, new StatsHandler(simulation, mode));
        server.start();
        return this;
    }

    /** The bound port. */
    public int port() {
        requireStarted();
        return server.getAddress().getPort();
    }

    /** The mode it serves in. */
    public Mode mode() {
        return mode;
    }

    /**
     * Lenient mode: base URL of one endpoint, e.g. {@code http://127.0.0.1:PORT/binance/api1}; append the exchange's
     * REST path.
     *
     * @throws IllegalArgumentException if the exchange or endpoint is unknown
     */
    public String baseUrl(String exchange, String endpoint) {
        return origin() + "/" + ExchangeSimulation.endpointId(exchange, endpoint);
    }

    /**
     * Strict mode: base URL of one host family as seen from one client route, e.g.
     * {@code http://127.0.0.1:PORT/binance-usdm/route-a}; append the exchange's REST path. Each route name is its own
     * client with its own budgets, so two egress routes of the service point at two route names.
     *
     * @param venue one of {@link #venues()}
     * @param route 1 to 64 of {@code A-Z a-z 0-9 . _ -}
     * @throws IllegalArgumentException if the venue is unknown or the route malformed
     */
    public String strictBaseUrl(String venue, String route) {
        requireVenue(venue);
        return origin() + "/" + venue + "/" + requireName("route", route);
    }

    /**
     * Strict mode: base URL of one host of a host family as seen from one client route, e.g.
     * {@code http://127.0.0.1:PORT/binance-spot/direct@api1}: the route's budgets, the host's faults.
     *
     * @param host 1 to 64 of {@code A-Z a-z 0-9 . _ -}, e.g. the service's endpoint name
     * @throws IllegalArgumentException if the venue is unknown or the route or host malformed
     */
    public String strictBaseUrl(String venue, String route, String host) {
        return strictBaseUrl(venue, route) + ExchangeSimulation.STRICT_HOST_SEPARATOR + requireName("host", host);
    }

    /**
     * Strict mode: the {@link ServedRequest#endpointId()} of requests to {@link #strictBaseUrl(String, String, String)},
     * e.g. {@code binance-spot/direct@api1}.
     */
    public static String strictEndpointId(String venue, String route, String host) {
        return venue + "/" + route + ExchangeSimulation.STRICT_HOST_SEPARATOR + host;
    }

    private static void requireVenue(String venue) {
        if (!Venue.all().containsKey(venue)) {
            throw new IllegalArgumentException("unknown venue " + venue + "; known: " + venues());
        }
    }

    private static String requireName(String what, String name) {
        if (name == null || !ROUTE.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 64 of A-Z a-z 0-9 . _ - but was " + name);
        }
        return name;
    }

    /** Strict mode: usage of every (venue, route, limit group) requested so far; empty in lenient mode. */
    public List<LimitUsage> limitUsage() {
        return simulation.limitUsage();
    }

    private String origin() {
        String address = host.equals("0.0.0.0") || host.equals("::") ? LOOPBACK : host;
        return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port();
    }

    /** Sets the profile followed by every endpoint (strict mode: every host) that has no profile of its own. */
    public void setFaults(FaultProfile faults) {
        simulation.setGlobalFaults(requireProfile(faults));
    }

    /**
     * Gives one endpoint its own profile, replacing the global one for it. In strict mode {@code exchange} is a venue
     * and {@code endpoint} a host of it, as in {@link #strictBaseUrl(String, String, String)}.
     *
     * @throws IllegalArgumentException if the exchange or endpoint is unknown (strict mode: the venue unknown, the
     *                                  host malformed)
     */
    public void setFaults(String exchange, String endpoint, FaultProfile faults) {
        simulation.setEndpointFaults(endpointId(exchange, endpoint), requireProfile(faults));
    }

    /** Makes an endpoint follow the global profile again. */
    public void clearFaults(String exchange, String endpoint) {
        simulation.clearEndpointFaults(endpointId(exchange, endpoint));
    }

    /** The profile an endpoint currently follows. */
    public FaultProfile faults(String exchange, String endpoint) {
        return simulation.faultsFor(endpointId(exchange, endpoint));
    }

    private String endpointId(String exchange, String endpoint) {
        if (mode == Mode.LENIENT) {
            return ExchangeSimulation.endpointId(exchange, endpoint);
        }
        requireVenue(exchange);
        return exchange + "/" + requireName("host", endpoint);
    }

    /**
     * Removes all faults, lifts bans and forgets 429 history and used weight (in strict mode every budget and
     * counter). The request log is kept.
     */
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
     * Starts a simulated exchange and serves until the JVM is stopped:
     * {@code [--lenient] [--host=ADDRESS] [port [seed]]}; port default 8089, seed 42, host 127.0.0.1, strict mode.
     * Prints the base URLs (strict mode: those of route {@code direct}, the service's default route).
     */
    public static void main(String[] args) throws InterruptedException {
        Builder builder = builder();
        List<String> positional = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--lenient")) {
                builder.mode(Mode.LENIENT);
            } else if (arg.startsWith("--host=")) {
                builder.host(arg.substring("--host=".length()));
            } else if (arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + arg + "; known: --lenient, --host=ADDRESS");
            } else {
                positional.add(arg);
            }
        }
        builder.port(positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 8089);
        builder.seed(positional.size() > 1 ? Long.parseLong(positional.get(1)) : 42L);
        SimulatedExchange exchange = builder.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exchange.close();
            stopped.countDown();
        }, "simulated-exchange-shutdown"));
        if (exchange.mode() == Mode.STRICT) {
            venues().forEach(venue -> System.out.println(exchange.strictBaseUrl(venue, "direct")));
        } else {
            endpoints().forEach((name, endpointNames) -> endpointNames.forEach(
                    endpoint -> System.out.println(exchange.baseUrl(name, endpoint))));
            System.out.println("Fault admin: " + exchange.origin() + FaultAdminHandler.CONTEXT);
        }
        System.out.println("Limit usage: " + exchange.origin() + StatsHandler.CONTEXT);
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
        private Mode mode = Mode.STRICT;
        private long seed = 42L;
        private Clock clock = Clock.systemUTC();
        private FaultProfile faults = FaultProfile.ofDefaults();
        private int handlerThreads = 2;
        private int requestLogCapacity = 1_000_000;
        private long limitScale = 1;

        private Builder() {
        }

        /**
         * Strict mode: the factor every documented limit is multiplied by, in [1, 1000000]; default 1 (the documented
         * limits). For load tests that must not be paced by the exchanges' real budgets.
         */
        public Builder limitScale(long factor) {
            if (factor < 1 || factor > 1_000_000) {
                throw new IllegalArgumentException("limitScale must be in [1, 1000000] but was " + factor);
            }
            this.limitScale = factor;
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

        /** Address to listen on, e.g. {@code 0.0.0.0} in a container; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must be an address such as 127.0.0.1 or 0.0.0.0 but was "
                        + host);
            }
            this.host = host;
            return this;
        }

        /** {@link Mode#STRICT} (the default) or {@link Mode#LENIENT}. */
        public Builder mode(Mode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("mode must be LENIENT or STRICT");
            }
            this.mode = mode;
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
