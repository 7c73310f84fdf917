package io.marketprism.ops.exchange;

import static io.marketprism.ops.exchange.ParameterRule.optional;
import static io.marketprism.ops.exchange.ParameterRule.required;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * OKX v5 public REST ({@code www.okx.com}): a limit per endpoint, per IP or per IP and instrument, each counted over
 * 2 seconds; a breach is error 50011.
 *
 * <p>Sources: https://www.okx.com/docs-v5/en/ sections "Rate Limits", "Error Code" (REST, public 50000-53999) and
 * the endpoint sections whose anchors are named next to each entry (parameters are in the same sections) (mirrored in rosssaunders/coincise {@code docs/okx/
 * order_book_trading.md}, {@code public_data.md}, {@code rate_limits.md}, {@code error_codes.md},
 * {@code endpoints/public/get_long_short_ratio.md}, {@code endpoints/private/get_contract_long_short_ratio.md}).
 * OKX does not say whether its 2-second windows roll or are aligned; the simulator rolls them (the stricter reading).
 */
final class OkxVenue {

    /** Bar sizes of Get candlesticks: UTC+8 and UTC+0 aligned variants. */
    private static final String[] BARS = {"1m", "3m", "5m", "15m", "30m", "1H", "2H", "4H", "6H", "12H", "1D", "2D",
        "3D", "1W", "1M", "3M", "6Hutc", "12Hutc", "1Dutc", "2Dutc", "3Dutc", "1Wutc", "1Mutc", "3Mutc"};
    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

    /**
     * Error codes: 50014 (parameter empty) and 51000 (parameter error) come with HTTP 400, 51001 (instrument does
     * not exist) with HTTP 200, 50011 (rate limit) with HTTP 429 (the table also lists a 200 variant). OKX
     * documents neither bans nor Retry-After for public endpoints.
     */
    private static final Venue.Statuses STATUSES = new Venue.Statuses(400, 200, 429, 429, false);

    private OkxVenue() {
    }

    static Venue create() {
        return new Venue("okx", new OkxDialect(), List.of(
                // #order-book-trading-market-data-get-order-book: 40 requests per 2 s, rule IP.
                LimitRule.rolling("books", "requests", 40, TWO_SECONDS),
                // #order-book-trading-market-data-get-trades: 100 per 2 s, IP.
                LimitRule.rolling("trades", "requests", 100, TWO_SECONDS),
                // #order-book-trading-market-data-get-ticker: 20 per 2 s, IP.
                LimitRule.rolling("ticker", "requests", 20, TWO_SECONDS),
                // #order-book-trading-market-data-get-candlesticks: 40 per 2 s, IP.
                LimitRule.rolling("candles", "requests", 40, TWO_SECONDS),
                // #public-data-rest-api-get-funding-rate: 10 per 2 s, rule IP + Instrument ID.
                LimitRule.rollingPer("funding-rate", "requests", 10, TWO_SECONDS, "instId"),
                // #public-data-rest-api-get-open-interest: 20 per 2 s, rule IP + Instrument ID.
                LimitRule.rollingPer("open-interest", "requests", 20, TWO_SECONDS, "instId"),
                // #trading-statistics-rest-api-get-long-short-ratio (by currency): 5 per 2 s, IP.
                LimitRule.rolling("long-short-account-ratio", "requests", 5, TWO_SECONDS),
                // #trading-statistics-rest-api-get-contract-long-short-ratio: 5 per 2 s, IP + Instrument ID.
                LimitRule.rollingPer("long-short-account-ratio-contract", "requests", 5, TWO_SECONDS, "instId"),
                // #public-data-rest-api-get-system-time: 10 per 2 s, IP.
                LimitRule.rolling("time", "requests", 10, TWO_SECONDS)),
                BanPolicy.NEVER, STATUSES, Optional.empty(), List.of(
                // instId mandatory; sz optional (max 400).
                endpoint("/api/v5/market/books", MarketData.ORDER_BOOK, "instId", "books", required("instId")),
                // instId mandatory; limit optional (max 500).
                endpoint("/api/v5/market/trades", MarketData.TRADES, "instId", "trades", required("instId")),
                endpoint("/api/v5/market/ticker", MarketData.TICKER, "instId", "ticker", required("instId")),
                // instId mandatory; bar optional, default 1m.
                endpoint("/api/v5/market/candles", MarketData.KLINES, "instId", "candles", required("instId"),
                        optional("bar", BARS)),
                // instId mandatory (a SWAP, or ANY).
                endpoint("/api/v5/public/funding-rate", MarketData.FUNDING_RATE, "instId", "funding-rate",
                        required("instId")),
                // instType mandatory (SWAP, FUTURES or OPTION); instFamily mandatory for OPTION; instId optional.
                endpoint("/api/v5/public/open-interest", MarketData.OPEN_INTEREST, "instId", "open-interest",
                        required("instType", "SWAP", "FUTURES", "OPTION"),
                        ParameterRule.requiredWhen("instFamily", "instType", "OPTION")),
                // ccy mandatory; period optional (5m, 1H, 1D).
                endpoint("/api/v5/rubik/stat/contracts/long-short-account-ratio", MarketData.LONG_SHORT_RATIO, "ccy",
                        "long-short-account-ratio", required("ccy"), optional("period", "5m", "1H", "1D")),
                // instId mandatory (FUTURES or SWAP); period optional.
                endpoint("/api/v5/rubik/stat/contracts/long-short-account-ratio-contract",
                        MarketData.LONG_SHORT_RATIO, "instId", "long-short-account-ratio-contract",
                        required("instId"), optional("period", "5m", "15m", "30m", "1H", "2H", "4H", "6H", "12H",
                                "1D", "2D", "3D", "5D", "1W", "1M", "3M", "6Hutc", "12Hutc", "1Dutc", "2Dutc",
                                "3Dutc", "5Dutc", "1Wutc", "1Mutc", "3Mutc")),
                VenueEndpoint.health("/api/v5/public/time", Charge.of("time", 1))));
    }

    private static VenueEndpoint endpoint(String path, MarketData data, String instrument, String group,
                                          ParameterRule... rules) {
        return VenueEndpoint.marketData(path, data, instrument, List.of(rules), Charge.of(group, 1));
    }
}
