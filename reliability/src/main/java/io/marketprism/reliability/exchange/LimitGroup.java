package io.marketprism.reliability.exchange;

import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.limiter.WindowMeasure;
import java.util.List;

/**
 * A set of limits every request of the group is charged against at once (Binance spot: request weight and raw
 * requests), counted per egress route. With a route, a group is one limit domain of the service; a group whose rules
 * the exchange counts per instrument ({@link #perInstrument()}) is one limit domain per route and instrument.
 *
 * @param name             unique within the exchange
 * @param hostSet          the host set whose requests consume it
 * @param rules            one to eight limits, all counted per IP or all per IP and instrument
 * @param usedWeightHeader the response header in which the exchange reports the weight used in the group's weight
 *                         rule (e.g. {@code X-MBX-USED-WEIGHT-1M}), or null
 */
public record LimitGroup(String name, String hostSet, List<LimitRule> rules, String usedWeightHeader, String doc) {

    /** The largest bucket and refill rate a limiter takes; a larger limit is budgeted by its windows alone. */
    private static final long MAX_BUCKET = 1_000_000_000L;

    public LimitGroup {
        rules = List.copyOf(rules);
    }

    /**
     * Whether the exchange counts the group's rules per IP and instrument, so that each instrument has the whole
     * limits. A group with a rule per IP alone is budgeted as a whole (a definition cannot mix the two scopes in one
     * group: {@code DefinitionReader} refuses it).
     */
    public boolean perInstrument() {
        return rules.stream().allMatch(LimitRule::perInstrument);
    }

    /**
     * {@code base} (queue, reserve and adaptation settings) with this group's budgets: a rolling window per rule
     * ({@link LimitRule#window()}), a token bucket as large as the smallest limit refilling at the slowest window's
     * rate, and the used-weight header's window when the group has one.
     */
    public LimiterConfig budgetOn(LimiterConfig base) {
        WindowLimit[] windows = rules.stream().map(LimitRule::window).toArray(WindowLimit[]::new);
        long capacity = Long.MAX_VALUE;
        double refill = Double.MAX_VALUE;
        long headerWindow = 0;
        for (WindowLimit window : windows) {
            capacity = Math.min(capacity, window.limit());
            refill = Math.min(refill, window.limit() * 1000.0 / window.lengthMillis());
            if (usedWeightHeader != null && headerWindow == 0 && window.measure() == WindowMeasure.WEIGHT) {
                headerWindow = window.lengthMillis();
            }
        }
        return base.toBuilder().windows(windows).bucketCapacity(Math.min(capacity, MAX_BUCKET))
                .refillPerSecond(Math.min(MAX_BUCKET, Math.max(0.001, refill)))
                .usedWeightWindowMillis(headerWindow).build();
    }
}
