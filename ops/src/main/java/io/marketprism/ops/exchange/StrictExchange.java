package io.marketprism.ops.exchange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decisions of strict mode, free of HTTP: URLs are {@code /{venue}/{route}{path}}, where the venue is a host
 * family ({@link Venue#all()}) and the route names the client, standing for its source IP: every limit is counted per
 * route, so two egress routes are two base URLs. A path the venue does not have is 404, as on the real host, and
 * costs nothing; then bans, limits, parameter rules and the instrument are checked, in that order, so a malformed
 * request is charged like any other (Binance charges failed requests their weight: binance-spot-api-docs
 * {@code CHANGELOG.md}, 2026-03-27). Not thread-safe: its owner serialises calls.
 */
final class StrictExchange {

    private static final String NOT_FOUND_BODY = "{\"error\":\"not found\"}";

    private final Map<String, Venue> venues = Venue.all();
    private final LimitLedger ledger = new LimitLedger();
    private final Map<String, Standing> standings = new HashMap<>();
    private long sequence;

    /** Venue names, in a stable order. */
    List<String> venueNames() {
        return List.copyOf(venues.keySet());
    }

    /** Whether {@code /{venue}/{route}{path}} names an endpoint: the venue and path exist and the route is named. */
    Optional<VenueEndpoint> endpoint(String venue, String route, String path) {
        Venue v = venues.get(venue);
        return v == null || route.isEmpty() ? Optional.empty() : v.endpointAt(path);
    }

    /** The answer to a GET of an existing endpoint, charging the route's budgets if admitted. */
    Reply decide(String venueName, String route, VenueEndpoint endpoint, Map<String, String> query, long nowMillis) {
        Venue venue = venues.get(venueName);
        Map<String, String> headers = new LinkedHashMap<>();
        Standing standing = standings.computeIfAbsent(venueName + "/" + route, key -> new Standing());
        if (nowMillis < standing.bannedUntilMillis) {
            return banned(venue, route, standing, headers, nowMillis);
        }
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

    /** A route's standing with one venue: until when it was told to wait, ignored rejections, bans. */
    private static final class Standing {
        private long waitUntilMillis = Long.MIN_VALUE;
        private int ignoredRejections;
        private int bans;
        private long bannedUntilMillis = Long.MIN_VALUE;
    }
}
