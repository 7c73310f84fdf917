package io.marketprism.topology.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The public REST paths of the supported exchanges: which path and query a task's data type maps to, which cheap
 * request checks an endpoint's health, and where each exchange puts its error code in a response.
 */
public final class ExchangeApi {

    private record Route(String symbolParam, Map<DataType, String> paths) {
    }

    private static final Map<String, Route> ROUTES = Map.of(
            "binance", new Route("symbol", Map.of(
                    DataType.ORDER_BOOK, "/api/v3/depth",
                    DataType.TRADES, "/api/v3/trades",
                    DataType.TICKER, "/api/v3/ticker/24hr",
                    DataType.FUNDING_RATE, "/fapi/v1/premiumIndex",
                    DataType.OPEN_INTEREST, "/fapi/v1/openInterest")),
            "okx", new Route("instId", Map.of(
                    DataType.ORDER_BOOK, "/api/v5/market/books",
                    DataType.TRADES, "/api/v5/market/trades",
                    DataType.TICKER, "/api/v5/market/ticker",
                    DataType.FUNDING_RATE, "/api/v5/public/funding-rate",
                    DataType.OPEN_INTEREST, "/api/v5/public/open-interest")),
            "deribit", new Route("instrument_name", Map.of(
                    DataType.ORDER_BOOK, "/api/v2/public/get_order_book",
                    DataType.TRADES, "/api/v2/public/get_last_trades_by_instrument",
                    DataType.TICKER, "/api/v2/public/ticker",
                    DataType.FUNDING_RATE, "/api/v2/public/get_funding_rate_value",
                    DataType.OPEN_INTEREST, "/api/v2/public/get_book_summary_by_instrument")));

    /** The cheapest public request of each exchange: a ping, or the server time. */
    private static final Map<String, String> HEALTH_PATHS = Map.of(
            "binance", "/api/v3/ping",
            "okx", "/api/v5/public/time",
            "deribit", "/api/v2/public/test");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExchangeApi() {
    }

    /** True when requests for this exchange and data type can be built. */
    public static boolean supports(String exchange, DataType dataType) {
        Route route = ROUTES.get(exchange);
        return route != null && route.paths().containsKey(dataType);
    }

    /** Path and query for a task, e.g. {@code /api/v3/depth?limit=100&symbol=BTCUSDT}; parameters in sorted order. */
    public static String pathAndQuery(CollectorTask task) {
        Route route = ROUTES.get(task.getExchange());
        String path = route == null ? null : route.paths().get(task.getDataType());
        if (path == null) {
            throw new IllegalArgumentException("no REST route for " + task.getExchange() + " " + task.getDataType());
        }
        Map<String, String> query = new TreeMap<>(task.getParams());
        query.put(route.symbolParam(), task.getSymbol());
        StringBuilder sb = new StringBuilder(path).append('?');
        query.forEach((k, v) -> sb.append(encode(k)).append('=').append(encode(v)).append('&'));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /**
     * The path a health check of an endpoint of {@code exchange} appends to the endpoint's base URL; empty, so that
     * the base URL itself is checked, for an exchange without a known health path.
     */
    public static String healthPath(String exchange) {
        return HEALTH_PATHS.getOrDefault(exchange, "");
    }

    /**
     * Whether a health check shows the endpoint up: a response arrived with a status below 500 that is not a rate
     * limit (429) or a ban (418). Timeouts, connection failures and server errors show it down.
     */
    public static boolean isHealthy(CallResult probe) {
        int status = probe.httpStatus();
        return probe.hasResponse() && status < 500 && status != 429 && status != 418;
    }

    /**
     * The exchange's own error code in a response, or null when the response is a success. Binance and Deribit signal
     * errors with an HTTP error status and a code in the body; OKX often answers 200 with a non-zero {@code code}.
     */
    public static String errorCode(String exchange, int status, String body) {
        boolean okStatus = status >= 200 && status < 300;
        if (okStatus && !"okx".equals(exchange)) {
            return null;
        }
        if (okStatus && body.startsWith("{\"code\":\"0\"")) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode code = "deribit".equals(exchange) ? root.path("error").path("code") : root.path("code");
            String text = code.isMissingNode() || code.isNull() ? null : code.asText();
            if (okStatus && (text == null || "0".equals(text))) {
                return null;
            }
            return text == null ? "HTTP_" + status : text;
        } catch (Exception e) {
            return okStatus ? null : "HTTP_" + status;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
