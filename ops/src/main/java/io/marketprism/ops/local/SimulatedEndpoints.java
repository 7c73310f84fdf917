package io.marketprism.ops.local;

import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.reliability.exchange.ExchangeDefinition;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.topology.config.ServiceConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Service settings that point the exchanges at a {@link SimulatedExchange}, the way a user points them at a mock:
 * {@code exchange.<host set>.endpoints} and, per further egress route, {@code exchange.<host set>.route.<r>.endpoints}.
 */
public final class SimulatedEndpoints {

    /** The exchanges a lenient simulator speaks (it has no Bybit). */
    public static final List<String> LENIENT_EXCHANGES = List.of("binance", "deribit", "okx");

    private SimulatedEndpoints() {
    }

    /**
     * A strict simulator: every host set of every shipped definition at its own venue, each route a client of its own
     * (its own budgets), so a request to the wrong host family gets the simulator's 404; each endpoint at its own host
     * of the venue, so that faults can be given to one endpoint.
     *
     * @param routes the egress routes, the first one used for health checks; each becomes a simulator route name
     */
    public static Map<String, String> strict(SimulatedExchange exchange, List<String> routes) {
        Map<String, String> settings = new LinkedHashMap<>();
        ExchangeDefinitions definitions = ExchangeDefinitions.builtIn();
        settings.put(ServiceConfig.EXCHANGES, String.join(",", definitions.all().keySet()));
        settings.put(ServiceConfig.ROUTES, String.join(",", routes));
        for (ExchangeDefinition definition : definitions.all().values()) {
            definition.hostSets().forEach((hostSet, hosts) -> {
                for (int r = 0; r < routes.size(); r++) {
                    String route = routes.get(r);
                    String spec = hosts.endpoints().keySet().stream()
                            .map(name -> name + "=" + exchange.strictBaseUrl(hostSet, route, name))
                            .collect(Collectors.joining(","));
                    settings.put(ServiceConfig.EXCHANGE_PREFIX + hostSet + (r == 0 ? "" : "."
                            + ServiceConfig.ROUTE_PREFIX + routes.get(r)) + ServiceConfig.ENDPOINTS_SUFFIX, spec);
                }
            });
        }
        return settings;
    }

    /**
     * A lenient simulator (faults on demand, no limits): Binance, OKX and Deribit ({@link #LENIENT_EXCHANGES}) at
     * simulated endpoints of theirs. Lenient mode serves Binance's futures paths on its spot endpoints: spot takes
     * {@code api} and {@code api1}, USDⓈ-M {@code api2}, COIN-M {@code api3}, so that a ban or fault of one simulated
     * endpoint concerns one host set, as on the real hosts.
     */
    public static Map<String, String> lenient(SimulatedExchange exchange) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(ServiceConfig.EXCHANGES, String.join(",", LENIENT_EXCHANGES));
        Map<String, List<String>> simulated = SimulatedExchange.endpoints();
        settings.put(endpointsKey("binance-spot"), spec(exchange, "binance", List.of("api", "api1")));
        settings.put(endpointsKey("binance-usdm"), "fapi=" + exchange.baseUrl("binance", "api2"));
        settings.put(endpointsKey("binance-coinm"), "dapi=" + exchange.baseUrl("binance", "api3"));
        settings.put(endpointsKey("okx"), spec(exchange, "okx", simulated.get("okx")));
        settings.put(endpointsKey("deribit"), spec(exchange, "deribit", simulated.get("deribit")));
        return settings;
    }

    private static String endpointsKey(String hostSet) {
        return ServiceConfig.EXCHANGE_PREFIX + hostSet + ServiceConfig.ENDPOINTS_SUFFIX;
    }

    private static String spec(SimulatedExchange exchange, String name, List<String> endpoints) {
        return endpoints.stream().map(e -> e + "=" + exchange.baseUrl(name, e)).collect(Collectors.joining(","));
    }
}
