package io.marketprism.ops.exchange;

import java.time.Duration;
import java.util.Optional;

/**
 * One documented limit of a strict venue: at most {@code limit} units (weight, requests or credits) per
 * {@code window}, counted per client route, or per route and the value of one query parameter (OKX's per-instrument
 * limits).
 *
 * @param group          the limit group's name, unique within its venue, e.g. {@code REQUEST_WEIGHT}
 * @param unit           what is counted: {@code weight}, {@code requests} or {@code credits}
 * @param limit          units allowed per window (for a credit bucket: its capacity)
 * @param window         the window (for a credit bucket: the time to refill it from empty)
 * @param kind           how the window moves
 * @param scopeParameter the query parameter that splits the budget further (e.g. {@code instId}), if any
 */
record LimitRule(String group, String unit, long limit, Duration window, Kind kind, Optional<String> scopeParameter) {

    /** How a window moves. */
    enum Kind {
        /** Windows aligned to the clock (every minute on the minute, every 5 minutes on the 5 minutes). */
        FIXED_CLOCK,
        /** A window ending now: units charged within the last {@code window} count. */
        ROLLING,
        /** A credit pool of {@code limit} refilled continuously at {@code limit / window}. */
        CREDIT_BUCKET
    }

    LimitRule {
        if (limit <= 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException(group + ": limit and window must be positive");
        }
    }

    /** This rule with {@code factor} times its limit. */
    LimitRule scaledBy(long factor) {
        return new LimitRule(group, unit, Math.multiplyExact(limit, factor), window, kind, scopeParameter);
    }

    static LimitRule fixedClock(String group, String unit, long limit, Duration window) {
        return new LimitRule(group, unit, limit, window, Kind.FIXED_CLOCK, Optional.empty());
    }

    static LimitRule rolling(String group, String unit, long limit, Duration window) {
        return new LimitRule(group, unit, limit, window, Kind.ROLLING, Optional.empty());
    }

    static LimitRule rollingPer(String group, String unit, long limit, Duration window, String scopeParameter) {
        return new LimitRule(group, unit, limit, window, Kind.ROLLING, Optional.of(scopeParameter));
    }

    static LimitRule creditBucket(String group, long capacity, Duration refillFromEmpty) {
        return new LimitRule(group, "credits", capacity, refillFromEmpty, Kind.CREDIT_BUCKET, Optional.empty());
    }
}
