package io.marketprism.reliability.state;

import java.util.Objects;

/**
 * One endpoint of one exchange, e.g. {@code binance/api1}: how breakers, metrics and the admin API name an endpoint.
 * Endpoint names never contain {@code '/'}, so {@link #toString()} is unambiguous and {@link #parse} reverses it.
 */
public record EndpointId(String exchange, String endpoint) {

    public EndpointId {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(endpoint, "endpoint");
        if (exchange.isEmpty() || endpoint.isEmpty() || exchange.indexOf('/') >= 0 || endpoint.indexOf('/') >= 0) {
            throw new IllegalArgumentException("exchange and endpoint must be non-empty names without '/', were '"
                    + exchange + "' and '" + endpoint + "'");
        }
    }

    /** The id written {@code exchange/endpoint}; IllegalArgumentException naming the text otherwise. */
    public static EndpointId parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("endpoint id '" + text + "' is not of the form exchange/endpoint");
        }
        return new EndpointId(text.substring(0, slash), text.substring(slash + 1));
    }

    /** {@code exchange/endpoint}. */
    @Override
    public String toString() {
        return exchange + '/' + endpoint;
    }
}
