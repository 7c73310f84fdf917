package io.marketprism.topology.state;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Tasks held until a time: retries before their due time, tasks of a banned domain, tasks with no endpoint available,
 * retries waiting for their domain's retry budget. Keys are {@code dueAt firstDueAt taskId} with the times big-endian,
 * {@code firstDueAt} the time the task first became due (a retry's notBefore, which holds for the budget keep; else
 * {@code dueAt}), so the store iterates in due order, and tasks due at the same time, as the retries a retry budget
 * refused are, in the order they first became due ({@link io.marketprism.reliability.engine.Decision.Hold}). Only the
 * leading {@code dueAt} is ever read back: keys of the previous release ({@code dueAt taskId}) are read alike, and it
 * reads these. Finding what is due
 * reads only what is due: from the due time last taken on, since a removed entry stays a tombstone (RocksDB until a
 * compaction, the record cache until a flush) that a scan from the start would step over at every tick. Counts the
 * held tasks of each limit domain in memory, from one scan when opened.
 */
public final class RetryTimers {

    private static final AvroCodec<CollectorTask> TASKS = AvroCodec.tasks();

    /**
     * A task taken from the store: decoded, or, for damaged bytes, {@code task} null and {@code damage} the reason;
     * the caller dead-letters a damaged one, so that it affects that entry alone.
     */
    public record Released(byte[] raw, CollectorTask task, RuntimeException damage) {
    }

    private final KeyValueStore<Bytes, byte[]> store;
    private final UndoLog undo;
    private final Function<CollectorTask, String> domainOf;
    private final Map<String, Integer> heldByDomain = new HashMap<>();
    /** A time no held task is due before: the due time last taken, or an earlier one held since. */
    private long dueFrom;

    /**
     * @param undo     where every held task registers its removal, in case the task's handling fails
     * @param domainOf the domain of a task's limit group on its route, by which held tasks are counted
     */
    public RetryTimers(KeyValueStore<Bytes, byte[]> store, UndoLog undo, Function<CollectorTask, String> domainOf) {
        this.store = store;
        this.undo = undo;
        this.domainOf = domainOf;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(entry -> {
                CollectorTask task = decode(entry.value).task();
                if (task != null) {
                    heldByDomain.merge(domainOf.apply(task), 1, Integer::sum);
                }
            });
        }
    }

    /** Holds the task until {@code dueAt}, after the tasks held until then that became due before it. */
    public void hold(CollectorTask task, long dueAt) {
        Bytes key = key(dueAt, firstDueAt(task, dueAt), task.getTaskId());
        String domain = domainOf.apply(task);
        undo.onUndo(() -> {
            store.delete(key);
            heldByDomain.merge(domain, -1, Integer::sum);
        });
        store.put(key, TASKS.encode(task));
        heldByDomain.merge(domain, 1, Integer::sum);
        dueFrom = Math.min(dueFrom, Math.max(0, dueAt));
    }

    /** Tasks of {@code domain} held now. */
    public int held(String domain) {
        return heldByDomain.getOrDefault(domain, 0);
    }

    /** Removes and returns, in due order, the tasks due at or before {@code now}, at most {@code max} of them. */
    public List<Released> takeDue(long now, int max) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from(dueFrom), null)) {
            while (it.hasNext() && due.size() < max) {
                KeyValue<Bytes, byte[]> next = it.next();
                long dueAt = ByteBuffer.wrap(next.key.get()).getLong();
                if (dueAt > now) {
                    break;
                }
                if (next.value != null) {
                    due.add(next);
                    dueFrom = dueAt;
                }
            }
        }
        List<Released> tasks = new ArrayList<>(due.size());
        for (KeyValue<Bytes, byte[]> entry : due) {
            store.put(entry.key, null);
            Released released = decode(entry.value);
            if (released.task() != null) {
                heldByDomain.merge(domainOf.apply(released.task()), -1, Integer::sum);
            }
            tasks.add(released);
        }
        return tasks;
    }

    /**
     * Removes and returns the tasks due after {@code after} that {@code release} picks, looking at no more than
     * {@code maxLooked} of them, in due order: for tasks held by a due time that cannot be right (an instance whose
     * clock ran ahead held them). Damaged entries are left alone.
     */
    public List<Released> takeLaterIf(long after, Predicate<CollectorTask> release, int maxLooked) {
        List<KeyValue<Bytes, Released>> picked = new ArrayList<>();
        int looked = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from(after + 1), null)) {
            while (it.hasNext() && looked++ < maxLooked) {
                KeyValue<Bytes, byte[]> next = it.next();
                Released held = decode(next.value);
                if (held.task() != null && release.test(held.task())) {
                    picked.add(KeyValue.pair(next.key, held));
                }
            }
        }
        List<Released> released = new ArrayList<>(picked.size());
        for (KeyValue<Bytes, Released> entry : picked) {
            store.put(entry.key, null);
            heldByDomain.merge(domainOf.apply(entry.value.task()), -1, Integer::sum);
            released.add(entry.value);
        }
        return released;
    }

    private static Released decode(byte[] raw) {
        try {
            return new Released(raw, TASKS.decode(raw), null);
        } catch (RuntimeException damaged) {
            return new Released(raw, null, damaged);
        }
    }

    /** When the task first became due: its notBefore when it lies before {@code dueAt}, else {@code dueAt}. */
    private static long firstDueAt(CollectorTask task, long dueAt) {
        return task.getNotBefore() == null ? dueAt : Math.min(dueAt, task.getNotBefore().toEpochMilli());
    }

    private static Bytes key(long dueAt, long firstDueAt, String taskId) {
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(16 + id.length).putLong(Math.max(0, dueAt))
                .putLong(Math.max(0, firstDueAt)).put(id).array());
    }

    /** The smallest key of a task due at {@code dueAt} or later. */
    private static Bytes from(long dueAt) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(Math.max(0, dueAt)).array());
    }
}
