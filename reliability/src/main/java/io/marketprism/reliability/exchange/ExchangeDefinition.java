package io.marketprism.reliability.exchange;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One exchange as its published API defines it, read from a definition file ({@link DefinitionReader}): its host
 * sets, limit groups, markets with the request of each data type, and its error codes. Immutable and validated: every
 * reference between its parts resolves.
 */
public final class ExchangeDefinition {

    private final String name;
    private final String doc;
    private final Map<String, HostSet> hostSets;
    private final Map<String, LimitGroup> limitGroups;
    private final Map<String, Market> markets;
    private final ErrorRules errors;

    ExchangeDefinition(String name, String doc, Map<String, HostSet> hostSets, Map<String, LimitGroup> limitGroups,
                       Map<String, Market> markets, ErrorRules errors) {
        this.name = name;
        this.doc = doc;
        this.hostSets = Collections.unmodifiableMap(new LinkedHashMap<>(hostSets));
        this.limitGroups = Collections.unmodifiableMap(new LinkedHashMap<>(limitGroups));
        this.markets = Collections.unmodifiableMap(new LinkedHashMap<>(markets));
        this.errors = errors;
    }

    public String name() {
        return name;
    }

    /** Where the exchange documents its API. */
    public String doc() {
        return doc;
    }

    public Map<String, HostSet> hostSets() {
        return hostSets;
    }

    public Map<String, LimitGroup> limitGroups() {
        return limitGroups;
    }

    public Map<String, Market> markets() {
        return markets;
    }

    public ErrorRules errors() {
        return errors;
    }

    /** Limit groups consumed by requests sent to {@code hostSet}. */
    public List<LimitGroup> limitGroupsOf(String hostSet) {
        return limitGroups.values().stream().filter(g -> g.hostSet().equals(hostSet)).toList();
    }

    /**
     * The weight rule of each data type requested from {@code hostSet} (the reader checks that markets sharing a host
     * set agree on them).
     */
    public Map<String, String> weightsOf(String hostSet) {
        Map<String, String> weights = new TreeMap<>();
        markets.values().stream().filter(m -> m.hostSet().equals(hostSet))
                .forEach(m -> m.requests().forEach((type, spec) -> weights.put(type, spec.weight())));
        return weights;
    }

    /**
     * The request that fetches {@code dataType} of {@code symbol} in {@code market}, with the task's own
     * {@code params}: the market's fixed parameters, then the task's, then defaults for what it left out.
     *
     * @throws IllegalArgumentException naming what is wrong and what is allowed: an unknown market or data type, a
     *                                  required parameter missing, a fixed one given another value
     */
    public ExchangeRequest request(String market, String dataType, String symbol, Map<String, String> params) {
        Market m = markets.get(market);
        if (m == null) {
            throw new IllegalArgumentException(name + " has no market '" + market + "'; markets: "
                    + markets.keySet());
        }
        RequestSpec spec = m.requests().get(dataType);
        if (spec == null) {
            throw new IllegalArgumentException(name + " " + market + " has no " + dataType + "; data types: "
                    + m.requests().keySet());
        }
        TreeMap<String, String> query = new TreeMap<>(spec.defaults());
        params.forEach(query::put);
        spec.fixed().forEach((param, value) -> {
            String given = params.get(param);
            if (given != null && !given.equals(value)) {
                throw new IllegalArgumentException(name + " " + market + " " + dataType + ": parameter " + param
                        + " is " + value + " in this market, the task gave " + given);
            }
            query.put(param, value);
        });
        if (symbol == null || symbol.isBlank()) {
            throw new IllegalArgumentException(name + " " + market + " " + dataType + " needs a symbol (sent as "
                    + spec.symbolParam() + ")");
        }
        query.put(spec.symbolParam(), symbol);
        for (String param : spec.required()) {
            if (!query.containsKey(param)) {
                throw new IllegalArgumentException(name + " " + market + " " + dataType + " needs parameter '"
                        + param + "'");
            }
        }
        return new ExchangeRequest(m.hostSet(), spec.limitGroup(), spec.path(), Collections.unmodifiableSortedMap(query));
    }

    @Override
    public String toString() {
        return "ExchangeDefinition{" + name + ", hostSets=" + hostSets.keySet() + ", markets=" + markets.keySet() + '}';
    }
}
