package io.marketprism.reliability.limiter;

import io.marketprism.reliability.internal.ByteSink;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The complete state of a {@link PriorityRateLimiter} as a compact value (about 50 bytes, 31 per window, 10 per used
 * slot). Restoring it with the same config gives exactly the decisions the original would have made.
 */
public final class LimiterSnapshot {

    /** Leading byte of {@link #toBytes()}. */
    public static final byte FORMAT_VERSION = 1;

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
        try {
            out.writeByte(FORMAT_VERSION);
            out.writeLong(clock);
            out.writeDouble(rateFactor);
            out.writeLong(bannedUntil);
            out.writeBoolean(banActive);
            out.writeLong(nextArrivalSeq);
            bucket.writeTo(out);
            out.writeByte(windows.size());
            for (SlidingWindow window : windows) {
                window.writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Parses {@link #toBytes()} output; fails on an unknown format version or damaged bytes. */
    public static LimiterSnapshot fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
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
                windows.add(SlidingWindow.readFrom(in));
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

    long clock() {
        return clock;
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
