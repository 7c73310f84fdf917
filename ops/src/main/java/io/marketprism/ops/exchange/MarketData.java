package io.marketprism.ops.exchange;

/** The kinds of public market data the simulated exchanges serve. */
public enum MarketData {
    ORDER_BOOK, TRADES, TICKER, FUNDING_RATE, OPEN_INTEREST,
    /** Candles of one interval; Deribit calls them chart data. */
    KLINES,
    /** The ratio of accounts net long to accounts net short; Deribit has none. */
    LONG_SHORT_RATIO
}
