package io.marketprism.reliability.retry;

import io.marketprism.reliability.state.RecordPool;
import io.marketprism.reliability.state.StateCodec;
import io.marketprism.reliability.state.StateFormat;
import io.marketprism.reliability.state.UnreadableStateException;
import io.marketprism.reliability.state.avro.SavedBucket;
import io.marketprism.reliability.state.avro.SavedRetryBudget;
import java.util.ArrayList;
import java.util.List;

/** The saved form of a {@link RetryBudgetSnapshot}: a {@link SavedRetryBudget} record, buckets by age. */
public final class RetryBudgetCodec implements StateCodec<RetryBudgetSnapshot> {

    /** The one instance; stateless. */
    public static final RetryBudgetCodec INSTANCE = new RetryBudgetCodec();

    private static final StateFormat<SavedRetryBudget> FORMAT =
            new StateFormat<>(SavedRetryBudget.getClassSchema(), SavedRetryBudget::new, List.of());

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private RetryBudgetCodec() {
    }

    /**
     * The saved form of {@code budget}, written straight from it into records reused from call to call: the bytes
     * {@link #encode(RetryBudgetSnapshot) encode(budget.snapshot())} gives, without building the snapshot.
     */
    public byte[] encode(RetryBudget budget) {
        Scratch scratch = SCRATCH.get();
        long newest = budget.newestBucketStart();
        List<SavedBucket> buckets = scratch.buckets.start();
        budget.forEachBucket((start, requests, retries) -> {
            SavedBucket bucket = scratch.buckets.next();
            bucket.setAge(newest - start);
            bucket.setRequests(requests);
            bucket.setRetries(retries);
        });
        scratch.record.setNewestBucketStart(newest);
        scratch.record.setBuckets(buckets);
        return FORMAT.encode(scratch.record);
    }

    @Override
    public byte[] encode(RetryBudgetSnapshot state) {
        List<SavedBucket> buckets = new ArrayList<>(state.buckets().size());
        for (RetryBudgetSnapshot.Bucket bucket : state.buckets()) {
            buckets.add(new SavedBucket(state.newestBucketStart() - bucket.start(), bucket.requests(),
                    bucket.retries()));
        }
        return FORMAT.encode(new SavedRetryBudget(state.newestBucketStart(), buckets));
    }

    @Override
    public RetryBudgetSnapshot decode(byte[] bytes) {
        SavedRetryBudget saved = FORMAT.decode(bytes);
        long newest = saved.getNewestBucketStart();
        try {
            List<RetryBudgetSnapshot.Bucket> buckets = new ArrayList<>(saved.getBuckets().size());
            for (SavedBucket bucket : saved.getBuckets()) {
                buckets.add(new RetryBudgetSnapshot.Bucket(newest - bucket.getAge(), bucket.getRequests(),
                        bucket.getRetries()));
            }
            return new RetryBudgetSnapshot(newest, buckets);
        } catch (IllegalArgumentException invalid) {
            throw new UnreadableStateException("saved retry budget is not valid: " + invalid.getMessage(), invalid);
        }
    }

    /** One thread's reused records. */
    private static final class Scratch {
        final SavedRetryBudget record = new SavedRetryBudget();
        final RecordPool<SavedBucket> buckets = new RecordPool<>(SavedBucket::new);
    }
}
