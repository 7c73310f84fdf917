package io.marketprism.reliability.limiter;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
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

    /** Makes the count equal {@code reported}: adds to the newest slot, or removes from the oldest slots first. */
    void correctTo(long reported) {
        long delta = Math.max(0, reported) - total;
        if (delta >= 0) {
            record(delta);
            return;
        }
        long toRemove = -delta;
        for (long s = newestSlot - (counts.length - 1); toRemove > 0 && s <= newestSlot; s++) {
            int i = index(s);
            long removed = Math.min(counts[i], toRemove);
            counts[i] -= removed;
            toRemove -= removed;
            total -= removed;
        }
    }

    SlidingWindow copy() {
        SlidingWindow copy = new SlidingWindow(limit);
        System.arraycopy(counts, 0, copy.counts, 0, counts.length);
        copy.newestSlot = newestSlot;
        copy.total = total;
        return copy;
    }

    /** Writes the limit and the non-zero slots as (age, count) pairs. */
    void writeTo(DataOutput out) throws IOException {
        out.writeByte(limit.measure().ordinal());
        out.writeLong(limit.limit());
        out.writeLong(limit.lengthMillis());
        out.writeInt(limit.slots());
        out.writeLong(newestSlot);
        int nonZero = 0;
        for (long count : counts) {
            nonZero += count != 0 ? 1 : 0;
        }
        out.writeShort(nonZero);
        for (int age = 0; age < counts.length && newestSlot != EMPTY; age++) {
            long count = counts[index(newestSlot - age)];
            if (count != 0) {
                out.writeShort(age);
                out.writeLong(count);
            }
        }
    }

    static SlidingWindow readFrom(DataInput in) throws IOException {
        WindowMeasure measure = WindowMeasure.values()[in.readUnsignedByte()];
        SlidingWindow window = new SlidingWindow(new WindowLimit(measure, in.readLong(), in.readLong(), in.readInt()));
        window.newestSlot = in.readLong();
        int nonZero = in.readUnsignedShort();
        for (int n = 0; n < nonZero; n++) {
            int age = in.readUnsignedShort();
            long count = in.readLong();
            if (age >= window.counts.length || window.newestSlot == EMPTY) {
                throw new IOException("slot age " + age + " outside window " + window.limit);
            }
            window.counts[window.index(window.newestSlot - age)] = count;
            window.total += count;
        }
        return window;
    }

    private int index(long slot) {
        return (int) Math.floorMod(slot, (long) counts.length);
    }
}
