package io.marketprism.reliability.retry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Retry budget of one limit domain: a retry is granted while the retries granted in the sliding window stay below
 * {@code max(minRetriesPerWindow, floor(retryRatio x requests in the window))}. Requests are first attempts, recorded
 * with {@link #recordRequest}; granted retries do not count as requests. The window is the current bucket plus the
 * {@code buckets - 1} before it, so memory is fixed. Time never moves backwards: an earlier {@code now} counts in the
 * newest bucket. Not thread-safe.
 */
public final class RetryBudget {

    private final RetryBudgetConfig config;
    private final long bucketMillis;
    private final int[] requests;
    private final int[] retries;
    private long newestBucket;
    private long requestsInWindow;
    private long retriesInWindow;
    /** Grows whenever the saved state changes; see {@link #changeCount()}. */
    private long changes;

    private RetryBudget(RetryBudgetConfig config, long newestBucket) {
        this.config = Objects.requireNonNull(config, "config");
        this.bucketMillis = config.bucketMillis();
        this.requests = new int[config.buckets()];
        this.retries = new int[config.buckets()];
        this.newestBucket = newestBucket;
    }

    /** An empty budget whose window ends at {@code now}. */
    public static RetryBudget create(RetryBudgetConfig config, long now) {
        return new RetryBudget(config, Math.floorDiv(now, config.bucketMillis()));
    }

    /**
     * A budget that grants exactly what the one that produced {@code snapshot} would have. Buckets not aligned to
     * this configuration's bucket length are refused; buckets outside its window are dropped.
     */
    public static RetryBudget restore(RetryBudgetSnapshot snapshot, RetryBudgetConfig config) {
        long bucketMillis = config.bucketMillis();
        checkAligned(snapshot.newestBucketStart(), bucketMillis);
        RetryBudget budget = new RetryBudget(config, Math.floorDiv(snapshot.newestBucketStart(), bucketMillis));
        for (RetryBudgetSnapshot.Bucket bucket : snapshot.buckets()) {
            checkAligned(bucket.start(), bucketMillis);
            long number = Math.floorDiv(bucket.start(), bucketMillis);
            if (number > budget.newestBucket - config.buckets()) {
                int slot = budget.slot(number);
                budget.requests[slot] += bucket.requests();
                budget.retries[slot] += bucket.retries();
                budget.requestsInWindow += bucket.requests();
                budget.retriesInWindow += bucket.retries();
            }
        }
        return budget;
    }

    /** Counts a first attempt sent at {@code now}. */
    public void recordRequest(long now) {
        advanceTo(now);
        requests[slot(newestBucket)]++;
        requestsInWindow++;
        changes++;
    }

    /** Grants and counts a retry at {@code now} if the budget allows one. */
    public boolean tryAcquireRetry(long now) {
        advanceTo(now);
        if (retriesInWindow >= allowance()) {
            return false;
        }
        retries[slot(newestBucket)]++;
        retriesInWindow++;
        changes++;
        return true;
    }

    /** Retries that would still be granted at {@code now}. */
    public long availableRetries(long now) {
        advanceTo(now);
        return Math.max(0, allowance() - retriesInWindow);
    }

    /** Whether nothing is counted in the window at {@code now}: the budget then decides as a fresh one. */
    public boolean isIdle(long now) {
        advanceTo(now);
        return requestsInWindow == 0 && retriesInWindow == 0;
    }

    /**
     * When the window next moves on after {@code now}: the start of the next bucket, when the oldest bucket's retries
     * stop counting. Retries refused at any time within one bucket are first granted again then, all at once.
     */
    public long nextBucketStart(long now) {
        return (Math.floorDiv(now, bucketMillis) + 1) * bucketMillis;
    }

    /**
     * A number that grows whenever a request or a granted retry is counted, not when the window merely moves on: a
     * caller saves the budget when it moved since its last save.
     */
    public long changeCount() {
        return changes;
    }

    public RetryBudgetSnapshot snapshot() {
        List<RetryBudgetSnapshot.Bucket> buckets = new ArrayList<>();
        forEachBucket((start, requestCount, retryCount) ->
                buckets.add(new RetryBudgetSnapshot.Bucket(start, requestCount, retryCount)));
        return new RetryBudgetSnapshot(newestBucketStart(), buckets);
    }

    /** Visits the buckets that counted something, oldest first: (start, requests, retries). */
    void forEachBucket(BucketVisitor visitor) {
        for (long number = newestBucket - config.buckets() + 1; number <= newestBucket; number++) {
            int slot = slot(number);
            if (requests[slot] != 0 || retries[slot] != 0) {
                visitor.bucket(number * bucketMillis, requests[slot], retries[slot]);
            }
        }
    }

    long newestBucketStart() {
        return newestBucket * bucketMillis;
    }

    /** Receives one bucket of {@link #forEachBucket}. */
    interface BucketVisitor {
        void bucket(long start, int requests, int retries);
    }

    private long allowance() {
        return Math.max(config.minRetriesPerWindow(), (long) Math.floor(config.retryRatio() * requestsInWindow));
    }

    private void advanceTo(long now) {
        long bucket = Math.floorDiv(now, bucketMillis);
        if (bucket <= newestBucket) {
            return;
        }
        long cleared = Math.min(bucket - newestBucket, requests.length);
        for (long number = bucket - cleared + 1; number <= bucket; number++) {
            int slot = slot(number);
            requestsInWindow -= requests[slot];
            retriesInWindow -= retries[slot];
            requests[slot] = 0;
            retries[slot] = 0;
        }
        newestBucket = bucket;
    }

    private int slot(long bucketNumber) {
        return (int) Math.floorMod(bucketNumber, (long) requests.length);
    }

    private static void checkAligned(long start, long bucketMillis) {
        if (Math.floorMod(start, bucketMillis) != 0) {
            throw new IllegalArgumentException("bucket start " + start + " is not a multiple of the bucket length "
                    + bucketMillis + " ms");
        }
    }
}
