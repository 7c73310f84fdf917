package io.marketprism.topology.exchange;

import io.marketprism.topology.config.Endpoint;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * One way out to the exchanges. Exchanges limit per source IP, so each route has every exchange's full budgets and
 * is a limit domain of its own: a direct connection, an HTTP proxy, or (for mocks and the simulator) other base URLs
 * for some endpoints.
 *
 * @param name         lower-case name, part of every domain's name ({@code binance.spot.direct})
 * @param proxy        the HTTP proxy calls of this route go through, or null for a direct connection
 * @param endpointUrls per host set and endpoint name, the base URL to use on this route instead of the endpoint's
 */
public record EgressRoute(String name, URI proxy, Map<String, Map<String, URI>> endpointUrls) {

    /** The route every configuration has unless it lists its own. */
    public static final String DIRECT = "direct";

    public EgressRoute {
        endpointUrls = Map.copyOf(endpointUrls);
    }

    /** The base URL of {@code endpoint} on this route. */
    public URI baseUrlOf(Endpoint endpoint) {
        return endpointUrls.getOrDefault(endpoint.exchange(), Map.of()).getOrDefault(endpoint.name(),
                endpoint.baseUrl());
    }

    public Optional<URI> proxyUrl() {
        return Optional.ofNullable(proxy);
    }
}
