package io.marketprism.reliability.state;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Records reused from one encoding to the next, for the items of a list field: {@link #start} empties the list,
 * {@link #next} appends the next record, made only the first time the list is that long. Lets a codec write a
 * component's saved form from its live state without allocating per item. Not thread-safe: one per thread.
 *
 * @param <R> the item record
 */
public final class RecordPool<R> {

    private final Supplier<R> newRecord;
    private final List<R> made = new ArrayList<>();
    private final List<R> taken = new ArrayList<>();

    public RecordPool(Supplier<R> newRecord) {
        this.newRecord = newRecord;
    }

    /** The list the next records are appended to, emptied; the same list each time. */
    public List<R> start() {
        taken.clear();
        return taken;
    }

    /** A record, appended to the list, for the caller to fill in. */
    public R next() {
        R record;
        if (taken.size() < made.size()) {
            record = made.get(taken.size());
        } else {
            record = newRecord.get();
            made.add(record);
        }
        taken.add(record);
        return record;
    }
}
