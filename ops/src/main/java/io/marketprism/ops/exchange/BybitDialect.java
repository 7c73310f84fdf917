package io.marketprism.ops.exchange;

import java.util.List;
import java.util.Map;

/**
 * Bybit v5 public REST: every answer is {@code {"retCode":0,"retMsg":"OK","result":{..},"retExtInfo":{},"time":..}}
 * (https://bybit-exchange.github.io/docs/v5/market/time). Served in strict mode only; see {@link BybitVenue}.
 */
final class BybitDialect extends Dialect {

    BybitDialect() {
        super("bybit", List.of(), "symbol", Map.of(
                MarketData.ORDER_BOOK, "/v5/market/orderbook",
                MarketData.TRADES, "/v5/market/recent-trade",
                MarketData.TICKER, "/v5/market/tickers",
                MarketData.FUNDING_RATE, "/v5/market/funding/history",
                MarketData.OPEN_INTEREST, "/v5/market/open-interest",
                MarketData.KLINES, "/v5/market/kline",
                MarketData.LONG_SHORT_RATIO, "/v5/market/account-ratio"),
                "/v5/market/time");
    }

    @Override
    String body(MarketData data, MarketSnapshot s) {
        String symbol = Json.quote(s.symbol());
        String ts = "\"" + s.timeMillis() + "\"";
        String result = switch (data) {
            case ORDER_BOOK -> "{\"s\":" + symbol + ",\"b\":" + levels(s, true) + ",\"a\":" + levels(s, false)
                    + ",\"ts\":" + s.timeMillis() + ",\"u\":" + s.sequence() + ",\"seq\":" + s.sequence() + "}";
            case TRADES -> list(trades(s, symbol));
            case TICKER -> list("{\"symbol\":" + symbol + ",\"lastPrice\":\"" + s.lastPrice() + "\",\"bid1Price\":\""
                    + s.bidPrice(0) + "\",\"ask1Price\":\"" + s.askPrice(0) + "\",\"volume24h\":\"" + s.volume()
                    + "\",\"openInterest\":\"" + s.openInterest() + "\",\"fundingRate\":\"" + s.fundingRate() + "\"}");
            case FUNDING_RATE -> list("{\"symbol\":" + symbol + ",\"fundingRate\":\"" + s.fundingRate()
                    + "\",\"fundingRateTimestamp\":" + ts + "}");
            case OPEN_INTEREST -> "{\"symbol\":" + symbol + ",\"list\":[{\"openInterest\":\"" + s.openInterest()
                    + "\",\"timestamp\":" + ts + "}],\"nextPageCursor\":\"\"}";
            case KLINES -> "{\"symbol\":" + symbol + ",\"list\":[[" + ts + ",\"" + s.bidPrice(0) + "\",\""
                    + s.askPrice(1) + "\",\"" + s.bidPrice(1) + "\",\"" + s.lastPrice() + "\",\"" + s.volume()
                    + "\",\"" + s.volume() + "\"]]}";
            case LONG_SHORT_RATIO -> "{\"list\":[{\"symbol\":" + symbol + ",\"buyRatio\":\"" + s.longAccountShare()
                    + "\",\"sellRatio\":\"" + s.shortAccountShare() + "\",\"timestamp\":" + ts
                    + "}],\"nextPageCursor\":\"\"}";
        };
        return envelope(0, "OK", result, s.timeMillis());
    }

    private static String list(String items) {
        return "{\"list\":[" + items + "]}";
    }

    private static String levels(MarketSnapshot s, boolean bids) {
        StringBuilder sb = new StringBuilder("[");
        for (int level = 0; level < MarketSnapshot.BOOK_LEVELS; level++) {
            sb.append(level == 0 ? "" : ",").append("[\"").append(bids ? s.bidPrice(level) : s.askPrice(level))
                    .append("\",\"").append(s.quantity(level)).append("\"]");
        }
        return sb.append(']').toString();
    }

    private static String trades(MarketSnapshot s, String symbol) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < MarketSnapshot.TRADE_COUNT; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"execId\":\"").append(s.tradeId(i)).append("\",\"symbol\":")
                    .append(symbol).append(",\"price\":\"").append(s.tradePrice(i)).append("\",\"size\":\"")
                    .append(s.quantity(i)).append("\",\"side\":\"").append(i % 2 == 0 ? "Buy" : "Sell")
                    .append("\",\"time\":\"").append(s.timeMillis()).append("\"}");
        }
        return sb.toString();
    }

    private static String envelope(int retCode, String retMsg, String result, long timeMillis) {
        return "{\"retCode\":" + retCode + ",\"retMsg\":" + Json.quote(retMsg) + ",\"result\":" + result
                + ",\"retExtInfo\":{},\"time\":" + timeMillis + "}";
    }

    @Override
    String healthCheckBody(long nowMillis) {
        return envelope(0, "OK", "{\"timeSecond\":\"" + nowMillis / 1000 + "\",\"timeNano\":\"" + nowMillis
                + "000000\"}", nowMillis);
    }

    /** 10001, request parameter error (https://bybit-exchange.github.io/docs/v5/error). */
    @Override
    String invalidSymbolBody() {
        return envelope(10001, "params error: symbol invalid", "{}", 0);
    }

    @Override
    String missingParameterBody(String parameter) {
        return envelope(10001, "params error: " + parameter + " is required", "{}", 0);
    }

    @Override
    String invalidParameterBody(String parameter) {
        return envelope(10001, "params error: " + parameter + " invalid", "{}", 0);
    }

    /** The IP limit's answer: HTTP 403 "access too frequent" (https://bybit-exchange.github.io/docs/v5/rate-limit). */
    @Override
    String rateLimitedBody() {
        return "{\"retCode\":403,\"retMsg\":\"access too frequent\"}";
    }

    @Override
    String bannedBody(long bannedUntilMillis) {
        return "{\"retCode\":403,\"retMsg\":\"access too frequent; blocked until " + bannedUntilMillis + "\"}";
    }

    /** 10016, server error (https://bybit-exchange.github.io/docs/v5/error). */
    @Override
    String serverErrorBody() {
        return envelope(10016, "Server error.", "{}", 0);
    }
}
