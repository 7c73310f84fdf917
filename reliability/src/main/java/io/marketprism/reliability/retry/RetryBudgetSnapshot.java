package io.marketprism.reliability.retry;

import java.util.List;

/**
 * The state of a {@link RetryBudget}: the start of its newest bucket and the non-empty buckets still in its window.
 * Plain immutable value; {@link RetryBudgetCodec} saves it.
 */
public record RetryBudgetSnapshot(long newestBucketStart, List<Bucket> buckets) {

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
}
