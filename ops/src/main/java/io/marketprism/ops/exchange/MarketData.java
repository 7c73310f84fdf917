package io.marketprism.ops.exchange;

/** The kinds of public market data the simulated exchanges serve. */
public enum MarketData {
    ORDER_BOOK, TRADES, TICKER, FUNDING_RATE, OPEN_INTEREST
}
