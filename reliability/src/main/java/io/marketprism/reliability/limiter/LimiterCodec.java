package io.marketprism.reliability.limiter;

import io.marketprism.reliability.state.RecordPool;
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
    private static final SavedWindowMeasure[] SAVED_MEASURES = SavedWindowMeasure.values();

    private LimiterCodec() {
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The record of {@code state}, newly made. */
    public static SavedLimiter toRecord(LimiterSnapshot state) {
        return fill(new Scratch(), state.clock(), state.rateFactor(), state.bannedUntil(), state.banActive(),
                state.nextArrivalSeq(), state.bucket(), state.windows().toArray(new SlidingWindow[0]));
    }

    /**
     * The record of {@code limiter}'s state, written straight from it into a record this thread reuses (valid until
     * its next call): equal to {@code toRecord(limiter.snapshot())}, without building the snapshot.
     */
    public static SavedLimiter toRecord(PriorityRateLimiter limiter) {
        return fill(SCRATCH.get(), limiter.clock(), limiter.rateFactor(), limiter.bannedUntil(), limiter.banActive(),
                limiter.nextArrivalSeq(), limiter.bucket(), limiter.windows());
    }

    private static SavedLimiter fill(Scratch scratch, long clock, double rateFactor, long bannedUntil,
                                     boolean banActive, long nextArrivalSeq, TokenBucket bucket,
                                     SlidingWindow[] windows) {
        List<SavedWindow> savedWindows = scratch.windows.start();
        for (int w = 0; w < windows.length; w++) {
            SlidingWindow window = windows[w];
            if (scratch.slots.size() <= w) {
                scratch.slots.add(new RecordPool<>(SavedSlot::new));
            }
            RecordPool<SavedSlot> slots = scratch.slots.get(w);
            List<SavedSlot> counts = slots.start();
            if (window.newestSlot() != Long.MIN_VALUE) {
                for (int age = 0; age < window.slotCount(); age++) {
                    long count = window.countAtAge(age);
                    if (count != 0) {
                        SavedSlot slot = slots.next();
                        slot.setAge(age);
                        slot.setCount(count);
                    }
                }
            }
            WindowLimit limit = window.limit();
            SavedWindow saved = scratch.windows.next();
            saved.setMeasure(SAVED_MEASURES[limit.measure().ordinal()]);
            saved.setLimit(limit.limit());
            saved.setLengthMillis(limit.lengthMillis());
            saved.setSlots(limit.slots());
            saved.setNewestSlot(window.newestSlot());
            saved.setCounts(counts);
        }
        SavedLimiter record = scratch.record;
        record.setClock(clock);
        record.setRateFactor(rateFactor);
        record.setBannedUntil(bannedUntil);
        record.setBanActive(banActive);
        record.setNextArrivalSeq(nextArrivalSeq);
        record.setBucketTokensMicros(bucket.tokensMicros());
        record.setBucketLastRefillAt(bucket.lastRefillAt());
        record.setWindows(savedWindows);
        return record;
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

    /** Records reused by one thread, or made for one conversion. */
    private static final class Scratch {
        final SavedLimiter record = new SavedLimiter();
        final RecordPool<SavedWindow> windows = new RecordPool<>(SavedWindow::new);
        final List<RecordPool<SavedSlot>> slots = new ArrayList<>();
    }
}
