package io.marketprism.reliability.exchange;

import java.util.Map;

/**
 * A market of an exchange as tasks name it ({@code spot}, {@code perp}, ...): the host set that serves it and the
 * request of each data type it offers, by {@code DataType} symbol.
 */
public record Market(String name, String hostSet, Map<String, RequestSpec> requests) {

    public Market {
        requests = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(requests));
    }
}
