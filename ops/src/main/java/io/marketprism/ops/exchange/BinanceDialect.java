package io.marketprism.ops.exchange;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binance spot and futures public REST, with request weights reported in {@code X-MBX-USED-WEIGHT-1M}; lenient mode
 * serves the USDⓈ-M ({@code /fapi}) and COIN-M ({@code /dapi}) paths on every endpoint too.
 */
final class BinanceDialect extends Dialect {

    private static final Map<String, MarketData> FUTURES_PATHS = Map.ofEntries(
            Map.entry("/fapi/v1/depth", MarketData.ORDER_BOOK), Map.entry("/fapi/v1/trades", MarketData.TRADES),
            Map.entry("/fapi/v1/ticker/24hr", MarketData.TICKER), Map.entry("/fapi/v1/klines", MarketData.KLINES),
            Map.entry("/dapi/v1/depth", MarketData.ORDER_BOOK), Map.entry("/dapi/v1/trades", MarketData.TRADES),
            Map.entry("/dapi/v1/ticker/24hr", MarketData.TICKER), Map.entry("/dapi/v1/klines", MarketData.KLINES),
            Map.entry("/dapi/v1/premiumIndex", MarketData.FUNDING_RATE),
            Map.entry("/dapi/v1/openInterest", MarketData.OPEN_INTEREST));

    static final String WEIGHT_HEADER = "X-MBX-USED-WEIGHT-1M";
    private static final int DEFAULT_DEPTH_LIMIT = 100;

    BinanceDialect() {
        super("binance", List.of("api", "api1", "api2", "api3"), "symbol", Map.of(
                MarketData.ORDER_BOOK, "/api/v3/depth",
                MarketData.TRADES, "/api/v3/trades",
                MarketData.TICKER, "/api/v3/ticker/24hr",
                MarketData.FUNDING_RATE, "/fapi/v1/premiumIndex",
                MarketData.OPEN_INTEREST, "/fapi/v1/openInterest",
                MarketData.KLINES, "/api/v3/klines",
                MarketData.LONG_SHORT_RATIO, "/futures/data/globalLongShortAccountRatio"),
                "/api/v3/ping");
    }

    @Override
    Map<String, MarketData> alsoServes() {
        return FUTURES_PATHS;
    }

    /** COIN-M's long/short ratio names its instrument {@code pair}. */
    @Override
    String symbolOf(Map<String, String> query) {
        String symbol = query.get(symbolParameter());
        return symbol != null ? symbol : query.get("pair");
    }

    @Override
    Optional<String> weightHeader() {
        return Optional.of(WEIGHT_HEADER);
    }

    /** Depth weight grows with {@code limit} (5 up to 100, 25 up to 500, 50 up to 1000, 250 above). */
    @Override
    int weight(MarketData data, Map<String, String> query) {
        return switch (data) {
            case ORDER_BOOK -> (int) BinanceVenues.spotDepthWeight(parseLimit(query.get("limit")));
            case TRADES -> 25;
            case TICKER, KLINES -> 2;
            case FUNDING_RATE, OPEN_INTEREST -> 1;
            case LONG_SHORT_RATIO -> 0;
        };
    }

    @Override
    int healthCheckWeight() {
        return 1;
    }

    private static int parseLimit(String limit) {
        try {
            return limit == null ? DEFAULT_DEPTH_LIMIT : Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_DEPTH_LIMIT;
        }
    }

    @Override
    String body(MarketData data, MarketSnapshot s) {
        String symbol = Json.quote(s.symbol());
        return switch (data) {
            case ORDER_BOOK -> "{\"lastUpdateId\":" + s.sequence() + ",\"bids\":" + levels(s, true)
                    + ",\"asks\":" + levels(s, false) + "}";
            case TRADES -> trades(s);
            case TICKER -> "{\"symbol\":" + symbol + ",\"lastPrice\":\"" + s.lastPrice() + "\",\"bidPrice\":\""
                    + s.bidPrice(0) + "\",\"askPrice\":\"" + s.askPrice(0) + "\",\"volume\":\"" + s.volume()
                    + "\",\"openTime\":" + (s.timeMillis() - 86_400_000L) + ",\"closeTime\":" + s.timeMillis()
                    + ",\"count\":" + s.sequence() + "}";
            case FUNDING_RATE -> "{\"symbol\":" + symbol + ",\"markPrice\":\"" + s.lastPrice()
                    + "\",\"indexPrice\":\"" + s.lastPrice() + "\",\"lastFundingRate\":\"" + s.fundingRate()
                    + "\",\"nextFundingTime\":" + nextFundingTime(s.timeMillis()) + ",\"time\":" + s.timeMillis()
                    + "}";
            case OPEN_INTEREST -> "{\"openInterest\":\"" + s.openInterest() + "\",\"symbol\":" + symbol
                    + ",\"time\":" + s.timeMillis() + "}";
            case KLINES -> "[[" + (s.timeMillis() - 60_000) + ",\"" + s.bidPrice(0) + "\",\"" + s.askPrice(1)
                    + "\",\"" + s.bidPrice(1) + "\",\"" + s.lastPrice() + "\",\"" + s.volume() + "\","
                    + (s.timeMillis() - 1) + ",\"" + s.volume() + "\"," + s.sequence() + ",\"" + s.quantity(0)
                    + "\",\"" + s.quantity(1) + "\",\"0\"]]";
            case LONG_SHORT_RATIO -> "[{\"symbol\":" + symbol + ",\"longShortRatio\":\"" + s.longShortRatio()
                    + "\",\"longAccount\":\"" + s.longAccountShare() + "\",\"shortAccount\":\""
                    + s.shortAccountShare() + "\",\"timestamp\":\"" + s.timeMillis() + "\"}]";
        };
    }

    private static String levels(MarketSnapshot s, boolean bids) {
        StringBuilder sb = new StringBuilder("[");
        for (int level = 0; level < MarketSnapshot.BOOK_LEVELS; level++) {
            sb.append(level == 0 ? "" : ",").append("[\"").append(bids ? s.bidPrice(level) : s.askPrice(level))
                    .append("\",\"").append(s.quantity(level)).append("\"]");
        }
        return sb.append(']').toString();
    }

    private static String trades(MarketSnapshot s) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < MarketSnapshot.TRADE_COUNT; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(s.tradeId(i)).append(",\"price\":\"")
                    .append(s.tradePrice(i)).append("\",\"qty\":\"").append(s.quantity(i)).append("\",\"time\":")
                    .append(s.timeMillis()).append(",\"isBuyerMaker\":").append(i % 2 == 0)
                    .append(",\"isBestMatch\":true}");
        }
        return sb.append(']').toString();
    }

    private static long nextFundingTime(long nowMillis) {
        long eightHours = 8 * 3_600_000L;
        return (nowMillis / eightHours + 1) * eightHours;
    }

    @Override
    String healthCheckBody(long nowMillis) {
        return "{}";
    }

    @Override
    String invalidSymbolBody() {
        return "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}";
    }

    /** -1102, as binance-spot-api-docs {@code errors.md} and the USDⓈ-M error-code page define it. */
    @Override
    String missingParameterBody(String parameter) {
        return error(-1102, "Mandatory parameter '" + parameter + "' was not sent, was empty/null, or malformed.");
    }

    /** -1120 for a bad {@code interval}, else -1130 INVALID_PARAMETER (binance-spot-api-docs {@code errors.md}). */
    @Override
    String invalidParameterBody(String parameter) {
        return parameter.equals("interval") ? error(-1120, "Invalid interval.")
                : error(-1130, "Data sent for parameter '" + parameter + "' is not valid.");
    }

    private static String error(int code, String msg) {
        return "{\"code\":" + code + ",\"msg\":" + Json.quote(msg) + "}";
    }

    @Override
    String rateLimitedBody() {
        return "{\"code\":-1003,\"msg\":\"Too many requests; current limit is 6000 request weight per 1 MINUTE.\"}";
    }

    @Override
    String bannedBody(long bannedUntilMillis) {
        return "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned until " + bannedUntilMillis + ".\"}";
    }

    @Override
    String serverErrorBody() {
        return "{\"code\":-1001,\"msg\":\"Internal error; unable to process your request. Please try again.\"}";
    }
}
