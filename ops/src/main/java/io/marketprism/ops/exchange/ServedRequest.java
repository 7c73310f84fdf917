package io.marketprism.ops.exchange;

import java.time.Instant;
import java.util.Map;

/**
 * One request the simulated exchange received, with what it decided to do about it.
 *
 * @param time      when the request arrived, by the simulator's clock
 * @param exchange  first path segment, e.g. {@code binance} (empty if missing); in strict mode the venue, e.g.
 *                  {@code binance-usdm}
 * @param endpoint  second path segment, e.g. {@code api1} (empty if missing); in strict mode the client route, with
 *                  {@code @host} when the request named a host, e.g. {@code direct@api1}
 * @param path      the rest of the path, e.g. {@code /api/v3/depth}
 * @param query     the raw query string, empty if none
 * @param status    HTTP status answered, or 0 when no response was sent (reset or hung)
 * @param banned    whether the endpoint (strict mode: the route, by that venue) was banned when the request arrived
 * @param delivery  whether the request was answered, reset or left hanging
 * @param healthCheck whether it was the exchange's health check (Binance {@code /api/v3/ping}, OKX
 *                  {@code /api/v5/public/time}, Deribit {@code /api/v2/public/test}) rather than a market-data call
 */
public record ServedRequest(Instant time, String exchange, String endpoint, String path, String query, int status,
                            boolean banned, Delivery delivery, boolean healthCheck) {

    /** What happened to the connection of a request. */
    public enum Delivery {
        /** An HTTP response was sent (after any latency). */
        ANSWERED,
        /** The connection was closed without a response. */
        RESET,
        /** No response; the connection was closed after the hang limit, normally after the client gave up. */
        HUNG
    }

    /** The query's parameters, decoded, e.g. {@code symbol=BTCUSDT}; the first of repeated names wins. */
    public Map<String, String> parameters() {
        return ExchangeSimulation.parseQuery(query);
    }

    /** Endpoint id as the service names it, e.g. {@code binance/api1}; in strict mode {@code venue/route@host}. */
    public String endpointId() {
        return exchange + "/" + endpoint;
    }

    /**
     * What a ban of this request's answer covers: its endpoint in lenient mode, e.g. {@code binance/api1}; in strict
     * mode the venue and client route, on every host, e.g. {@code binance-spot/direct}.
     */
    public String banScope() {
        int host = endpoint.indexOf(ExchangeSimulation.STRICT_HOST_SEPARATOR);
        return exchange + "/" + (host < 0 ? endpoint : endpoint.substring(0, host));
    }
}
