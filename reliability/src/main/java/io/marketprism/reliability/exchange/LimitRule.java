package io.marketprism.reliability.exchange;

import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.limiter.WindowMeasure;

/**
 * One limit an exchange publishes: at most {@code limit} units of {@code measure} per {@code windowMillis}, counted in
 * fixed clock windows (Binance's minutes) or rolling ones, per source IP or per IP and instrument.
 *
 * <p>The service budgets every rule as a rolling window of the same length and limit: any interval of that length,
 * a clock window included, then stays within the limit whatever the offset between the service's clock and the
 * exchange's. A per-instrument rule is budgeted for its whole group (the stricter reading: it never overruns the
 * instrument's limit, but several instruments share one instrument's budget).
 *
 * @param doc where the exchange documents the rule
 */
public record LimitRule(WindowMeasure measure, long limit, long windowMillis, boolean fixedClock,
                        boolean perInstrument, String doc) {

    /** The window the limiter keeps for this rule. */
    public WindowLimit window() {
        return new WindowLimit(measure, limit, windowMillis,
                (int) Math.min(WindowLimit.DEFAULT_SLOTS, Math.max(1, windowMillis)));
    }

    /** The rule as the docs' exchange table prints it, e.g. {@code 6000 weight / 1m (clock)}. */
    public String describe() {
        return limit + " " + measure.name().toLowerCase(java.util.Locale.ROOT) + " / " + Durations.format(windowMillis)
                + (fixedClock ? " (clock)" : " (rolling)") + (perInstrument ? " per instrument" : "");
    }
}
