package io.marketprism.ops.exchange;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The decisions of the simulated exchange, free of HTTP: routes a request, and records what it served. In lenient
 * mode it applies the fault profile with a seeded random source and keeps per-endpoint ban state and per-exchange
 * weight; in strict mode it hands the request to {@link StrictExchange} with the fault profile of the request's host
 * (the route segment {@code route@host}; a route without a host follows the global profile). Thread-safe; all
 * decisions are made under one lock, so a single client sending requests one after another sees the same sequence of
 * outcomes for the same seed.
 */
final class ExchangeSimulation {

    /** Dialects by exchange name, in the order they are listed. */
    static final Map<String, Dialect> DIALECTS = Collections.unmodifiableMap(Stream.of(new BinanceDialect(),
                    new OkxDialect(), new DeribitDialect())
            .collect(Collectors.toMap(Dialect::name, Function.identity(), (a, b) -> a, LinkedHashMap::new)));

    /** Separates the client route from the host in a strict route segment, e.g. {@code direct@api1}. */
    static final char STRICT_HOST_SEPARATOR = '@';
    private static final int[] SERVER_ERROR_STATUSES = {500, 502, 503};
    private static final long MINUTE_MILLIS = 60_000;
    private static final String NOT_FOUND_BODY = "{\"error\":\"not found\"}";

    private final Clock clock;
    private final Random random;
    private final int logCapacity;
    private final Object lock = new Object();
    private FaultProfile globalFaults = FaultProfile.ofDefaults();
    private final Map<String, FaultProfile> endpointFaults = new HashMap<>();
    private final Map<String, EndpointState> endpointStates = new HashMap<>();
    private final Map<String, WeightWindow> weightByExchange = new HashMap<>();
    private final ArrayDeque<ServedRequest> log = new ArrayDeque<>();
    private final Optional<StrictExchange> strict;
    private long requestCount;
    private long sequence;

    /**
     * @param strictLimitScale empty for lenient mode; in strict mode the factor every documented limit is multiplied
     *                         by (1 for the documented ones)
     */
    ExchangeSimulation(Clock clock, long seed, int logCapacity, Optional<Long> strictLimitScale) {
        this.strict = strictLimitScale.map(StrictExchange::new);
        this.clock = clock;
        this.random = new Random(seed);
        this.logCapacity = logCapacity;
    }

    /**
     * The id of a known endpoint, e.g. {@code binance/api1}.
     *
     * @throws IllegalArgumentException naming the known endpoints if the pair is unknown
     */
    static String endpointId(String exchange, String endpoint) {
        Dialect dialect = DIALECTS.get(exchange);
        if (dialect == null || !dialect.endpoints().contains(endpoint)) {
            throw new IllegalArgumentException("unknown endpoint " + exchange + "/" + endpoint + "; known: "
                    + DIALECTS.values().stream().collect(Collectors.toMap(Dialect::name, Dialect::endpoints,
                    (a, b) -> a, LinkedHashMap::new)));
        }
        return exchange + "/" + endpoint;
    }

    /** Decides the reply to one request and records it. */
    Reply serve(String method, String rawPath, String rawQuery) {
        Target target = Target.parse(rawPath);
        String query = rawQuery == null ? "" : rawQuery;
        Map<String, String> parameters = parseQuery(query);
        synchronized (lock) {
            Instant now = clock.instant();
            if (strict.isPresent()) {
                return serveStrict(strict.get(), method, target, query, parameters, now);
            }
            Dialect dialect = DIALECTS.get(target.exchange());
            boolean knownEndpoint = dialect != null && dialect.endpoints().contains(target.endpoint());
            Optional<MarketData> data = knownEndpoint ? dialect.dataAt(target.path()) : Optional.empty();
            boolean healthCheck = knownEndpoint && dialect.healthPath().equals(target.path());
            if (data.isEmpty() && !healthCheck || !"GET".equals(method)) {
                int status = data.isEmpty() && !healthCheck ? 404 : 405;
                return record(now, target, query, false, healthCheck,
                        Reply.answer(status, Map.of(), NOT_FOUND_BODY, Duration.ZERO));
            }
            boolean bannedOnArrival = isBanned(target, now);
            Reply reply = decide(dialect, data, target, parameters, now);
            return record(now, target, query, bannedOnArrival, healthCheck, reply);
        }
    }

    private Reply serveStrict(StrictExchange exchange, String method, Target target, String query,
                              Map<String, String> parameters, Instant now) {
        String route = strictRoute(target.endpoint());
        Optional<VenueEndpoint> endpoint = exchange.endpoint(target.exchange(), route, target.path());
        boolean healthCheck = endpoint.filter(e -> e.data().isEmpty()).isPresent();
        if (endpoint.isEmpty() || !"GET".equals(method)) {
            return record(now, target, query, false, healthCheck, Reply.answer(endpoint.isEmpty() ? 404 : 405,
                    Map.of(), NOT_FOUND_BODY, Duration.ZERO));
        }
        long nowMillis = now.toEpochMilli();
        boolean bannedOnArrival = exchange.banned(target.exchange(), route, nowMillis);
        FaultProfile faults = endpointFaults.getOrDefault(strictHostId(target.exchange(), target.endpoint()),
                globalFaults);
        Reply reply = exchange.decide(target.exchange(), route, endpoint.get(), parameters, nowMillis, faults, random);
        return record(now, target, query, bannedOnArrival, healthCheck, reply);
    }

    /** The client route of a strict route segment {@code route} or {@code route@host}. */
    private static String strictRoute(String segment) {
        int at = segment.indexOf(STRICT_HOST_SEPARATOR);
        return at < 0 ? segment : segment.substring(0, at);
    }

    /**
     * The id faults of a strict host are kept under, {@code venue/host}, from a route segment {@code route@host};
     * {@code venue/} for a segment without a host.
     */
    private static String strictHostId(String venue, String segment) {
        int at = segment.indexOf(STRICT_HOST_SEPARATOR);
        return venue + "/" + (at < 0 ? "" : segment.substring(at + 1));
    }

    /** Usage of every (venue, route, limit group) in strict mode; empty in lenient mode. */
    List<LimitUsage> limitUsage() {
        synchronized (lock) {
            return strict.map(s -> s.usage(clock.millis())).orElse(List.of());
        }
    }

    /**
     * The reply to a market-data request ({@code data} present) or to a health check ({@code data} empty): both
     * follow the endpoint's fault profile, bans and weight alike.
     */
    private Reply decide(Dialect dialect, Optional<MarketData> data, Target target, Map<String, String> parameters,
                         Instant now) {
        long nowMillis = now.toEpochMilli();
        Map<String, String> headers = new LinkedHashMap<>();
        int weight = data.map(d -> dialect.weight(d, parameters)).orElse(dialect.healthCheckWeight());
        dialect.weightHeader().ifPresent(header -> headers.put(header, String.valueOf(
                weightByExchange.computeIfAbsent(dialect.name(), n -> new WeightWindow()).add(nowMillis, weight))));
        FaultProfile faults = faultsFor(target.endpointId());
        EndpointState state = endpointStates.computeIfAbsent(target.endpointId(), id -> new EndpointState());
        Duration latency = faults.drawLatency(random);
        if (state.isBannedAt(nowMillis)) {
            headers.put("Retry-After", String.valueOf(state.banSecondsLeft(nowMillis)));
            return Reply.answer(418, headers, dialect.bannedBody(state.bannedUntilMillis), latency);
        }
        switch (faults.drawFault(random)) {
            case CONNECTION_RESET -> {
                return Reply.reset(latency);
            }
            case HANG -> {
                return Reply.hang(faults.hangLimit());
            }
            case RATE_LIMIT -> {
                state.recordRateLimited(nowMillis, faults);
                headers.put("Retry-After", String.valueOf(faults.retryAfterSeconds()));
                return Reply.answer(429, headers, dialect.rateLimitedBody(), latency);
            }
            case SERVER_ERROR -> {
                int status = SERVER_ERROR_STATUSES[random.nextInt(SERVER_ERROR_STATUSES.length)];
                return Reply.answer(status, headers, dialect.serverErrorBody(), latency);
            }
            case NONE -> {
            }
        }
        if (data.isEmpty()) {
            return Reply.answer(200, headers, dialect.healthCheckBody(nowMillis), latency);
        }
        String symbol = dialect.symbolOf(parameters);
        if (symbol == null || symbol.isBlank() || symbol.startsWith("INVALID")) {
            return Reply.answer(Dialect.INVALID_SYMBOL_STATUS, headers, dialect.invalidSymbolBody(), latency);
        }
        MarketSnapshot snapshot = new MarketSnapshot(symbol, ++sequence, nowMillis);
        return Reply.answer(200, headers, faults.bodyOf(data.get(), dialect.body(data.get(), snapshot)), latency);
    }

    private boolean isBanned(Target target, Instant now) {
        EndpointState state = endpointStates.get(target.endpointId());
        return state != null && state.isBannedAt(now.toEpochMilli());
    }

    private Reply record(Instant now, Target target, String query, boolean banned, boolean healthCheck, Reply reply) {
        requestCount++;
        if (log.size() == logCapacity) {
            log.removeFirst();
        }
        log.addLast(new ServedRequest(now, target.exchange(), target.endpoint(), target.path(), query,
                reply.status(), banned, reply.delivery(), healthCheck));
        return reply;
    }

    /** Sets the profile of every endpoint without its own. */
    void setGlobalFaults(FaultProfile faults) {
        synchronized (lock) {
            globalFaults = faults;
        }
    }

    /** Gives one endpoint its own profile. */
    void setEndpointFaults(String endpointId, FaultProfile faults) {
        synchronized (lock) {
            endpointFaults.put(endpointId, faults);
        }
    }

    /** Makes an endpoint follow the global profile again. */
    void clearEndpointFaults(String endpointId) {
        synchronized (lock) {
            endpointFaults.remove(endpointId);
        }
    }

    /** No faults anywhere, bans lifted, 429 history and used weight (in strict mode: every budget) forgotten. */
    void resetFaults() {
        synchronized (lock) {
            globalFaults = FaultProfile.ofDefaults();
            endpointFaults.clear();
            endpointStates.clear();
            weightByExchange.clear();
            strict.ifPresent(StrictExchange::reset);
        }
    }

    FaultProfile globalFaults() {
        synchronized (lock) {
            return globalFaults;
        }
    }

    Map<String, FaultProfile> endpointFaults() {
        synchronized (lock) {
            return Map.copyOf(endpointFaults);
        }
    }

    /** The profile an endpoint currently follows. */
    FaultProfile faultsFor(String endpointId) {
        synchronized (lock) {
            return endpointFaults.getOrDefault(endpointId, globalFaults);
        }
    }

    List<ServedRequest> requests() {
        synchronized (lock) {
            return new ArrayList<>(log);
        }
    }

    long requestCount() {
        synchronized (lock) {
            return requestCount;
        }
    }

    void clearRequests() {
        synchronized (lock) {
            log.clear();
            requestCount = 0;
        }
    }

    /** The parameters of a raw query string, decoded; the first of repeated names wins. */
    static Map<String, String> parseQuery(String query) {
        Map<String, String> parameters = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            parameters.putIfAbsent(decode(key), decode(value));
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    /** The parts of a request path: {@code /{exchange}/{endpoint}{path}}. */
    record Target(String exchange, String endpoint, String path) {

        static Target parse(String rawPath) {
            String rest = rawPath == null ? "" : rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
            int first = rest.indexOf('/');
            if (first < 0) {
                return new Target(rest, "", "");
            }
            int second = rest.indexOf('/', first + 1);
            return second < 0
                    ? new Target(rest.substring(0, first), rest.substring(first + 1), "")
                    : new Target(rest.substring(0, first), rest.substring(first + 1, second), rest.substring(second));
        }

        String endpointId() {
            return exchange + "/" + endpoint;
        }
    }

    /** 429s an endpoint answered within the last minute, and until when it is banned. */
    private static final class EndpointState {

        private final ArrayDeque<Long> recentRateLimitedMillis = new ArrayDeque<>();
        private long bannedUntilMillis = Long.MIN_VALUE;

        boolean isBannedAt(long nowMillis) {
            return nowMillis < bannedUntilMillis;
        }

        long banSecondsLeft(long nowMillis) {
            return (bannedUntilMillis - nowMillis + 999) / 1000;
        }

        void recordRateLimited(long nowMillis, FaultProfile faults) {
            if (faults.banAfter429s() == 0) {
                return;
            }
            recentRateLimitedMillis.addLast(nowMillis);
            while (recentRateLimitedMillis.peekFirst() <= nowMillis - MINUTE_MILLIS) {
                recentRateLimitedMillis.removeFirst();
            }
            if (recentRateLimitedMillis.size() >= faults.banAfter429s()) {
                bannedUntilMillis = nowMillis + faults.banDuration().toMillis();
                recentRateLimitedMillis.clear();
            }
        }
    }

    /** Weight used in the current clock minute, as Binance counts it. */
    private static final class WeightWindow {

        private long minute = Long.MIN_VALUE;
        private long used;

        long add(long nowMillis, int weight) {
            long currentMinute = Math.floorDiv(nowMillis, MINUTE_MILLIS);
            if (currentMinute != minute) {
                minute = currentMinute;
                used = 0;
            }
            used += weight;
            return used;
        }
    }
}
