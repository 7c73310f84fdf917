package io.marketprism.reliability.exchange;

import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.limiter.WindowMeasure;

/**
 * One limit an exchange publishes: at most {@code limit} units of {@code measure} per {@code windowMillis}, counted in
 * fixed clock windows (Binance's minutes) or rolling ones, per source IP or per IP and instrument.
 *
 * <p>The service budgets every rule as a rolling window of the same limit, {@link #marginMillis} longer: any interval
 * of the exchange's length, a clock window included, then stays within the limit whatever the offset between the
 * service's clock and the exchange's. A call is counted from its admission until a window after its answer (the
 * limiter's {@code onAnswered}), so however late it reaches the exchange, the exchange counts it while the service
 * does, unless it stays unanswered for longer than a whole window. A per-instrument rule (OKX's funding rate: 10
 * requests per 2 s per IP and instrument) is budgeted per instrument: its group has a limit domain per route and
 * instrument ({@code DomainId.ofInstrument}), created when a task of the instrument arrives and forgotten once it is
 * idle ({@code DecisionEngine.forgetIfIdle}), so that only the instruments of the last window are held in memory.
 * The rules of one group share one scope.
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
     * How much longer than the exchange's the service's window is: 1 % of it, at least 20 ms (20 ms for OKX's 2 s,
     * 600 ms for a minute), which leaves 99 % of a limit usable; it absorbs the rounding of times to whole
     * milliseconds and slots. It need not cover the time from a call's admission to its arrival: the call is counted
     * again at its answer, which is later than its arrival. With the call counted at admission alone, a margin of 5 %
     * was not enough on a loaded machine: a strict flood broke OKX's 2 s limits and Bybit's 5 s one, which Bybit
     * answers with a ten-minute ban.
     */
    public static long marginMillis(long windowMillis) {
        return Math.max(20, windowMillis / 100);
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
