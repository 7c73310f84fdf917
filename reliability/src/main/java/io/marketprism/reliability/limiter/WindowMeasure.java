package io.marketprism.reliability.limiter;

/** What a sliding window counts. */
public enum WindowMeasure {
    /** The request weight the exchange charges (Binance "weight"). */
    WEIGHT,
    /** One per request, whatever its weight. */
    REQUESTS
}
