package io.marketprism.ops.exchange;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The decisions of strict mode, free of HTTP: URLs are {@code /{venue}/{route}{path}}, where the venue is a host
 * family ({@link Venue#all()}) and the route names the client, standing for its source IP: every limit is counted per
 * route, so two egress routes are two base URLs. A path the venue does not have is 404, as on the real host, and
 * costs nothing; then bans, limits, parameter rules and the instrument are checked, in that order, so a malformed
 * request is charged like any other (Binance charges failed requests their weight: binance-spot-api-docs
 * {@code CHANGELOG.md}, 2026-03-27).
 *
 * <p><b>Faults.</b> A {@link FaultProfile} may make a host's front end misbehave before the request reaches the
 * venue's limits: connection resets, hangs, 5xx answers and 429s, each in the venue's own shape (its rate-limit status
 * and body, {@code Retry-After} only where the venue documents it, its 5xx error body), and latency on every answer.
 * On a venue that bans (Binance with 418, Bybit with 403; OKX and Deribit document no bans, so they only reject),
 * injected 429s count towards the profile's ban: that many within a minute ban the route as the venue's own bans do
 * (its banned status and body), for the profile's ban length. Injected faults are not charged to the route's budgets
 * and not counted in its usage; their bans are, as every banned answer is. Not thread-safe: its owner serialises calls.
 */
final class StrictExchange {

    private static final int[] SERVER_ERROR_STATUSES = {500, 502, 503};
    private static final long MINUTE_MILLIS = 60_000;

    private final Map<String, Venue> venues;
    private final LimitLedger ledger = new LimitLedger();
    private final Map<String, Standing> standings = new HashMap<>();
    private long sequence;

    /** The venues with their documented limits. */
    StrictExchange() {
        this(1);
    }

    /**
     * The venues with every limit multiplied by {@code limitScale}: for load tests of the service that must not be
     * paced by the real budgets, and that give the service budgets scaled alike.
     */
    StrictExchange(long limitScale) {
        this.venues = Venue.scaled(limitScale);
    }

    /** Venue names, in a stable order. */
    List<String> venueNames() {
        return List.copyOf(venues.keySet());
    }

    /** Whether {@code /{venue}/{route}{path}} names an endpoint: the venue and path exist and the route is named. */
    Optional<VenueEndpoint> endpoint(String venue, String route, String path) {
        Venue v = venues.get(venue);
        return v == null || route.isEmpty() ? Optional.empty() : v.endpointAt(path);
    }

    /**
     * The answer to a GET of an existing endpoint under {@code faults} (drawn from {@code random}), charging the
     * route's budgets if admitted; after the profile's latency.
     */
    Reply decide(String venueName, String route, VenueEndpoint endpoint, Map<String, String> query, long nowMillis,
                 FaultProfile faults, Random random) {
        Venue venue = venues.get(venueName);
        Map<String, String> headers = new LinkedHashMap<>();
        Standing standing = standings.computeIfAbsent(venueName + "/" + route, key -> new Standing());
        Duration latency = faults.drawLatency(random);
        if (nowMillis < standing.bannedUntilMillis) {
            return banned(venue, route, standing, headers, nowMillis).after(latency);
        }
        return switch (faults.drawFault(random)) {
            case CONNECTION_RESET -> Reply.reset(latency);
            case HANG -> Reply.hang(faults.hangLimit());
            case RATE_LIMIT -> injectedRateLimit(venue, route, standing, faults, headers, nowMillis).after(latency);
            case SERVER_ERROR -> answer(venue, route, SERVER_ERROR_STATUSES[random.nextInt(
                    SERVER_ERROR_STATUSES.length)], headers, venue.dialect().serverErrorBody(), nowMillis).after(latency);
            case NONE -> admitted(venue, route, standing, endpoint, query, headers, nowMillis).after(latency);
        };
    }

    private Reply admitted(Venue venue, String route, Standing standing, VenueEndpoint endpoint,
                           Map<String, String> query, Map<String, String> headers, long nowMillis) {
        String venueName = venue.name();
        Optional<LimitLedger.Breach> breach = ledger.tryCharge(venueName, route, demands(venue, endpoint, query),
                nowMillis);
        if (breach.isPresent()) {
            return rejected(venue, route, standing, breach.get(), headers, nowMillis);
        }
        Optional<ParameterRule.Violation> violation = endpoint.parameters().stream()
                .map(rule -> rule.check(query)).flatMap(Optional::stream).findFirst();
        if (violation.isPresent()) {
            String parameter = violation.get().parameter();
            String body = violation.get().problem() == ParameterRule.Problem.MISSING
                    ? venue.dialect().missingParameterBody(parameter)
                    : venue.dialect().invalidParameterBody(parameter);
            return answer(venue, route, venue.statuses().parameterError(), headers, body, nowMillis);
        }
        if (endpoint.data().isEmpty()) {
            return answer(venue, route, 200, headers, venue.dialect().healthCheckBody(nowMillis), nowMillis);
        }
        String instrument = endpoint.instrumentParameter().map(query::get).orElse(null);
        if (instrument != null && instrument.startsWith("INVALID")) {
            return answer(venue, route, venue.statuses().invalidSymbol(), headers,
                    venue.dialect().invalidSymbolBody(), nowMillis);
        }
        MarketSnapshot snapshot = new MarketSnapshot(instrument == null ? "ALL" : instrument, ++sequence, nowMillis);
        return answer(venue, route, 200, headers, venue.dialect().body(endpoint.data().get(), snapshot), nowMillis);
    }

    /** Whether the route is banned by the venue now. */
    boolean banned(String venue, String route, long nowMillis) {
        Standing standing = standings.get(venue + "/" + route);
        return standing != null && nowMillis < standing.bannedUntilMillis;
    }

    /** Usage of every (venue, route, group) seen so far. */
    List<LimitUsage> usage(long nowMillis) {
        return ledger.usage(nowMillis);
    }

    /** Forgets budgets, counters and bans. */
    void reset() {
        ledger.clear();
        standings.clear();
    }

    private static List<LimitLedger.Demand> demands(Venue venue, VenueEndpoint endpoint, Map<String, String> query) {
        List<LimitLedger.Demand> demands = new ArrayList<>();
        for (Charge charge : endpoint.charges()) {
            LimitRule rule = venue.limit(charge.group());
            String scope = rule.scopeParameter().map(p -> query.getOrDefault(p, "")).orElse("");
            demands.add(new LimitLedger.Demand(rule, scope, charge.cost().applyAsLong(query)));
        }
        return demands;
    }

    /**
     * A breach: rejected, or, for a route that keeps sending while told to wait (or on a venue that bans at once),
     * banned for the next, longer ban.
     */
    private Reply rejected(Venue venue, String route, Standing standing, LimitLedger.Breach breach,
                           Map<String, String> headers, long nowMillis) {
        BanPolicy policy = venue.bans();
        if (policy.bans()) {
            standing.ignoredRejections = nowMillis < standing.waitUntilMillis ? standing.ignoredRejections + 1 : 0;
            if (standing.ignoredRejections >= policy.ignoredRejectionsBeforeBan()) {
                standing.bans++;
                standing.bannedUntilMillis = nowMillis + policy.lengthOf(standing.bans).toMillis();
                standing.ignoredRejections = 0;
                return banned(venue, route, standing, headers, nowMillis);
            }
        }
        standing.waitUntilMillis = Math.max(standing.waitUntilMillis, nowMillis + breach.retryAfterMillis());
        if (venue.statuses().retryAfterHeader()) {
            headers.put("Retry-After", String.valueOf(seconds(breach.retryAfterMillis())));
        }
        return answer(venue, route, venue.statuses().rateLimited(), headers, venue.dialect().rateLimitedBody(),
                nowMillis);
    }

    /**
     * An injected 429 in the venue's shape, with the profile's {@code Retry-After} where the venue sends one; on a
     * venue that bans, the profile's {@code banAfter429s}-th within a minute bans the route for the profile's ban
     * length instead.
     */
    private Reply injectedRateLimit(Venue venue, String route, Standing standing, FaultProfile faults,
                                    Map<String, String> headers, long nowMillis) {
        if (faults.banAfter429s() > 0 && venue.bans().bans()) {
            standing.injectedRejections.addLast(nowMillis);
            while (standing.injectedRejections.peekFirst() <= nowMillis - MINUTE_MILLIS) {
                standing.injectedRejections.removeFirst();
            }
            if (standing.injectedRejections.size() >= faults.banAfter429s()) {
                standing.injectedRejections.clear();
                standing.bannedUntilMillis = nowMillis + faults.banDuration().toMillis();
                return banned(venue, route, standing, headers, nowMillis);
            }
        }
        if (venue.statuses().retryAfterHeader()) {
            headers.put("Retry-After", String.valueOf(faults.retryAfterSeconds()));
        }
        return answer(venue, route, venue.statuses().rateLimited(), headers, venue.dialect().rateLimitedBody(),
                nowMillis);
    }

    private Reply banned(Venue venue, String route, Standing standing, Map<String, String> headers,
                         long nowMillis) {
        ledger.countBanned(venue.name(), route);
        if (venue.statuses().retryAfterHeader()) {
            headers.put("Retry-After", String.valueOf(seconds(standing.bannedUntilMillis - nowMillis)));
        }
        return answer(venue, route, venue.statuses().banned(), headers,
                venue.dialect().bannedBody(standing.bannedUntilMillis), nowMillis);
    }

    private Reply answer(Venue venue, String route, int status, Map<String, String> headers, String body,
                         long nowMillis) {
        venue.weightHeader().ifPresent(h -> headers.put(h.header(),
                String.valueOf(ledger.used(venue.name(), route, venue.limit(h.group()), nowMillis))));
        return Reply.answer(status, headers, body, Duration.ZERO);
    }

    private static long seconds(long millis) {
        return (millis + 999) / 1000;
    }

    /**
     * A route's standing with one venue: until when it was told to wait, ignored rejections, bans, and the injected
     * 429s of the last minute.
     */
    private static final class Standing {
        private final ArrayDeque<Long> injectedRejections = new ArrayDeque<>();
        private long waitUntilMillis = Long.MIN_VALUE;
        private int ignoredRejections;
        private int bans;
        private long bannedUntilMillis = Long.MIN_VALUE;
    }
}
