package io.marketprism.reliability.retry;

import io.marketprism.reliability.internal.ByteSink;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of a {@link RetryBudget}: the start of its newest bucket and the non-empty buckets still in its window.
 * Plain immutable value with a compact binary form ({@link #toBytes()}).
 */
public record RetryBudgetSnapshot(long newestBucketStart, List<Bucket> buckets) {

    /** Leading byte of {@link #toBytes()}; bump when the layout changes. */
    public static final byte FORMAT_VERSION = 1;

    /** Requests and granted retries counted in the bucket starting at {@code start} (epoch millis). */
    public record Bucket(long start, int requests, int retries) {
        public Bucket {
            if (requests < 0 || retries < 0) {
                throw new IllegalArgumentException("bucket counts must be >= 0, were " + requests + ", " + retries);
            }
        }
    }

    public RetryBudgetSnapshot {
        buckets = List.copyOf(buckets);
        for (Bucket bucket : buckets) {
            if (bucket.start() > newestBucketStart) {
                throw new IllegalArgumentException("bucket at " + bucket.start() + " is newer than the newest bucket "
                        + newestBucketStart);
            }
        }
    }

    /**
     * This state as seen from {@code now} when its newest bucket lies after the bucket of {@code now} (another
     * instance's clock ran ahead, or this one's stepped back): every bucket moves back by the same whole number of
     * buckets of {@code bucketMillis}, so the window ends at {@code now} with the same counts. Unchanged otherwise.
     */
    public RetryBudgetSnapshot rebasedTo(long now, long bucketMillis) {
        long nowBucketStart = Math.floorDiv(now, bucketMillis) * bucketMillis;
        long shift = newestBucketStart - nowBucketStart;
        if (shift <= 0) {
            return this;
        }
        return new RetryBudgetSnapshot(nowBucketStart, buckets.stream()
                .map(b -> new Bucket(b.start() - shift, b.requests(), b.retries())).toList());
    }

    /** Version byte, newest bucket start, bucket count, then per bucket its age in buckets' millis and counts. */
    public byte[] toBytes() {
        ByteSink out = new ByteSink(13 + 16 * buckets.size());
        writeHeader(out, newestBucketStart, buckets.size());
        for (Bucket bucket : buckets) {
            writeBucket(out, newestBucketStart, bucket.start(), bucket.requests(), bucket.retries());
        }
        return out.toByteArray();
    }

    /** Writes the start of the {@link #toBytes()} form; {@code bucketCount} buckets must follow. */
    static void writeHeader(ByteSink out, long newestBucketStart, int bucketCount) {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(newestBucketStart);
        out.writeInt(bucketCount);
    }

    /** Writes one bucket of the {@link #toBytes()} form. */
    static void writeBucket(ByteSink out, long newestBucketStart, long start, int requests, int retries) {
        out.writeLong(newestBucketStart - start);
        out.writeInt(requests);
        out.writeInt(retries);
    }

    /** Reads {@link #toBytes()} output; throws IllegalArgumentException for unknown versions or damaged input. */
    public static RetryBudgetSnapshot fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("unknown retry budget snapshot format version " + version
                        + ", this build reads " + FORMAT_VERSION);
            }
            long newest = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > in.available() / 16) {
                throw new IllegalArgumentException("retry budget snapshot claims " + count + " buckets but has "
                        + in.available() + " bytes left");
            }
            List<Bucket> buckets = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                buckets.add(new Bucket(newest - in.readLong(), in.readInt(), in.readInt()));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " unexpected trailing bytes in retry budget snapshot");
            }
            return new RetryBudgetSnapshot(newest, buckets);
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated retry budget snapshot", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
