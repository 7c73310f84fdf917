package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.SimulatedExchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Service settings that point an instance at a {@link SimulatedExchange}: for the chaos suite and the tests. */
public final class SimulatedSettings {

    private SimulatedSettings() {
    }

    /**
     * Every exchange at the simulated one, with budgets far above what a run sends (the real presets would make a
     * 20,000-task run last minutes) and short retry delays.
     */
    public static Map<String, String> generous(SimulatedExchange exchange) {
        Map<String, String> settings = endpoints(exchange);
        SimulatedExchange.endpoints().forEach((name, endpoints) -> {
            settings.put("exchange." + name + ".limiter.bucket.capacity", "1000000");
            settings.put("exchange." + name + ".limiter.refill.per.second", "1000000");
            settings.put("exchange." + name + ".limiter.windows", "weight:100000000/60000,requests:100000000/60000");
        });
        settings.put("retry.base.delay.ms", "50");
        settings.put("retry.max.delay.ms", "1000");
        settings.put("retry.max.attempts", "8");
        return settings;
    }

    /** Every exchange at all of its simulated endpoints, with the exchanges' real budgets, and a free HTTP port. */
    public static Map<String, String> endpoints(SimulatedExchange exchange) {
        Map<String, String> settings = new LinkedHashMap<>();
        SimulatedExchange.endpoints().forEach((name, endpoints) -> settings.put("exchange." + name + ".endpoints",
                endpointList(exchange, name, endpoints)));
        // Instances share the machine (and run in parallel in some tests): each takes a free HTTP port.
        settings.put("http.port", "0");
        return settings;
    }

    /** The value of {@code exchange.<name>.endpoints} naming these simulated endpoints of one exchange. */
    public static String endpointList(SimulatedExchange exchange, String name, List<String> endpoints) {
        return endpoints.stream().map(e -> e + "=" + exchange.baseUrl(name, e)).collect(Collectors.joining(","));
    }
}
