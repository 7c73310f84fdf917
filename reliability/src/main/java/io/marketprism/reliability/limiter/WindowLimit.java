package io.marketprism.reliability.limiter;

import io.marketprism.reliability.Checks;
import java.util.Objects;

/**
 * One rolling budget: at most {@code limit} units of {@code measure} in any {@code lengthMillis} interval.
 * The window is kept as {@code slots} buckets; a request is checked against every slot overlapping
 * {@code [now - length, now]}, which over-counts by at most one slot and so never exceeds the real window.
 */
public record WindowLimit(WindowMeasure measure, long limit, long lengthMillis, int slots) {

    /** Largest accepted window length: one week. */
    public static final long MAX_LENGTH_MILLIS = 7L * 24 * 3600 * 1000;
    /** Slot count used by {@link #weight} and {@link #requests}, capped by the window length in milliseconds. */
    public static final int DEFAULT_SLOTS = 60;

    public WindowLimit {
        Objects.requireNonNull(measure, "measure");
        Checks.inRange("window.limit", limit, 1, 1_000_000_000_000L);
        Checks.inRange("window.lengthMillis", lengthMillis, 1, MAX_LENGTH_MILLIS);
        Checks.inRange("window.slots", slots, 1, (int) Math.min(3600, lengthMillis));
    }

    /** A weight budget with {@link #DEFAULT_SLOTS} slots. */
    public static WindowLimit weight(long limit, long lengthMillis) {
        return new WindowLimit(WindowMeasure.WEIGHT, limit, lengthMillis, defaultSlots(lengthMillis));
    }

    /** A request-count budget with {@link #DEFAULT_SLOTS} slots. */
    public static WindowLimit requests(long limit, long lengthMillis) {
        return new WindowLimit(WindowMeasure.REQUESTS, limit, lengthMillis, defaultSlots(lengthMillis));
    }

    /** The same budget kept in {@code slotCount} slots (more slots: less over-counting, more memory). */
    public WindowLimit withSlots(int slotCount) {
        return new WindowLimit(measure, limit, lengthMillis, slotCount);
    }

    /** Width of one slot; slots together cover at least the window length. */
    long slotMillis() {
        return (lengthMillis + slots - 1) / slots;
    }

    private static int defaultSlots(long lengthMillis) {
        return (int) Math.min(DEFAULT_SLOTS, Math.max(1, Math.min(lengthMillis, MAX_LENGTH_MILLIS)));
    }
}
