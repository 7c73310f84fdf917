package io.marketprism.ops.exchange;

import static io.marketprism.ops.exchange.ParameterRule.optional;
import static io.marketprism.ops.exchange.ParameterRule.required;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Binance's three public REST host families, each with its own limits: spot ({@code api.binance.com},
 * {@code api1..api4}, {@code api-gcp}), USDⓈ-M futures ({@code fapi.binance.com}) and COIN-M futures
 * ({@code dapi.binance.com}).
 *
 * <p>Sources: spot, binance/binance-spot-api-docs {@code rest-api.md} (sections "General API Information", "HTTP
 * Return Codes", "LIMITS", "Market Data endpoints"), {@code errors.md}, {@code enums.md} (kline intervals) and
 * {@code CHANGELOG.md}; futures, https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info,
 * .../usds-margined-futures/common-definition and .../usds-margined-futures/market-data/rest-api/{Order-Book,
 * Recent-Trades-List, 24hr-Ticker-Price-Change-Statistics, Mark-Price, Open-Interest, Kline-Candlestick-Data,
 * Long-Short-Ratio}, and the same pages under .../coin-margined-futures/ (mirrored in rosssaunders/coincise
 * {@code docs/binance/{usdm,coinm}/}).
 */
final class BinanceVenues {

    /** Spot and futures both name the weight header after the interval: 1 minute (rest-api.md "IP Limits"). */
    static final String WEIGHT_HEADER = BinanceDialect.WEIGHT_HEADER;
    static final String REQUEST_WEIGHT = "REQUEST_WEIGHT";
    static final String RAW_REQUESTS = "RAW_REQUESTS";
    /** USDⓈ-M {@code /futures/data/*}: weight 0 but its own IP limit (Long-Short-Ratio page). */
    static final String FUTURES_DATA = "FUTURES_DATA";

    /**
     * 429, then 418 for a route that keeps sending: bans grow for repeat offenders from 2 minutes to 3 days
     * (rest-api.md "IP Limits"). Binance does not publish how many ignored 429s trigger a ban; the simulator bans on
     * the third request sent while a 429's {@code Retry-After} is still running.
     */
    static final BanPolicy BANS = new BanPolicy(3, Duration.ofMinutes(2), Duration.ofDays(3));

    /** 4XX for malformed requests (errors carry -1102/-1120/-1121/-1130), 429 over a limit, 418 banned; both with Retry-After. */
    private static final Venue.Statuses STATUSES = new Venue.Statuses(400, 400, 429, 418, true);

    private static final String[] SPOT_INTERVALS = {"1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h",
        "8h", "12h", "1d", "3d", "1w", "1M"};
    /** common-definition: futures have no {@code 1s}. */
    private static final String[] FUTURES_INTERVALS = {"1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h",
        "12h", "1d", "3d", "1w", "1M"};
    private static final String[] RATIO_PERIODS = {"5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d"};
    private static final String[] FUTURES_DEPTH_LIMITS = {"5", "10", "20", "50", "100", "500", "1000"};

    private BinanceVenues() {
    }

    /**
     * Spot: 6,000 weight per clock minute (CHANGELOG 2023-08-25) and 300,000 raw requests per 5 minutes (CHANGELOG
     * 2026-03-27, effective 2026-04-02; 61,000 before), both per IP.
     */
    static Venue spot() {
        return new Venue("binance-spot", new BinanceDialect(), List.of(
                LimitRule.fixedClock(REQUEST_WEIGHT, "weight", 6_000, Duration.ofMinutes(1)),
                LimitRule.fixedClock(RAW_REQUESTS, "requests", 300_000, Duration.ofMinutes(5))),
                BANS, STATUSES, Optional.of(new Venue.UsageHeader(WEIGHT_HEADER, REQUEST_WEIGHT)), List.of(
                // Order book: symbol mandatory; limit default 100, max 5000; weight 5/25/50/250 by limit tier.
                spotEndpoint("/api/v3/depth", MarketData.ORDER_BOOK, List.of(required("symbol")),
                        q -> spotDepthWeight(intParameter(q, "limit", 100))),
                // Recent trades list: symbol mandatory; weight 25.
                spotEndpoint("/api/v3/trades", MarketData.TRADES, List.of(required("symbol")), q -> 25),
                // 24hr ticker: symbol or symbols optional; weight 2 for one symbol, by count for symbols, else 80.
                spotEndpoint("/api/v3/ticker/24hr", MarketData.TICKER, List.of(), BinanceVenues::spotTickerWeight),
                // Klines: symbol and interval mandatory (intervals from enums.md); weight 2.
                spotEndpoint("/api/v3/klines", MarketData.KLINES,
                        List.of(required("symbol"), required("interval", SPOT_INTERVALS)), q -> 2),
                // Test connectivity: weight 1.
                VenueEndpoint.health("/api/v3/ping", Charge.of(REQUEST_WEIGHT, 1), Charge.of(RAW_REQUESTS, 1))));
    }

    /** USDⓈ-M futures: 2,400 weight per clock minute per IP (common-definition, rateLimitType REQUEST_WEIGHT). */
    static Venue usdMargined() {
        return futures("binance-usdm", "/fapi/v1", 2_400, "symbol",
                // Mark-Price (premiumIndex): weight 1 with symbol, 10 without.
                q -> q.containsKey("symbol") ? 1 : 10,
                // Long-Short-Ratio: weight 0, IP limit 1000 requests per 5 minutes.
                List.of(LimitRule.fixedClock(FUTURES_DATA, "requests", 1_000, Duration.ofMinutes(5))),
                Charge.of(FUTURES_DATA, 1));
    }

    /**
     * COIN-M futures: 2,400 weight per clock minute per IP (coin-margined Exchange-Information example and the Futures
     * rate-limit FAQ; the common-definition page's example shows 6,000: the docs disagree, the simulator enforces the
     * lower figure, as the exchange may).
     */
    static Venue coinMargined() {
        return futures("binance-coinm", "/dapi/v1", 2_400, "pair",
                // Index-Price-and-Mark-Price (premiumIndex): weight 10.
                q -> 10,
                List.of(),
                // Long-Short-Ratio: mandatory pair (e.g. BTCUSD) instead of symbol; weight 1.
                Charge.of(REQUEST_WEIGHT, 1));
    }

    private static Venue futures(String name, String prefix, long weightPerMinute, String ratioInstrument,
                                 ToLongFunction<Map<String, String>> premiumIndexWeight,
                                 List<LimitRule> extraLimits, Charge ratioCharge) {
        List<LimitRule> limits = new ArrayList<>();
        limits.add(LimitRule.fixedClock(REQUEST_WEIGHT, "weight", weightPerMinute, Duration.ofMinutes(1)));
        limits.addAll(extraLimits);
        return new Venue(name, new BinanceDialect(), limits, BANS, STATUSES,
                Optional.of(new Venue.UsageHeader(WEIGHT_HEADER, REQUEST_WEIGHT)), List.of(
                // Order-Book: symbol mandatory; limit one of 5..1000, default 500; weight 2/5/10/20.
                weighed(prefix + "/depth", MarketData.ORDER_BOOK, "symbol",
                        List.of(required("symbol"), optional("limit", FUTURES_DEPTH_LIMITS)),
                        q -> futuresDepthWeight(intParameter(q, "limit", 500))),
                // Recent-Trades-List: symbol mandatory; weight 5.
                weighed(prefix + "/trades", MarketData.TRADES, "symbol", List.of(required("symbol")), q -> 5),
                // 24hr ticker: symbol optional; weight 1 for one symbol, 40 without.
                weighed(prefix + "/ticker/24hr", MarketData.TICKER, "symbol", List.of(),
                        q -> q.containsKey("symbol") ? 1 : 40),
                weighed(prefix + "/premiumIndex", MarketData.FUNDING_RATE, "symbol", List.of(), premiumIndexWeight),
                // Open-Interest: symbol mandatory; weight 1.
                weighed(prefix + "/openInterest", MarketData.OPEN_INTEREST, "symbol", List.of(required("symbol")),
                        q -> 1),
                // Kline-Candlestick-Data: symbol, interval mandatory; limit default 500, max 1500; weight by limit.
                weighed(prefix + "/klines", MarketData.KLINES, "symbol",
                        List.of(required("symbol"), required("interval", FUTURES_INTERVALS)),
                        q -> futuresKlinesWeight(intParameter(q, "limit", 500))),
                // Long-Short-Ratio (global account ratio): instrument and period mandatory.
                VenueEndpoint.marketData("/futures/data/globalLongShortAccountRatio", MarketData.LONG_SHORT_RATIO,
                        ratioInstrument, List.of(required(ratioInstrument), required("period", RATIO_PERIODS)),
                        ratioCharge),
                VenueEndpoint.health(prefix + "/ping", Charge.of(REQUEST_WEIGHT, 1))));
    }

    private static VenueEndpoint spotEndpoint(String path, MarketData data, List<ParameterRule> parameters,
                                              ToLongFunction<Map<String, String>> weight) {
        return VenueEndpoint.marketData(path, data, "symbol", parameters, Charge.of(REQUEST_WEIGHT, weight),
                Charge.of(RAW_REQUESTS, 1));
    }

    private static VenueEndpoint weighed(String path, MarketData data, String instrument,
                                         List<ParameterRule> parameters,
                                         ToLongFunction<Map<String, String>> weight) {
        return VenueEndpoint.marketData(path, data, instrument, parameters, Charge.of(REQUEST_WEIGHT, weight));
    }

    /** Spot depth: limit 1-100 → 5, 101-500 → 25, 501-1000 → 50, 1001-5000 → 250. */
    static long spotDepthWeight(int limit) {
        if (limit <= 100) {
            return 5;
        }
        if (limit <= 500) {
            return 25;
        }
        return limit <= 1000 ? 50 : 250;
    }

    /** Spot 24hr ticker: one symbol → 2; symbols 1-20 → 2, 21-100 → 40, 101+ → 80; neither → 80. */
    static long spotTickerWeight(Map<String, String> query) {
        if (query.containsKey("symbol")) {
            return 2;
        }
        String symbols = query.get("symbols");
        if (symbols == null) {
            return 80;
        }
        int count = symbols.replaceAll("[\\[\\]\\s]", "").isEmpty() ? 0 : symbols.split(",").length;
        if (count <= 20) {
            return 2;
        }
        return count <= 100 ? 40 : 80;
    }

    /** Futures depth: limit 5/10/20/50 → 2, 100 → 5, 500 → 10, 1000 → 20. */
    static long futuresDepthWeight(int limit) {
        if (limit <= 50) {
            return 2;
        }
        if (limit <= 100) {
            return 5;
        }
        return limit <= 500 ? 10 : 20;
    }

    /** Futures klines: limit in [1,100) → 1, [100,500) → 2, [500,1000] → 5, above → 10. */
    static long futuresKlinesWeight(int limit) {
        if (limit < 100) {
            return 1;
        }
        if (limit < 500) {
            return 2;
        }
        return limit <= 1000 ? 5 : 10;
    }

    private static int intParameter(Map<String, String> query, String name, int absent) {
        String value = query.get(name);
        try {
            return value == null ? absent : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return absent;
        }
    }
}
