package io.marketprism.ops.exchange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The budgets of a strict simulated exchange: one window per (venue, route, limit group, scope value), charged by
 * admitted requests, and the counters behind {@link LimitUsage}. A request that would overrun any of its groups is
 * charged nothing. Windows of a per-instrument group that fall idle are dropped, so memory follows the instruments
 * in use, not every instrument ever seen. Not thread-safe: its owner serialises calls.
 */
final class LimitLedger {

    private static final int SWEEP_EVERY = 4_096;

    private final Map<WindowKey, Window> windows = new HashMap<>();
    private final Map<GroupKey, Counters> counters = new LinkedHashMap<>();
    private int chargesSinceSweep;

    /** What one request takes from one group: the rule, the scope value (empty when per route only) and the cost. */
    record Demand(LimitRule rule, String scopeValue, long cost) {
    }

    /** A demand that did not fit, and when it would. */
    record Breach(LimitRule rule, long retryAfterMillis) {
    }

    /** Charges every demand if all fit; otherwise charges nothing and names the first that did not fit. */
    Optional<Breach> tryCharge(String venue, String route, List<Demand> demands, long nowMillis) {
        for (Demand demand : demands) {
            long wait = window(venue, route, demand).waitMillis(nowMillis, demand.cost());
            if (wait > 0) {
                counters(venue, route, demand.rule()).rejected++;
                return Optional.of(new Breach(demand.rule(), wait));
            }
        }
        for (Demand demand : demands) {
            Window window = window(venue, route, demand);
            window.charge(nowMillis, demand.cost());
            Counters c = counters(venue, route, demand.rule());
            c.charged += demand.cost();
            c.admitted++;
            c.scopeValues.add(demand.scopeValue());
            c.peak = Math.max(c.peak, window.used(nowMillis));
        }
        if (++chargesSinceSweep >= SWEEP_EVERY) {
            chargesSinceSweep = 0;
            windows.values().removeIf(w -> w.used(nowMillis) == 0);
        }
        return Optional.empty();
    }

    /** Counts a ban answer against every group of the venue the route has used. */
    void countBanned(String venue, String route) {
        counters.forEach((key, c) -> {
            if (key.venue().equals(venue) && key.route().equals(route)) {
                c.banned++;
            }
        });
    }

    /** Units the route used in the group's current window (of its busiest scope value, if scoped). */
    long used(String venue, String route, LimitRule rule, long nowMillis) {
        if (rule.scopeParameter().isEmpty()) {
            Window window = windows.get(new WindowKey(venue, route, rule.group(), ""));
            return window == null ? 0 : window.used(nowMillis);
        }
        long used = 0;
        for (Map.Entry<WindowKey, Window> e : windows.entrySet()) {
            WindowKey key = e.getKey();
            if (key.venue().equals(venue) && key.route().equals(route) && key.group().equals(rule.group())) {
                used = Math.max(used, e.getValue().used(nowMillis));
            }
        }
        return used;
    }

    /** Usage of every (venue, route, group) charged or rejected so far, in first-seen order. */
    List<LimitUsage> usage(long nowMillis) {
        List<LimitUsage> usage = new ArrayList<>();
        counters.forEach((key, c) -> usage.add(new LimitUsage(key.venue(), key.route(), key.rule().group(),
                key.rule().unit(), key.rule().limit(), key.rule().window(),
                used(key.venue(), key.route(), key.rule(), nowMillis), c.peak, c.charged, c.admitted,
                c.rejected, c.banned, Math.max(1, c.scopeValues.size()))));
        return usage;
    }

    /** Windows held now (for tests of idle eviction). */
    int windowCount() {
        return windows.size();
    }

    /** Forgets all windows and counters. */
    void clear() {
        windows.clear();
        counters.clear();
    }

    private Window window(String venue, String route, Demand demand) {
        return windows.computeIfAbsent(new WindowKey(venue, route, demand.rule().group(), demand.scopeValue()),
                key -> Window.of(demand.rule()));
    }

    private Counters counters(String venue, String route, LimitRule rule) {
        return counters.computeIfAbsent(new GroupKey(venue, route, rule), key -> new Counters());
    }

    private record WindowKey(String venue, String route, String group, String scopeValue) {
    }

    private record GroupKey(String venue, String route, LimitRule rule) {
    }

    private static final class Counters {
        /** The scope values charged (instruments of a per-instrument group; the one empty value otherwise). */
        private final Set<String> scopeValues = new HashSet<>();
        private long peak;
        private long charged;
        private long admitted;
        private long rejected;
        private long banned;
    }

    /** One budget's window. */
    private abstract static class Window {

        final long limit;
        final long windowMillis;

        Window(LimitRule rule) {
            this.limit = rule.limit();
            this.windowMillis = rule.window().toMillis();
        }

        static Window of(LimitRule rule) {
            return switch (rule.kind()) {
                case FIXED_CLOCK -> new FixedClockWindow(rule);
                case ROLLING -> new RollingWindow(rule);
                case CREDIT_BUCKET -> new CreditBucket(rule);
            };
        }

        /** Units used now. */
        abstract long used(long nowMillis);

        /** 0 if {@code cost} fits now, else the millis until it would. */
        abstract long waitMillis(long nowMillis, long cost);

        abstract void charge(long nowMillis, long cost);
    }

    /** Counts from the start of the current clock-aligned window (e.g. the minute). */
    private static final class FixedClockWindow extends Window {

        private long index = Long.MIN_VALUE;
        private long used;

        FixedClockWindow(LimitRule rule) {
            super(rule);
        }

        private void roll(long nowMillis) {
            long current = Math.floorDiv(nowMillis, windowMillis);
            if (current != index) {
                index = current;
                used = 0;
            }
        }

        @Override
        long used(long nowMillis) {
            roll(nowMillis);
            return used;
        }

        @Override
        long waitMillis(long nowMillis, long cost) {
            roll(nowMillis);
            return used + cost <= limit ? 0 : (index + 1) * windowMillis - nowMillis;
        }

        @Override
        void charge(long nowMillis, long cost) {
            roll(nowMillis);
            used += cost;
        }
    }

    /** Counts what was charged within the last window. */
    private static final class RollingWindow extends Window {

        private final ArrayDeque<long[]> charges = new ArrayDeque<>();
        private long used;

        RollingWindow(LimitRule rule) {
            super(rule);
        }

        private void expire(long nowMillis) {
            while (!charges.isEmpty() && charges.peekFirst()[0] <= nowMillis - windowMillis) {
                used -= charges.removeFirst()[1];
            }
        }

        @Override
        long used(long nowMillis) {
            expire(nowMillis);
            return used;
        }

        @Override
        long waitMillis(long nowMillis, long cost) {
            expire(nowMillis);
            long excess = used + cost - limit;
            Iterator<long[]> oldestFirst = charges.iterator();
            while (excess > 0 && oldestFirst.hasNext()) {
                long[] charge = oldestFirst.next();
                excess -= charge[1];
                if (excess <= 0) {
                    return charge[0] + windowMillis - nowMillis;
                }
            }
            return excess > 0 ? windowMillis : 0;
        }

        @Override
        void charge(long nowMillis, long cost) {
            expire(nowMillis);
            charges.addLast(new long[] {nowMillis, cost});
            used += cost;
        }
    }

    /** A pool of {@code limit} credits refilled continuously, full after {@code window} from empty. */
    private static final class CreditBucket extends Window {

        private double available;
        private long refilledAt = Long.MIN_VALUE;

        CreditBucket(LimitRule rule) {
            super(rule);
            this.available = rule.limit();
        }

        private void refill(long nowMillis) {
            if (refilledAt != Long.MIN_VALUE && nowMillis > refilledAt) {
                available = Math.min(limit, available + (double) (nowMillis - refilledAt) * limit / windowMillis);
            }
            refilledAt = Math.max(refilledAt, nowMillis);
        }

        @Override
        long used(long nowMillis) {
            refill(nowMillis);
            return limit - (long) Math.floor(available);
        }

        @Override
        long waitMillis(long nowMillis, long cost) {
            refill(nowMillis);
            return available >= cost ? 0 : (long) Math.ceil((cost - available) * windowMillis / limit);
        }

        @Override
        void charge(long nowMillis, long cost) {
            refill(nowMillis);
            available -= cost;
        }
    }
}
