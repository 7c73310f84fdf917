package io.marketprism.ops.exchange;

import static io.marketprism.ops.exchange.ParameterRule.optional;
import static io.marketprism.ops.exchange.ParameterRule.required;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Deribit API v2 public methods over HTTP GET ({@code www.deribit.com/api/v2/public/...}): one credit pool per client
 * for every non-matching-engine request; an empty pool answers error 10028 {@code too_many_requests}.
 *
 * <p>Sources: https://docs.deribit.com/ (anchors #public-get_order_book, #public-get_last_trades_by_instrument,
 * #public-ticker, #public-get_funding_rate_value, #public-get_book_summary_by_instrument,
 * #public-get_tradingview_chart_data, #public-test; "RPC Error Codes"),
 * mirrored in rosssaunders/coincise {@code docs/deribit/endpoints/public/*.md} and {@code error_codes.md}; limits:
 * https://support.deribit.com/hc/en-us/articles/25944617523357-Rate-Limits ("Default Settings for Non-Matching
 * Engine Requests").
 */
final class DeribitVenue {

    static final String CREDITS = "non-matching-engine";

    /** 500 credits per request, a pool of 50,000 refilled at 10,000 per second: 20 requests/s, bursts of 100. */
    private static final long COST = 500;
    private static final LimitRule POOL = LimitRule.creditBucket(CREDITS, 50_000, Duration.ofSeconds(5));

    /**
     * Deribit's docs give error codes, not HTTP statuses: the simulator answers parameter errors (-32602) with 400
     * and 10028 with 429. Deribit documents no bans or Retry-After.
     */
    private static final Venue.Statuses STATUSES = new Venue.Statuses(400, 400, 429, 429, false);

    private DeribitVenue() {
    }

    static Venue create() {
        return new Venue("deribit", new DeribitDialect(), List.of(POOL), BanPolicy.NEVER, STATUSES,
                Optional.empty(), List.of(
                // instrument_name mandatory; depth optional, one of 1..10000.
                endpoint("/api/v2/public/get_order_book", MarketData.ORDER_BOOK, required("instrument_name"),
                        optional("depth", "1", "5", "10", "20", "50", "100", "1000", "10000")),
                // instrument_name mandatory; count optional (default 10, max 1000).
                endpoint("/api/v2/public/get_last_trades_by_instrument", MarketData.TRADES,
                        required("instrument_name")),
                // instrument_name mandatory; carries current_funding and funding_8h for perpetuals.
                endpoint("/api/v2/public/ticker", MarketData.TICKER, required("instrument_name")),
                // instrument_name, start_timestamp and end_timestamp all mandatory: a rate over a period.
                endpoint("/api/v2/public/get_funding_rate_value", MarketData.FUNDING_RATE,
                        required("instrument_name"), required("start_timestamp"), required("end_timestamp")),
                // instrument_name mandatory; open_interest in the summary.
                endpoint("/api/v2/public/get_book_summary_by_instrument", MarketData.OPEN_INTEREST,
                        required("instrument_name")),
                // instrument_name, start_timestamp, end_timestamp and resolution mandatory.
                endpoint("/api/v2/public/get_tradingview_chart_data", MarketData.KLINES,
                        required("instrument_name"), required("start_timestamp"), required("end_timestamp"),
                        required("resolution", "1", "3", "5", "10", "15", "30", "60", "120", "180", "360", "720",
                                "1D")),
                // Session-level requests such as test count against the same pool.
                VenueEndpoint.health("/api/v2/public/test", Charge.of(CREDITS, COST))));
    }

    private static VenueEndpoint endpoint(String path, MarketData data, ParameterRule... rules) {
        return VenueEndpoint.marketData(path, data, "instrument_name", List.of(rules), Charge.of(CREDITS, COST));
    }
}
