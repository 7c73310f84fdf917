package io.marketprism.topology.exchange;

import io.marketprism.reliability.exchange.ErrorRules;
import io.marketprism.reliability.exchange.ExchangeDefinition;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.reliability.exchange.ExchangeRequest;
import io.marketprism.reliability.exchange.HostSet;
import io.marketprism.reliability.exchange.LimitGroup;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.config.Endpoint;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each task goes, by its exchange's definition: the request (host set, path and query), the limit group it is
 * charged to and the egress route it takes, which together name its limit domain ({@code exchange.group.route}); in a
 * group the exchange limits per instrument, the task's symbol too ({@code exchange.group.route/symbol}), so that each
 * instrument has the group's whole budgets. Routes are chosen by symbol, so one instrument always takes the same
 * route and the routes share the symbols evenly.
 *
 * <p>Tasks are partitioned by host set and route ({@link #partitionKeyOf}): every domain of a host set on one route is
 * decided by one engine, which holds the host set's breakers and balancer for the calls it makes on its routes, and
 * bans every domain of a route when the exchange bans that route's address; the routes of one host set are decided on
 * different partitions where there are enough ({@code DecidingPartitioner}). Immutable and shared by every stream
 * thread.
 */
public final class ExchangeRoutes {

    /** Separates host set and route in a deciding key: {@code binance-spot@proxy1}. */
    public static final char ROUTE_SEPARATOR = '@';

    /** The limit group of a domain whose task no longer resolves (its market or data type was removed). */
    static final String UNROUTABLE = "unroutable";

    /**
     * A task's request and where it is budgeted.
     *
     * @param usedWeightHeader the response header reporting the weight used in the request's limit group, or null
     */
    public record Resolved(ExchangeRequest request, String route, String domain, String usedWeightHeader) {
        public String hostSet() {
            return request.hostSet();
        }
    }

    /** One limit domain the service may meet: its host set (engine exchange), name and limit group. */
    public record Domain(String hostSet, String name, LimitGroup group) {
        /** The egress route the domain's calls take. */
        public String route() {
            return new DomainId(name).route();
        }
    }

    private final ExchangeDefinitions definitions;
    private final Map<String, ExchangeDefinition> served;
    private final List<EgressRoute> routes;
    private final Map<String, List<Endpoint>> endpointsByHostSet;

    /**
     * @param served             names of the exchange definitions served
     * @param endpointsByHostSet every served host set's endpoints (direct URLs)
     * @param routes             one or more egress routes
     */
    public ExchangeRoutes(ExchangeDefinitions definitions, List<String> served,
                          Map<String, List<Endpoint>> endpointsByHostSet, List<EgressRoute> routes) {
        this.definitions = definitions;
        Map<String, ExchangeDefinition> byName = new LinkedHashMap<>();
        served.forEach(name -> byName.put(name, definitions.get(name)));
        // Kept in definition order, which listings, metrics and error messages show.
        this.served = Collections.unmodifiableMap(byName);
        this.routes = List.copyOf(routes);
        this.endpointsByHostSet = Collections.unmodifiableMap(new LinkedHashMap<>(endpointsByHostSet));
        if (this.routes.isEmpty()) {
            throw new IllegalArgumentException("at least one egress route is needed");
        }
    }

    /**
     * The request, route and domain of {@code task}.
     *
     * @throws IllegalArgumentException naming the problem and what is allowed: an exchange not served, a market or
     *                                  data type its definition does not have, a required parameter missing
     */
    public Resolved resolve(CollectorTask task) {
        ExchangeDefinition definition = served.get(task.getExchange());
        if (definition == null) {
            throw new IllegalArgumentException("unknown exchange '" + task.getExchange() + "'; served: "
                    + new java.util.TreeSet<>(served.keySet()));
        }
        ExchangeRequest request = definition.request(task.getMarket(), task.getDataType().name(), task.getSymbol(),
                task.getParams());
        String route = routeOf(task.getSymbol()).name();
        LimitGroup group = definition.limitGroups().get(request.limitGroup());
        // A request that resolves has a symbol: the definition refuses a task without one.
        DomainId domain = group.perInstrument()
                ? DomainId.ofInstrument(definition.name(), group.name(), route, task.getSymbol())
                : DomainId.of(definition.name(), group.name(), route);
        return new Resolved(request, route, domain.name(), group.usedWeightHeader());
    }

    /**
     * The limit domain of {@code task}; for a task that no longer resolves (a definition changed while it waited),
     * {@code exchange.unroutable.route}, which no host set budgets, so that the task can still be stored, counted and
     * then dead-lettered where it is decided on.
     */
    public String domainOf(CollectorTask task) {
        try {
            return resolve(task).domain();
        } catch (IllegalArgumentException unroutable) {
            return DomainId.of(task.getExchange(), UNROUTABLE, routeOf(task.getSymbol()).name()).name();
        }
    }

    /**
     * The domain of {@code task}'s limit group on its route ({@link DomainId#groupDomain()} of {@link #domainOf}): the
     * one its metrics and gauges count it under, so that a per-instrument group has one set of meters.
     */
    public String groupDomainOf(CollectorTask task) {
        return new DomainId(domainOf(task)).groupDomain().name();
    }

    /**
     * The key a task is partitioned by, its deciding key: the host set it is sent to and the route it takes
     * ({@link #decidingKeyOf}); its exchange's name when it does not resolve, so that it still reaches a processor
     * that dead-letters it.
     */
    public String partitionKeyOf(CollectorTask task) {
        try {
            return decidingKeyOf(resolve(task));
        } catch (IllegalArgumentException unroutable) {
            return task.getExchange();
        }
    }

    /** The deciding key of a resolved task. */
    public String decidingKeyOf(Resolved resolved) {
        return decidingKeyOf(resolved.hostSet(), resolved.route());
    }

    /**
     * The deciding key of {@code hostSet} on {@code route}: the host set's name on the first route, so that producers
     * keying by host set, as before routes were partitioned apart, still find the deciding partition of a one-route
     * service; {@code hostSet@route} on any other.
     */
    public String decidingKeyOf(String hostSet, String route) {
        return routes.get(0).name().equals(route) ? hostSet : hostSet + ROUTE_SEPARATOR + route;
    }

    /** The deciding keys of {@code hostSet}, one per route, in route order: where its breakers and balancer live. */
    public List<String> decidingKeysOf(String hostSet) {
        return routes.stream().map(route -> decidingKeyOf(hostSet, route.name())).toList();
    }

    /** The deciding key of a configured {@code domain}, or null for a domain no served host set has. */
    public String decidingKeyOfDomain(String domain) {
        for (Domain known : domains()) {
            if (known.name().equals(domain)) {
                return decidingKeyOf(known.hostSet(), known.route());
            }
        }
        return null;
    }

    /** The host set (the engine's exchange) a task is sent to, or null when it does not resolve. */
    public String hostSetOf(CollectorTask task) {
        try {
            return resolve(task).hostSet();
        } catch (IllegalArgumentException unroutable) {
            return null;
        }
    }

    /** The URL of a resolved call to {@code endpoint}: its route's base URL of the endpoint, path and query. */
    public URI urlOf(Resolved resolved, Endpoint endpoint) {
        return URI.create(route(resolved.route()).baseUrlOf(endpoint) + resolved.request().pathAndQuery());
    }

    /** The route {@code task} takes. */
    public EgressRoute routeOf(CollectorTask task) {
        return routeOf(task.getSymbol());
    }

    /** The URL of a health check of {@code endpoint} on egress route {@code routeName}. */
    public URI healthUrlOf(Endpoint endpoint, String routeName) {
        HostSet hostSet = hostSet(endpoint.exchange());
        return URI.create(route(routeName).baseUrlOf(endpoint) + hostSet.healthPath());
    }

    /** Where the exchange of {@code hostSet} puts its error codes. */
    public ErrorRules errorsOf(String hostSet) {
        return definitionOf(hostSet).errors();
    }

    /** Every limit domain of the served host sets on every route. */
    public List<Domain> domains() {
        List<Domain> domains = new ArrayList<>();
        for (ExchangeDefinition definition : served.values()) {
            for (LimitGroup group : definition.limitGroups().values()) {
                for (EgressRoute route : routes) {
                    domains.add(new Domain(group.hostSet(),
                            DomainId.of(definition.name(), group.name(), route.name()).name(), group));
                }
            }
        }
        return domains;
    }

    public List<EgressRoute> routes() {
        return routes;
    }

    /** Served host sets with their endpoints, direct URLs. */
    public Map<String, List<Endpoint>> endpointsByHostSet() {
        return endpointsByHostSet;
    }

    public ExchangeDefinitions definitions() {
        return definitions;
    }

    private EgressRoute routeOf(String symbol) {
        return routes.get(Math.floorMod(symbol == null ? 0 : symbol.hashCode(), routes.size()));
    }

    private EgressRoute route(String name) {
        for (EgressRoute route : routes) {
            if (route.name().equals(name)) {
                return route;
            }
        }
        throw new IllegalArgumentException("no egress route '" + name + "'");
    }

    private ExchangeDefinition definitionOf(String hostSet) {
        return definitions.ofHostSet(hostSet).filter(d -> served.containsKey(d.name())).orElseThrow(
                () -> new IllegalArgumentException("host set '" + hostSet + "' is not served; served: "
                        + endpointsByHostSet.keySet()));
    }

    private HostSet hostSet(String name) {
        return definitionOf(name).hostSets().get(name);
    }
}
