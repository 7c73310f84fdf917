package io.marketprism.ops.exchange;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one exchange speaks: its endpoints, REST paths (market data and a cheap health check), symbol parameter and the
 * shape of its answers. Subclasses build the bodies; routing is shared.
 */
abstract class Dialect {

    /** Status every dialect answers an unknown or missing symbol with. */
    static final int INVALID_SYMBOL_STATUS = 400;

    private final String name;
    private final List<String> endpoints;
    private final String symbolParameter;
    private final Map<MarketData, String> paths;
    private final String healthPath;

    Dialect(String name, List<String> endpoints, String symbolParameter, Map<MarketData, String> paths,
            String healthPath) {
        if (!paths.keySet().containsAll(List.of(MarketData.ORDER_BOOK, MarketData.TRADES, MarketData.TICKER))) {
            throw new IllegalArgumentException(name + " lacks a path for books, trades or tickers: " + paths.keySet());
        }
        this.name = name;
        this.endpoints = List.copyOf(endpoints);
        this.symbolParameter = symbolParameter;
        this.paths = new EnumMap<>(paths);
        this.healthPath = healthPath;
    }

    /** Lower-case exchange name, the first path segment. */
    final String name() {
        return name;
    }

    /** Endpoint names, the second path segment. */
    final List<String> endpoints() {
        return endpoints;
    }

    /** Query parameter carrying the symbol. */
    final String symbolParameter() {
        return symbolParameter;
    }

    /** The REST path serving this market data, if the exchange has one. */
    final Optional<String> pathOf(MarketData data) {
        return Optional.ofNullable(paths.get(data));
    }

    /** The market data served at this path, if any: one of {@link #pathOf}'s, or of {@link #alsoServes}. */
    final Optional<MarketData> dataAt(String path) {
        return paths.entrySet().stream().filter(e -> e.getValue().equals(path)).map(Map.Entry::getKey).findFirst()
                .or(() -> Optional.ofNullable(alsoServes().get(path)));
    }

    /** Further paths that serve market data, e.g. another host family's under one exchange; none by default. */
    Map<String, MarketData> alsoServes() {
        return Map.of();
    }

    /** The symbol a request names: its {@link #symbolParameter()}, or null. */
    String symbolOf(Map<String, String> query) {
        return query.get(symbolParameter);
    }

    /** The path of the exchange's health check: a ping or the server time, answered without parameters. */
    final String healthPath() {
        return healthPath;
    }

    /** Name of the header reporting the weight used this minute, if the exchange sends one. */
    Optional<String> weightHeader() {
        return Optional.empty();
    }

    /** Request weight charged for this request; 0 where the exchange does not count weight. */
    int weight(MarketData data, Map<String, String> query) {
        return 0;
    }

    /** Request weight charged for a health check; 0 where the exchange does not count weight. */
    int healthCheckWeight() {
        return 0;
    }

    /** Body of a successful answer. */
    abstract String body(MarketData data, MarketSnapshot snapshot);

    /** Body of a successful health check answered at {@code nowMillis}. */
    abstract String healthCheckBody(long nowMillis);

    /** Body of the 400 answer to an unknown or missing symbol. */
    abstract String invalidSymbolBody();

    /** Body of the answer to a request without a mandatory parameter, in the exchange's own error shape. */
    abstract String missingParameterBody(String parameter);

    /** Body of the answer to a parameter whose value the exchange does not accept. */
    abstract String invalidParameterBody(String parameter);

    /** Body of a 429 answer. */
    abstract String rateLimitedBody();

    /** Body of a 418 answer while the endpoint is banned. */
    abstract String bannedBody(long bannedUntilMillis);

    /** Body of a 5xx answer. */
    abstract String serverErrorBody();
}
