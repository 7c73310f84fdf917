package io.marketprism.reliability.limiter;

import io.marketprism.reliability.internal.ByteSink;
import io.marketprism.reliability.internal.VarInts;
import java.io.DataInput;
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
    /**
     * The encoded (age, count) pairs of the non-empty slots before the newest one, kept for {@link #writeTo} while
     * they cannot change: only the newest slot counts new amounts, until the window moves on.
     */
    private final ByteSink olderSlots = new ByteSink(16);
    private int olderNonZero;
    private boolean olderStale = true;

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
        olderStale = true;
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
        olderStale = true;
        for (long s = newestSlot - (counts.length - 1); toRemove > 0 && s <= newestSlot; s++) {
            int i = index(s);
            long removed = Math.min(counts[i], toRemove);
            counts[i] -= removed;
            toRemove -= removed;
            total -= removed;
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

    /**
     * Writes the limit, the newest slot and the non-empty slots as (age, count) pairs, newest first: their number
     * and each age and count as variable-length numbers, so the size grows with the slots in use.
     */
    void writeTo(ByteSink out) {
        out.writeByte(limit.measure().ordinal());
        out.writeLong(limit.limit());
        out.writeLong(limit.lengthMillis());
        out.writeInt(limit.slots());
        out.writeLong(newestSlot);
        if (newestSlot == EMPTY) {
            out.writeVarLong(0);
            return;
        }
        if (olderStale) {
            encodeOlderSlots();
        }
        long newest = counts[index(newestSlot)];
        out.writeVarLong(olderNonZero + (newest != 0 ? 1 : 0));
        if (newest != 0) {
            out.writeVarLong(0);
            out.writeVarLong(newest);
        }
        olderSlots.copyTo(out);
    }

    private void encodeOlderSlots() {
        olderSlots.reset();
        olderNonZero = 0;
        for (int age = 1; age < counts.length; age++) {
            long count = counts[index(newestSlot - age)];
            if (count != 0) {
                olderSlots.writeVarLong(age);
                olderSlots.writeVarLong(count);
                olderNonZero++;
            }
        }
        olderStale = false;
    }

    /**
     * Reads what {@link #writeTo} wrote, or with {@code fixedWidthSlots} the first format, which wrote the number of
     * slots and each age as unsigned shorts and each count as a long.
     */
    static SlidingWindow readFrom(DataInput in, boolean fixedWidthSlots) throws IOException {
        WindowMeasure measure = WindowMeasure.values()[in.readUnsignedByte()];
        SlidingWindow window = new SlidingWindow(new WindowLimit(measure, in.readLong(), in.readLong(), in.readInt()));
        window.newestSlot = in.readLong();
        int nonZero = fixedWidthSlots ? in.readUnsignedShort() : VarInts.readInt(in, window.counts.length);
        for (int n = 0; n < nonZero; n++) {
            int age = fixedWidthSlots ? in.readUnsignedShort() : VarInts.readInt(in, Integer.MAX_VALUE);
            long count = fixedWidthSlots ? in.readLong() : VarInts.read(in);
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
