package io.marketprism.ops.exchange;

import static io.marketprism.ops.exchange.ParameterRule.optional;
import static io.marketprism.ops.exchange.ParameterRule.required;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Bybit v5 public market REST ({@code api.bybit.com}): one IP limit for all traffic, 600 requests per 5 seconds; a
 * breach answers HTTP 403 "access too frequent" and the IP must wait at least 10 minutes.
 *
 * <p>Sources: https://bybit-exchange.github.io/docs/v5/rate-limit ("HTTP IP limit"),
 * https://bybit-exchange.github.io/docs/v5/error (HTTP codes; retCode 10001 parameter error) and
 * https://bybit-exchange.github.io/docs/v5/market/{orderbook, recent-trade, tickers, history-fund-rate,
 * open-interest, kline, long-short-ratio, time}, mirrored in rosssaunders/coincise {@code docs/bybit/}.
 */
final class BybitVenue {

    static final String IP_LIMIT = "http-ip";

    private static final String[] ALL_CATEGORIES = {"spot", "linear", "inverse", "option"};
    private static final String[] DERIVATIVES = {"linear", "inverse"};
    /** intervalTime of open interest and period of the account ratio. */
    private static final String[] PERIODS = {"5min", "15min", "30min", "1h", "4h", "1d"};

    /** Business errors (retCode 10001) come with HTTP 200; the IP limit with 403, which also answers the ban. */
    private static final Venue.Statuses STATUSES = new Venue.Statuses(200, 200, 403, 403, false);
    /** The breach itself bans for 10 minutes. */
    private static final BanPolicy BANS = new BanPolicy(0, Duration.ofMinutes(10), Duration.ofMinutes(10));

    private BybitVenue() {
    }

    static Venue create() {
        return new Venue("bybit", new BybitDialect(), List.of(
                LimitRule.rolling(IP_LIMIT, "requests", 600, Duration.ofSeconds(5))),
                BANS, STATUSES, Optional.empty(), List.of(
                // category (spot, linear, inverse, option) and symbol mandatory.
                endpoint("/v5/market/orderbook", MarketData.ORDER_BOOK, required("category", ALL_CATEGORIES),
                        required("symbol")),
                // category mandatory; symbol mandatory for spot, linear and inverse (options are not simulated).
                endpoint("/v5/market/recent-trade", MarketData.TRADES, required("category", ALL_CATEGORIES),
                        required("symbol")),
                // category mandatory; symbol optional.
                endpoint("/v5/market/tickers", MarketData.TICKER, required("category", ALL_CATEGORIES)),
                // Funding rate history: category linear or inverse, symbol mandatory.
                endpoint("/v5/market/funding/history", MarketData.FUNDING_RATE, required("category", DERIVATIVES),
                        required("symbol")),
                // category linear or inverse, symbol and intervalTime mandatory.
                endpoint("/v5/market/open-interest", MarketData.OPEN_INTEREST, required("category", DERIVATIVES),
                        required("symbol"), required("intervalTime", PERIODS)),
                // category optional (spot, linear, inverse; default linear); symbol and interval mandatory.
                endpoint("/v5/market/kline", MarketData.KLINES, optional("category", "spot", "linear", "inverse"),
                        required("symbol"), required("interval", "1", "3", "5", "15", "30", "60", "120", "240",
                                "360", "720", "D", "W", "M")),
                // Long short ratio: category linear or inverse, symbol and period mandatory.
                endpoint("/v5/market/account-ratio", MarketData.LONG_SHORT_RATIO, required("category", DERIVATIVES),
                        required("symbol"), required("period", PERIODS)),
                VenueEndpoint.health("/v5/market/time", Charge.of(IP_LIMIT, 1))));
    }

    private static VenueEndpoint endpoint(String path, MarketData data, ParameterRule... rules) {
        return VenueEndpoint.marketData(path, data, "symbol", List.of(rules), Charge.of(IP_LIMIT, 1));
    }
}
