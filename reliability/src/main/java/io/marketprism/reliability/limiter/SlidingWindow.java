package io.marketprism.reliability.limiter;

import java.util.Arrays;

/**
 * Rolling count over {@code slots + 1} ring slots. The count at {@code now} is the sum of the slots from
 * {@code slot(now) - slots} to {@code slot(now)}, which covers {@code [now - length, now]}: a conservative upper
 * bound of the real rolling count.
 */
final class SlidingWindow {

    private static final long EMPTY = Long.MIN_VALUE;

    private final WindowLimit limit;
    private final long slotMillis;
    private final long[] counts;
    private long newestSlot = EMPTY;
    private long total;

    SlidingWindow(WindowLimit limit) {
        this.limit = limit;
        this.slotMillis = limit.slotMillis();
        this.counts = new long[limit.slots() + 1];
    }

    WindowLimit limit() {
        return limit;
    }

    /** What a task of {@code weight} counts in this window. */
    long amountOf(int weight) {
        return limit.measure() == WindowMeasure.WEIGHT ? weight : 1;
    }

    /** Drops slots that no longer overlap the window at {@code now}; {@code now} never goes backwards. */
    void advance(long now) {
        long slot = Math.floorDiv(now, slotMillis);
        if (slot == newestSlot) {
            return;
        }
        if (newestSlot == EMPTY || slot - newestSlot >= counts.length) {
            Arrays.fill(counts, 0);
            total = 0;
        } else {
            for (long s = newestSlot + 1; s <= slot; s++) {
                int i = index(s);
                total -= counts[i];
                counts[i] = 0;
            }
        }
        newestSlot = Math.max(slot, newestSlot);
    }

    long total() {
        return total;
    }

    void record(long amount) {
        counts[index(newestSlot)] += amount;
        total += amount;
    }

    /** Takes back {@code amount} recorded: from the newest slot first, never below zero. */
    void unrecord(long amount) {
        if (newestSlot == EMPTY) {
            return;
        }
        long toRemove = amount;
        for (long s = newestSlot; toRemove > 0 && s > newestSlot - counts.length; s--) {
            int i = index(s);
            long removed = Math.min(counts[i], toRemove);
            counts[i] -= removed;
            toRemove -= removed;
            total -= removed;
        }
    }

    /** Milliseconds from {@code now} until {@code amount} more fits under {@code usable}, which it can alone. */
    long millisUntilFits(long amount, long usable, long now) {
        long excess = total + amount - usable;
        long oldest = newestSlot - (counts.length - 1);
        for (long s = oldest; excess > 0 && s <= newestSlot; s++) {
            excess -= counts[index(s)];
            if (excess <= 0) {
                long slotLeavesAt = (s + counts.length) * slotMillis;
                return Math.max(0, slotLeavesAt - now);
            }
        }
        return 0;
    }

    /**
     * Moves {@code amount} recorded at {@code countedAt} to the slot of {@code answeredAt}, which is no earlier and
     * no later than the newest slot: taken from its slot when that is still in the window, recorded in the later one
     * when that is. An amount this window did not record ({@code countedAt} {@link Long#MIN_VALUE}) is recorded
     * alone: counted once more, never less.
     */
    void recount(long amount, long countedAt, long answeredAt) {
        if (newestSlot == EMPTY) {
            return;
        }
        long oldestSlot = newestSlot - (counts.length - 1);
        if (countedAt != Long.MIN_VALUE) {
            long from = Math.floorDiv(countedAt, slotMillis);
            if (from >= oldestSlot && from <= newestSlot) {
                int i = index(from);
                long taken = Math.min(counts[i], amount);
                counts[i] -= taken;
                total -= taken;
            }
        }
        long to = Math.min(newestSlot, Math.floorDiv(answeredAt, slotMillis));
        if (to >= oldestSlot) {
            counts[index(to)] += amount;
            total += amount;
        }
    }

    /**
     * Raises the count to {@code reported} when the exchange counted more (another client on the same address),
     * adding the difference to the newest slot. A lower report is ignored: it cannot count the calls still in flight,
     * which the exchange has not received yet, nor the rest of a rolling window after the exchange's clock window
     * turned, so believing it would send more than the limit allows.
     */
    void raiseTo(long reported) {
        long delta = reported - total;
        if (delta > 0) {
            record(delta);
        }
    }

    /**
     * A copy whose newest slot is no later than the slot of {@code now}; the slots keep their counts by age, so the
     * window counts the same amounts, ending at {@code now}.
     */
    SlidingWindow rebasedTo(long now) {
        long slot = Math.floorDiv(now, slotMillis);
        if (newestSlot == EMPTY || newestSlot <= slot) {
            return copy();
        }
        SlidingWindow rebased = new SlidingWindow(limit);
        for (int age = 0; age < counts.length; age++) {
            rebased.counts[rebased.index(slot - age)] = counts[index(newestSlot - age)];
        }
        rebased.newestSlot = slot;
        rebased.total = total;
        return rebased;
    }

    SlidingWindow copy() {
        SlidingWindow copy = new SlidingWindow(limit);
        System.arraycopy(counts, 0, copy.counts, 0, counts.length);
        copy.newestSlot = newestSlot;
        copy.total = total;
        return copy;
    }

    /** The newest slot's number (time / slot length); {@link Long#MIN_VALUE} before the first amount. */
    long newestSlot() {
        return newestSlot;
    }

    /** What the slot {@code age} slots before the newest one counted; age is below {@link #slotCount()}. */
    long countAtAge(int age) {
        return counts[index(newestSlot - age)];
    }

    /** Slots kept: the configured slots plus the one the window's start falls in. */
    int slotCount() {
        return counts.length;
    }

    /**
     * A window of {@code limit} whose newest slot is {@code newestSlot}, counting {@code countsByAge[age]} in the slot
     * {@code age} slots before it; for saved state. IllegalArgumentException when the counts do not fit the limit.
     */
    static SlidingWindow of(WindowLimit limit, long newestSlot, long[] countsByAge) {
        SlidingWindow window = new SlidingWindow(limit);
        if (countsByAge.length > window.counts.length || (newestSlot == EMPTY && countsByAge.length > 0)) {
            throw new IllegalArgumentException(countsByAge.length + " slot counts do not fit window " + limit);
        }
        window.newestSlot = newestSlot;
        for (int age = 0; age < countsByAge.length; age++) {
            if (countsByAge[age] < 0) {
                throw new IllegalArgumentException("slot count " + countsByAge[age] + " of window " + limit + " < 0");
            }
            window.counts[window.index(newestSlot - age)] = countsByAge[age];
            window.total += countsByAge[age];
        }
        return window;
    }

    private int index(long slot) {
        return (int) Math.floorMod(slot, (long) counts.length);
    }
}
