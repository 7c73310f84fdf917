package io.marketprism.ops.exchange;

import java.util.List;
import java.util.Map;

/** OKX v5 public REST: every answer is {@code {"code":..,"msg":..,"data":[..]}}. */
final class OkxDialect extends Dialect {

    OkxDialect() {
        super("okx", List.of("www", "aws"), "instId", Map.of(
                MarketData.ORDER_BOOK, "/api/v5/market/books",
                MarketData.TRADES, "/api/v5/market/trades",
                MarketData.TICKER, "/api/v5/market/ticker",
                MarketData.FUNDING_RATE, "/api/v5/public/funding-rate",
                MarketData.OPEN_INTEREST, "/api/v5/public/open-interest",
                MarketData.KLINES, "/api/v5/market/candles",
                // the contract variant: the one that takes instId, as every other OKX path here
                MarketData.LONG_SHORT_RATIO, "/api/v5/rubik/stat/contracts/long-short-account-ratio-contract"),
                "/api/v5/public/time");
    }

    @Override
    String body(MarketData data, MarketSnapshot s) {
        String instId = Json.quote(s.symbol());
        String ts = "\"" + s.timeMillis() + "\"";
        String item = switch (data) {
            case ORDER_BOOK -> "{\"asks\":" + levels(s, false) + ",\"bids\":" + levels(s, true) + ",\"ts\":" + ts
                    + ",\"seqId\":" + s.sequence() + "}";
            case TRADES -> trades(s, instId, ts);
            case TICKER -> "{\"instType\":\"SPOT\",\"instId\":" + instId + ",\"last\":\"" + s.lastPrice()
                    + "\",\"bidPx\":\"" + s.bidPrice(0) + "\",\"askPx\":\"" + s.askPrice(0) + "\",\"vol24h\":\""
                    + s.volume() + "\",\"ts\":" + ts + "}";
            case FUNDING_RATE -> "{\"instType\":\"SWAP\",\"instId\":" + instId + ",\"fundingRate\":\""
                    + s.fundingRate() + "\",\"fundingTime\":" + ts + "}";
            case OPEN_INTEREST -> "{\"instType\":\"SWAP\",\"instId\":" + instId + ",\"oi\":\"" + s.openInterest()
                    + "\",\"ts\":" + ts + "}";
            case KLINES -> "[" + ts + ",\"" + s.bidPrice(0) + "\",\"" + s.askPrice(1) + "\",\"" + s.bidPrice(1)
                    + "\",\"" + s.lastPrice() + "\",\"" + s.volume() + "\",\"" + s.volume() + "\",\"" + s.volume()
                    + "\",\"1\"]";
            case LONG_SHORT_RATIO -> "[" + ts + ",\"" + s.longShortRatio() + "\"]";
        };
        return envelope("0", "", data == MarketData.TRADES ? item : "[" + item + "]");
    }

    private static String levels(MarketSnapshot s, boolean bids) {
        StringBuilder sb = new StringBuilder("[");
        for (int level = 0; level < MarketSnapshot.BOOK_LEVELS; level++) {
            sb.append(level == 0 ? "" : ",").append("[\"").append(bids ? s.bidPrice(level) : s.askPrice(level))
                    .append("\",\"").append(s.quantity(level)).append("\",\"0\",\"1\"]");
        }
        return sb.append(']').toString();
    }

    private static String trades(MarketSnapshot s, String instId, String ts) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < MarketSnapshot.TRADE_COUNT; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"instId\":").append(instId).append(",\"tradeId\":\"")
                    .append(s.tradeId(i)).append("\",\"px\":\"").append(s.tradePrice(i)).append("\",\"sz\":\"")
                    .append(s.quantity(i)).append("\",\"side\":\"").append(i % 2 == 0 ? "buy" : "sell")
                    .append("\",\"ts\":").append(ts).append('}');
        }
        return sb.append(']').toString();
    }

    private static String envelope(String code, String msg, String data) {
        return "{\"code\":\"" + code + "\",\"msg\":" + Json.quote(msg) + ",\"data\":" + data + "}";
    }

    /** The server time in millis, as a string. */
    @Override
    String healthCheckBody(long nowMillis) {
        return envelope("0", "", "[{\"ts\":\"" + nowMillis + "\"}]");
    }

    @Override
    String invalidSymbolBody() {
        return envelope("51001", "Instrument ID does not exist", "[]");
    }

    /** 50014 (OKX v5 REST error codes: a parameter that cannot be empty). */
    @Override
    String missingParameterBody(String parameter) {
        return envelope("50014", "Parameter " + parameter + " can not be empty.", "[]");
    }

    /** 51000 (OKX v5 REST error codes: a parameter with a wrong value). */
    @Override
    String invalidParameterBody(String parameter) {
        return envelope("51000", "Parameter " + parameter + " error", "[]");
    }

    @Override
    String rateLimitedBody() {
        return envelope("50011", "Too Many Requests", "[]");
    }

    @Override
    String bannedBody(long bannedUntilMillis) {
        return envelope("50011", "Too Many Requests; blocked until " + bannedUntilMillis, "[]");
    }

    @Override
    String serverErrorBody() {
        return envelope("50001", "Service temporarily unavailable, please try again later.", "[]");
    }
}
