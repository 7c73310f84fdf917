package io.marketprism.reliability.limiter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The complete state of a {@link PriorityRateLimiter} as a value; {@link LimiterCodec} saves it. Restoring it with
 * the same config gives exactly the decisions the original would have made.
 */
public final class LimiterSnapshot {

    private final long clock;
    private final double rateFactor;
    private final long bannedUntil;
    private final boolean banActive;
    private final long nextArrivalSeq;
    private final TokenBucket bucket;
    private final List<SlidingWindow> windows;

    LimiterSnapshot(long clock, double rateFactor, long bannedUntil, boolean banActive, long nextArrivalSeq,
                    TokenBucket bucket, List<SlidingWindow> windows) {
        this.clock = clock;
        this.rateFactor = rateFactor;
        this.bannedUntil = bannedUntil;
        this.banActive = banActive;
        this.nextArrivalSeq = nextArrivalSeq;
        this.bucket = bucket;
        this.windows = windows;
    }

    /** Refill rate as a share of the configured full rate. */
    public double rateFactor() {
        return rateFactor;
    }

    /** Time until which the domain is banned; in the past when it is not. */
    public long bannedUntil() {
        return bannedUntil;
    }

    /** Tokens (request weight) the bucket held when the snapshot was taken. */
    public double tokens() {
        return (double) bucket.tokensMicros() / TokenBucket.MICROS_PER_TOKEN;
    }

    /** Amount each rolling window had counted when the snapshot was taken, by window, in configuration order. */
    public Map<WindowLimit, Long> windowUsage() {
        Map<WindowLimit, Long> usage = new LinkedHashMap<>();
        windows.forEach(window -> usage.put(window.limit(), window.total()));
        return usage;
    }

    /**
     * This state as seen from {@code now} when the limiter's clock shows a later time (another instance's clock ran
     * ahead, or this one's stepped back): the clock and the token bucket's last refill move back to {@code now}, the
     * windows keep their counts by age but end at {@code now}, and a ban keeps the time it had left. Unchanged when
     * the clock is not ahead of {@code now}.
     */
    public LimiterSnapshot rebasedTo(long now) {
        if (clock <= now) {
            return this;
        }
        long until = bannedUntil > clock ? now + (bannedUntil - clock) : Math.min(bannedUntil, now);
        return new LimiterSnapshot(now, rateFactor, until, banActive, nextArrivalSeq, bucket.rebasedTo(now),
                windows.stream().map(w -> w.rebasedTo(now)).toList());
    }

    /** The latest time the limiter had seen (epoch millis); its clock never moves backwards. */
    public long clock() {
        return clock;
    }

    /** This state with no ban: what an operator lifting the domain's ban wants the limiter to continue from. */
    public LimiterSnapshot withoutBan() {
        return new LimiterSnapshot(clock, rateFactor, Long.MIN_VALUE, false, nextArrivalSeq, bucket, windows);
    }

    boolean banActive() {
        return banActive;
    }

    long nextArrivalSeq() {
        return nextArrivalSeq;
    }

    TokenBucket bucket() {
        return bucket;
    }

    List<SlidingWindow> windows() {
        return windows;
    }

    /** The saved window with exactly this limit, if the snapshot has one. */
    Optional<SlidingWindow> window(WindowLimit limit) {
        return windows.stream().filter(w -> w.limit().equals(limit)).findFirst();
    }
}
