package io.marketprism.reliability.exchange;

import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.limiter.WindowMeasure;

/**
 * One limit an exchange publishes: at most {@code limit} units of {@code measure} per {@code windowMillis}, counted in
 * fixed clock windows (Binance's minutes) or rolling ones, per source IP or per IP and instrument.
 *
 * <p>The service budgets every rule as a rolling window of the same limit, {@link #marginMillis} longer: any interval
 * of the exchange's length, a clock window included, then stays within the limit whatever the offset between the
 * service's clock and the exchange's, and a call counted when it is dispatched may reach the exchange up to the
 * margin later. A per-instrument rule is budgeted for its whole group (the stricter reading: it never overruns the
 * instrument's limit, but several instruments share one instrument's budget).
 *
 * @param doc where the exchange documents the rule
 */
public record LimitRule(WindowMeasure measure, long limit, long windowMillis, boolean fixedClock,
                        boolean perInstrument, String doc) {

    /** Windows up to this long are kept in up to {@link #SHORT_WINDOW_SLOTS} slots, longer ones in the default count. */
    static final long SHORT_WINDOW_MILLIS = 10_000;
    /** Slots of a short window at most: one slot over-counts a window by about 1/200th of it. */
    static final int SHORT_WINDOW_SLOTS = 200;

    /**
     * How much longer than the exchange's the service's window is: 5 % of it, at least 50 ms (100 ms for OKX's 2 s,
     * 3 s for a minute), which leaves 95 % of a limit usable. It covers the time from a call's dispatch, when the
     * service counts it, to its arrival, when the exchange does, so that calls dispatched within a window and sent a
     * little later (a busy machine delays them) still fit the exchange's; a strict flood with 2.5 % broke Bybit's
     * 5 s limit once on a loaded machine, which Bybit answers with a ten-minute ban.
     */
    public static long marginMillis(long windowMillis) {
        return Math.max(50, windowMillis / 20);
    }

    /**
     * The window the limiter keeps for this rule: the same limit over the window and its margin, in slots of whole
     * milliseconds that together span the window's length to within one millisecond (a ring of slots counts the whole
     * ring, so slots that overshoot the length would lengthen the window).
     */
    public WindowLimit window() {
        long length = windowMillis + marginMillis(windowMillis);
        int most = windowMillis <= SHORT_WINDOW_MILLIS ? SHORT_WINDOW_SLOTS : WindowLimit.DEFAULT_SLOTS;
        long slotMillis = (length + most - 1) / most;
        return new WindowLimit(measure, limit, length, (int) ((length + slotMillis - 1) / slotMillis));
    }

    /** The rule as the docs' exchange table prints it, e.g. {@code 6000 weight / 1m (clock)}. */
    public String describe() {
        return limit + " " + measure.name().toLowerCase(java.util.Locale.ROOT) + " / " + Durations.format(windowMillis)
                + (fixedClock ? " (clock)" : " (rolling)") + (perInstrument ? " per instrument" : "");
    }
}
