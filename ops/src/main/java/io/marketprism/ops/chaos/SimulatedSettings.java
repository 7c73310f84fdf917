package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.local.UniformBudgets;
import io.marketprism.ops.local.SimulatedEndpoints;
import io.marketprism.topology.exchange.EgressRoute;
import io.marketprism.topology.config.ServiceConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Service settings that point an instance at a {@link SimulatedExchange}, strict or lenient as it runs: for the chaos
 * suite and the tests.
 */
public final class SimulatedSettings {

    private SimulatedSettings() {
    }

    /**
     * The exchanges at the simulated exchange ({@link #endpoints}), with budgets far above what a run sends (the real
     * ones would make a 20,000-task run last minutes; {@link UniformBudgets}; a strict simulator must scale its limits
     * above them too, {@link SimulatedExchange.Builder#limitScale}) and short retry delays.
     */
    public static Map<String, String> generous(SimulatedExchange exchange) {
        Map<String, String> settings = endpoints(exchange);
        settings.put(ServiceConfig.EXCHANGE_DEFINITIONS, generousBudgetFiles());
        settings.put("retry.base.delay.ms", "50");
        settings.put("retry.max.delay.ms", "1000");
        settings.put("retry.max.attempts", "8");
        return settings;
    }

    /**
     * The exchanges at their simulated endpoints (strict: every shipped definition on route {@code direct},
     * {@link SimulatedEndpoints#strict}; lenient: Binance, OKX and Deribit, {@link SimulatedEndpoints#lenient}), with
     * the exchanges' real budgets, and a free HTTP port.
     */
    public static Map<String, String> endpoints(SimulatedExchange exchange) {
        Map<String, String> settings = new LinkedHashMap<>(exchange.mode() == SimulatedExchange.Mode.STRICT
                ? SimulatedEndpoints.strict(exchange, List.of(EgressRoute.DIRECT))
                : SimulatedEndpoints.lenient(exchange));
        // Instances share the machine (and run in parallel in some tests): each takes a free HTTP port.
        settings.put("http.port", "0");
        return settings;
    }

    /**
     * The value of {@code exchange.<host set>.endpoints} naming these simulated endpoints of host set {@code name}: in
     * strict mode hosts of its venue on route {@code direct} ({@link #endpointId}), in lenient mode the exchange's
     * simulated endpoints.
     */
    public static String endpointList(SimulatedExchange exchange, String name, List<String> endpoints) {
        return endpoints.stream().map(e -> e + "=" + (exchange.mode() == SimulatedExchange.Mode.STRICT
                ? exchange.strictBaseUrl(name, EgressRoute.DIRECT, e) : exchange.baseUrl(name, e)))
                .collect(Collectors.joining(","));
    }

    /** What the simulator records as the endpoint of a call to {@link #endpointList}'s endpoint {@code endpoint}. */
    public static String endpointId(SimulatedExchange exchange, String name, String endpoint) {
        return exchange.mode() == SimulatedExchange.Mode.STRICT
                ? SimulatedExchange.strictEndpointId(name, EgressRoute.DIRECT, endpoint) : name + "/" + endpoint;
    }

    /** The generous budgets' definition files, as the value of {@code exchange.definitions}. */
    public static String generousBudgetFiles() {
        return UniformBudgets.generous();
    }
}
