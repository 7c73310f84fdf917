package io.marketprism.reliability.limiter;

import io.marketprism.reliability.state.UnreadableStateException;
import io.marketprism.reliability.state.avro.SavedLimiter;
import io.marketprism.reliability.state.avro.SavedSlot;
import io.marketprism.reliability.state.avro.SavedWindow;
import io.marketprism.reliability.state.avro.SavedWindowMeasure;
import java.util.ArrayList;
import java.util.List;

/**
 * The saved form of a {@link LimiterSnapshot}: a {@link SavedLimiter} record, each window with the slots that counted
 * something, newest first. A limiter is saved inside its domain's entry, which also names the exchange; this class
 * converts the limiter part.
 */
public final class LimiterCodec {

    private static final WindowMeasure[] MEASURES = WindowMeasure.values();

    private LimiterCodec() {
    }

    public static SavedLimiter toRecord(LimiterSnapshot state) {
        List<SavedWindow> windows = new ArrayList<>(state.windows().size());
        for (SlidingWindow window : state.windows()) {
            List<SavedSlot> counts = new ArrayList<>();
            if (window.newestSlot() != Long.MIN_VALUE) {
                for (int age = 0; age < window.slotCount(); age++) {
                    long count = window.countAtAge(age);
                    if (count != 0) {
                        counts.add(new SavedSlot(age, count));
                    }
                }
            }
            WindowLimit limit = window.limit();
            windows.add(new SavedWindow(SavedWindowMeasure.values()[limit.measure().ordinal()], limit.limit(),
                    limit.lengthMillis(), limit.slots(), window.newestSlot(), counts));
        }
        return new SavedLimiter(state.clock(), state.rateFactor(), state.bannedUntil(), state.banActive(),
                state.nextArrivalSeq(), state.bucket().tokensMicros(), state.bucket().lastRefillAt(), windows);
    }

    /** The limiter state in {@code saved}; UnreadableStateException when its values are not valid. */
    public static LimiterSnapshot fromRecord(SavedLimiter saved) {
        try {
            List<SlidingWindow> windows = new ArrayList<>(saved.getWindows().size());
            for (SavedWindow window : saved.getWindows()) {
                WindowLimit limit = new WindowLimit(MEASURES[window.getMeasure().ordinal()], window.getLimit(),
                        window.getLengthMillis(), window.getSlots());
                int highestAge = window.getCounts().stream().mapToInt(SavedSlot::getAge).max().orElse(-1);
                if (highestAge > limit.slots()) {
                    throw new IllegalArgumentException("slot age " + highestAge + " outside window " + limit);
                }
                long[] countsByAge = new long[highestAge + 1];
                for (SavedSlot slot : window.getCounts()) {
                    countsByAge[slot.getAge()] = slot.getCount();
                }
                windows.add(SlidingWindow.of(limit, window.getNewestSlot(), countsByAge));
            }
            return new LimiterSnapshot(saved.getClock(), saved.getRateFactor(), saved.getBannedUntil(),
                    saved.getBanActive(), saved.getNextArrivalSeq(),
                    TokenBucket.saved(saved.getBucketTokensMicros(), saved.getBucketLastRefillAt()), List.copyOf(windows));
        } catch (IllegalArgumentException | IndexOutOfBoundsException invalid) {
            throw new UnreadableStateException("saved limiter state is not valid: " + invalid.getMessage(), invalid);
        }
    }
}
