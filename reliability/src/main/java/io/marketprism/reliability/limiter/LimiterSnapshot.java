package io.marketprism.reliability.limiter;

import io.marketprism.reliability.internal.ByteSink;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The complete state of a {@link PriorityRateLimiter} as a compact value (about 50 bytes, 34 per window, 2 to 4 per
 * used slot). Restoring it with the same config gives exactly the decisions the original would have made.
 */
public final class LimiterSnapshot {

    /** Leading byte of {@link #toBytes()}. Version 1, with fixed-width window slots, is still read. */
    public static final byte FORMAT_VERSION = 2;
    private static final byte FIXED_WIDTH_SLOTS_VERSION = 1;

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

    public byte[] toBytes() {
        ByteSink out = new ByteSink(64);
        write(out, clock, rateFactor, bannedUntil, banActive, nextArrivalSeq, bucket, windows);
        return out.toByteArray();
    }

    /** Writes the {@link #toBytes()} form of a limiter's state, straight from its fields. */
    static void write(ByteSink out, long clock, double rateFactor, long bannedUntil, boolean banActive,
                      long nextArrivalSeq, TokenBucket bucket, List<SlidingWindow> windows) {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(clock);
        out.writeDouble(rateFactor);
        out.writeLong(bannedUntil);
        out.writeBoolean(banActive);
        out.writeLong(nextArrivalSeq);
        bucket.writeTo(out);
        out.writeByte(windows.size());
        for (int i = 0; i < windows.size(); i++) {
            windows.get(i).writeTo(out);
        }
    }

    /** Parses {@link #toBytes()} output; fails on an unknown format version or damaged bytes. */
    public static LimiterSnapshot fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION && version != FIXED_WIDTH_SLOTS_VERSION) {
                throw new IllegalArgumentException("limiter snapshot format " + version + " is not " + FORMAT_VERSION);
            }
            long clock = in.readLong();
            double rateFactor = in.readDouble();
            long bannedUntil = in.readLong();
            boolean banActive = in.readBoolean();
            long nextArrivalSeq = in.readLong();
            TokenBucket bucket = TokenBucket.readFrom(in);
            int windowCount = in.readUnsignedByte();
            List<SlidingWindow> windows = new ArrayList<>(windowCount);
            for (int i = 0; i < windowCount; i++) {
                windows.add(SlidingWindow.readFrom(in, version == FIXED_WIDTH_SLOTS_VERSION));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("limiter snapshot has " + in.available() + " trailing bytes");
            }
            return new LimiterSnapshot(clock, rateFactor, bannedUntil, banActive, nextArrivalSeq, bucket,
                    List.copyOf(windows));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("damaged limiter snapshot", e);
        }
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

    /** The saved window with exactly this limit, if the snapshot has one. */
    Optional<SlidingWindow> window(WindowLimit limit) {
        return windows.stream().filter(w -> w.limit().equals(limit)).findFirst();
    }
}
