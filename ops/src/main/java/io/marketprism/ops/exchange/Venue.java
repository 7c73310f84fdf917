package io.marketprism.ops.exchange;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One host family of one exchange as strict mode serves it, written from the exchange's published API docs (each
 * factory cites its sources): the paths it answers (anything else is 404, as on the real host), their parameter
 * rules, the limit groups and what each request takes from them, how it answers a breach, and its error shapes
 * (taken from its {@link Dialect}).
 *
 * @param name          the first path segment of its base URL, e.g. {@code binance-usdm}
 * @param dialect       the answer bodies
 * @param limits        the limit groups, each counted per route
 * @param bans          when a route that keeps breaching is banned
 * @param statuses      HTTP statuses of its error answers
 * @param weightHeader  the header reporting a group's usage on every answer (Binance), if any
 * @param endpoints     the paths it answers
 */
record Venue(String name, Dialect dialect, List<LimitRule> limits, BanPolicy bans, Statuses statuses,
             Optional<UsageHeader> weightHeader, List<VenueEndpoint> endpoints) {

    /**
     * HTTP statuses of a venue's error answers.
     *
     * @param parameterError    a mandatory parameter missing or a value not allowed
     * @param invalidSymbol     an unknown instrument
     * @param rateLimited       a request over a limit
     * @param banned            a request from a banned route
     * @param retryAfterHeader  whether rejections and bans carry {@code Retry-After} (only where documented)
     */
    record Statuses(int parameterError, int invalidSymbol, int rateLimited, int banned, boolean retryAfterHeader) {
    }

    /**
     * A response header carrying the units a route used in a group's current window.
     *
     * @param header the header name, e.g. {@code X-MBX-USED-WEIGHT-1M}
     * @param group  the limit group reported
     */
    record UsageHeader(String header, String group) {
    }

    Venue {
        limits = List.copyOf(limits);
        endpoints = List.copyOf(endpoints);
        Map<String, LimitRule> byGroup = limits.stream()
                .collect(Collectors.toMap(LimitRule::group, Function.identity()));
        for (VenueEndpoint endpoint : endpoints) {
            for (Charge charge : endpoint.charges()) {
                if (!byGroup.containsKey(charge.group())) {
                    throw new IllegalArgumentException(name + endpoint.path() + " charges unknown group "
                            + charge.group() + "; known: " + byGroup.keySet());
                }
            }
        }
        weightHeader.ifPresent(h -> {
            if (!byGroup.containsKey(h.group())) {
                throw new IllegalArgumentException(name + " reports unknown group " + h.group());
            }
        });
    }

    /** The endpoint at this path, if the venue has one. */
    Optional<VenueEndpoint> endpointAt(String path) {
        return endpoints.stream().filter(e -> e.path().equals(path)).findFirst();
    }

    /** The limit group of this name. */
    LimitRule limit(String group) {
        return limits.stream().filter(l -> l.group().equals(group)).findFirst().orElseThrow();
    }

    /** Every venue strict mode serves, by name, in a stable order. */
    static Map<String, Venue> all() {
        return Catalogue.VENUES;
    }

    /** {@link #all()} with every limit multiplied by {@code factor} (at least 1; 1 gives the documented ones). */
    static Map<String, Venue> scaled(long factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("limit scale must be at least 1 but was " + factor);
        }
        if (factor == 1) {
            return all();
        }
        Map<String, Venue> scaled = new LinkedHashMap<>();
        all().forEach((name, venue) -> scaled.put(name, new Venue(name, venue.dialect(),
                venue.limits().stream().map(rule -> rule.scaledBy(factor)).toList(), venue.bans(), venue.statuses(),
                venue.weightHeader(), venue.endpoints())));
        return Collections.unmodifiableMap(scaled);
    }

    /** Built on first use, so the venue tables can refer to this record's nested types while loading. */
    private static final class Catalogue {
        private static final Map<String, Venue> VENUES;

        static {
            Map<String, Venue> venues = new LinkedHashMap<>();
            for (Venue venue : List.of(BinanceVenues.spot(), BinanceVenues.usdMargined(),
                    BinanceVenues.coinMargined(), OkxVenue.create(), DeribitVenue.create(), BybitVenue.create())) {
                venues.put(venue.name(), venue);
            }
            VENUES = Collections.unmodifiableMap(venues);
        }
    }
}
