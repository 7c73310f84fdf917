package io.marketprism.ops.exchange;

import java.util.List;
import java.util.Map;

/** Deribit v2 public JSON-RPC over HTTP GET: answers are {@code {"jsonrpc":"2.0","result":..}} or {@code "error"}. */
final class DeribitDialect extends Dialect {

    DeribitDialect() {
        super("deribit", List.of("www", "edge"), "instrument_name", Map.of(
                MarketData.ORDER_BOOK, "/api/v2/public/get_order_book",
                MarketData.TRADES, "/api/v2/public/get_last_trades_by_instrument",
                MarketData.TICKER, "/api/v2/public/ticker",
                MarketData.FUNDING_RATE, "/api/v2/public/get_funding_rate_value",
                MarketData.OPEN_INTEREST, "/api/v2/public/get_book_summary_by_instrument",
                MarketData.KLINES, "/api/v2/public/get_tradingview_chart_data"),
                "/api/v2/public/test");
    }

    @Override
    String body(MarketData data, MarketSnapshot s) {
        String name = Json.quote(s.symbol());
        String result = switch (data) {
            case ORDER_BOOK -> "{\"instrument_name\":" + name + ",\"timestamp\":" + s.timeMillis()
                    + ",\"change_id\":" + s.sequence() + ",\"state\":\"open\",\"bids\":" + levels(s, true)
                    + ",\"asks\":" + levels(s, false) + ",\"best_bid_price\":" + s.bidPrice(0)
                    + ",\"best_ask_price\":" + s.askPrice(0) + ",\"mark_price\":" + s.lastPrice() + "}";
            case TRADES -> trades(s, name);
            case TICKER -> "{\"instrument_name\":" + name + ",\"timestamp\":" + s.timeMillis()
                    + ",\"state\":\"open\",\"last_price\":" + s.lastPrice() + ",\"mark_price\":" + s.lastPrice()
                    + ",\"best_bid_price\":" + s.bidPrice(0) + ",\"best_ask_price\":" + s.askPrice(0)
                    + ",\"open_interest\":" + s.openInterest() + ",\"current_funding\":" + s.fundingRate() + "}";
            case FUNDING_RATE -> s.fundingRate();
            case OPEN_INTEREST -> "[{\"instrument_name\":" + name + ",\"open_interest\":" + s.openInterest()
                    + ",\"volume\":" + s.volume() + ",\"mark_price\":" + s.lastPrice() + ",\"creation_timestamp\":"
                    + s.timeMillis() + "}]";
            case KLINES -> "{\"status\":\"ok\",\"ticks\":[" + (s.timeMillis() - 60_000) + "],\"open\":["
                    + s.bidPrice(0) + "],\"high\":[" + s.askPrice(1) + "],\"low\":[" + s.bidPrice(1)
                    + "],\"close\":[" + s.lastPrice() + "],\"volume\":[" + s.volume() + "],\"cost\":["
                    + s.volume() + "]}";
            case LONG_SHORT_RATIO -> throw new IllegalArgumentException("Deribit publishes no long/short ratio");
        };
        return "{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"usIn\":" + s.timeMillis() * 1000
                + ",\"usOut\":" + s.timeMillis() * 1000 + ",\"usDiff\":0,\"testnet\":false}";
    }

    /** The API version, as {@code public/test} reports it. */
    @Override
    String healthCheckBody(long nowMillis) {
        return "{\"jsonrpc\":\"2.0\",\"result\":{\"version\":\"1.2.26\"},\"usIn\":" + nowMillis * 1000
                + ",\"usOut\":" + nowMillis * 1000 + ",\"usDiff\":0,\"testnet\":false}";
    }

    private static String levels(MarketSnapshot s, boolean bids) {
        StringBuilder sb = new StringBuilder("[");
        for (int level = 0; level < MarketSnapshot.BOOK_LEVELS; level++) {
            sb.append(level == 0 ? "" : ",").append('[').append(bids ? s.bidPrice(level) : s.askPrice(level))
                    .append(',').append(s.quantity(level)).append(']');
        }
        return sb.append(']').toString();
    }

    private static String trades(MarketSnapshot s, String name) {
        StringBuilder sb = new StringBuilder("{\"trades\":[");
        for (int i = 0; i < MarketSnapshot.TRADE_COUNT; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"trade_id\":\"").append(s.tradeId(i))
                    .append("\",\"instrument_name\":").append(name).append(",\"price\":").append(s.tradePrice(i))
                    .append(",\"amount\":").append(s.quantity(i)).append(",\"direction\":\"")
                    .append(i % 2 == 0 ? "buy" : "sell").append("\",\"timestamp\":").append(s.timeMillis())
                    .append('}');
        }
        return sb.append("],\"has_more\":false}").toString();
    }

    private static String error(int code, String message) {
        return "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":" + code + ",\"message\":" + Json.quote(message)
                + "},\"testnet\":false}";
    }

    @Override
    String invalidSymbolBody() {
        return invalidParams("wrong format", "instrument_name");
    }

    /** JSON-RPC -32602 naming the parameter (Deribit API v2 RPC error codes). */
    @Override
    String missingParameterBody(String parameter) {
        return invalidParams("must be present", parameter);
    }

    @Override
    String invalidParameterBody(String parameter) {
        return invalidParams("wrong format", parameter);
    }

    private static String invalidParams(String reason, String parameter) {
        return "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":"
                + "{\"reason\":" + Json.quote(reason) + ",\"param\":" + Json.quote(parameter) + "}},\"testnet\":false}";
    }

    @Override
    String rateLimitedBody() {
        return error(10028, "too_many_requests");
    }

    @Override
    String bannedBody(long bannedUntilMillis) {
        return error(10028, "too_many_requests; banned until " + bannedUntilMillis);
    }

    @Override
    String serverErrorBody() {
        return error(11097, "temporarily_unavailable");
    }
}
