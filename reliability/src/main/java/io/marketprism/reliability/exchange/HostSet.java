package io.marketprism.reliability.exchange;

import java.net.URI;
import java.util.Map;

/**
 * A family of interchangeable hosts of one exchange that serve the same paths under the same limits (Binance spot's
 * {@code api*.binance.com}, USDⓈ-M's {@code fapi.binance.com}). The service balances and breaks circuits per host
 * set; its name is the exchange name the engine, metrics and state use (e.g. {@code binance-spot}).
 *
 * @param endpoints  endpoint name to base URL, in the order given
 * @param healthPath   the cheapest request of the host set (a ping), appended to an endpoint's base URL by probes
 * @param healthGroup  the limit group the exchange charges a probe to, whose budget probes take; null when the health
 *                     request counts in no group of the definition (it has a limit of its own)
 * @param healthWeight the weight a probe costs in {@code healthGroup}
 */
public record HostSet(String name, Map<String, URI> endpoints, String healthPath, String healthGroup,
                      int healthWeight, String doc) {

    public HostSet {
        endpoints = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(endpoints));
    }
}
