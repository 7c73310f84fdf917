package io.marketprism.topology.config;

import java.net.URI;

/**
 * One REST endpoint of an exchange, e.g. {@code binance/api1} at {@code https://api1.binance.com}.
 *
 * @param exchange exchange name, lower case
 * @param name     endpoint name, unique within the exchange
 * @param baseUrl  scheme, host, port and optional path prefix; request paths are appended to it
 */
public record Endpoint(String exchange, String name, URI baseUrl) {

    /** The id used in metrics, state keys and attempt histories: {@code exchange/name}. */
    public String id() {
        return exchange + "/" + name;
    }
}
