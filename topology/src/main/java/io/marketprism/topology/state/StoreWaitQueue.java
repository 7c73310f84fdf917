package io.marketprism.topology.state;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.limiter.WaitQueue;
import io.marketprism.reliability.limiter.Waiting;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The waiting tasks of one rate-limit domain, kept in a changelogged store so they survive the loss of an instance.
 *
 * <p>Keys are {@code domain 0x00 priority arrivalSeq} with the sequence big-endian, so a range scan over one
 * priority yields arrival order: the head is the first key of the range and the newest the last. Depths per priority
 * are counted in memory, from one scan of the domain when the queue is first used. A forward scan starts after the
 * last head taken out of its priority, not at the range's start: a removed entry stays in the store as a tombstone
 * (in RocksDB until a compaction, in the record cache as a null until a flush), and a queue worked off from its head
 * under a steady flood would otherwise step over every entry removed since, at every look at the head.
 *
 * <p>The limiter decides with {@link Waiting} values only; the task itself travels beside them: {@link #stage} names
 * the task a following {@link #add} stores, and tasks taken out by the limiter are collected for the caller with
 * {@link #takeRemoved}. The stored value is the task itself with its attempts, so a {@link Waiting} read back knows
 * which endpoint to avoid after a network failure, as the caller's {@code avoidEndpointOf} reads it from the task.
 */
public final class StoreWaitQueue implements WaitQueue {

    private static final AvroCodec<CollectorTask> TASKS = AvroCodec.tasks();

    private final KeyValueStore<Bytes, byte[]> store;
    private final byte[] domainPrefix;
    private final int[] depths = new int[Priority.values().length];
    /** Per priority, an arrival sequence no waiting task lies below: one past the last head taken out. */
    private final long[] liveFrom = new long[Priority.values().length];
    private final Map<String, Taken> removed = new HashMap<>();
    private final Function<CollectorTask, String> avoidEndpointOf;
    private final UndoLog undo;
    private CollectorTask staged;

    /**
     * @param avoidEndpointOf the endpoint a task's next attempt should steer clear of, or null
     * @param undo            where every added task registers its removal, in case the task's handling fails
     */
    public StoreWaitQueue(KeyValueStore<Bytes, byte[]> store, String domain,
                          Function<CollectorTask, String> avoidEndpointOf, UndoLog undo) {
        this.store = store;
        this.avoidEndpointOf = avoidEndpointOf;
        this.undo = undo;
        byte[] name = domain.getBytes(StandardCharsets.UTF_8);
        this.domainPrefix = ByteBuffer.allocate(name.length + 1).put(name).put((byte) 0).array();
        for (Priority priority : Priority.values()) {
            try (KeyValueIterator<Bytes, byte[]> it = scan(priority, false)) {
                while (it.hasNext()) {
                    if (it.next().value != null) {
                        depths[priority.ordinal()]++;
                    }
                }
            }
        }
    }

    /** The task the next {@link #add} stores; the limiter only sees its {@link Waiting}. */
    public void stage(CollectorTask task) {
        this.staged = task;
    }

    /**
     * A task the limiter took out of the queue, when it had entered it (epoch millis) and the weight the limiter
     * charges for it.
     */
    public record Taken(CollectorTask task, long enqueuedAt, int weight) {
    }

    /** The task with this id that the limiter removed from the queue (admitted or shed), or null. */
    public Taken takeRemoved(String taskId) {
        return removed.remove(taskId);
    }

    /** Takes every task the limiter removed and nobody took yet: what a failed drain leaves behind. */
    public List<Taken> takeAllRemoved() {
        List<Taken> all = new ArrayList<>(removed.values());
        removed.clear();
        return all;
    }

    @Override
    public int depth(Priority priority) {
        return depths[priority.ordinal()];
    }

    @Override
    public Optional<Waiting> head(Priority priority) {
        return first(priority, false).map(kv -> decode(kv.value).waiting);
    }

    @Override
    public long maxArrivalSeq() {
        long highest = -1;
        for (Priority priority : Priority.values()) {
            Optional<KeyValue<Bytes, byte[]>> newest = first(priority, true);
            if (newest.isPresent()) {
                highest = Math.max(highest, ByteBuffer.wrap(newest.get().value).getLong());
            }
        }
        return highest;
    }

    @Override
    public void add(Waiting waiting) {
        if (staged == null || !staged.getTaskId().equals(waiting.taskId())) {
            throw new IllegalStateException("no task staged for " + waiting.taskId());
        }
        Bytes key = key(waiting.priority(), waiting.arrivalSeq());
        int priority = waiting.priority().ordinal();
        undo.onUndo(() -> {
            store.delete(key);
            depths[priority]--;
        });
        store.put(key, encode(waiting, staged));
        depths[priority]++;
        liveFrom[priority] = Math.min(liveFrom[priority], waiting.arrivalSeq());
        staged = null;
    }

    /**
     * The lowest arrival sequence no waiting task of the domain uses: a limiter that starts afresh (its saved state
     * was unusable) must number new arrivals from here, or they would overwrite waiting tasks.
     */
    public long nextFreeArrivalSeq() {
        long next = 0;
        for (Priority priority : Priority.values()) {
            Optional<KeyValue<Bytes, byte[]>> newest = first(priority, true);
            if (newest.isPresent()) {
                byte[] key = newest.get().key.get();
                next = Math.max(next, ByteBuffer.wrap(key, key.length - 8, 8).getLong() + 1);
            }
        }
        return next;
    }

    /**
     * The domains that have waiting tasks in {@code store}, found by jumping from one domain's keys to the next (one
     * short range read per domain, however many tasks wait): finds the queues of domains no longer configured.
     */
    public static List<String> domainsIn(ReadOnlyKeyValueStore<Bytes, byte[]> store) {
        List<String> domains = new ArrayList<>();
        Bytes from = null;
        while (true) {
            String domain;
            try (KeyValueIterator<Bytes, byte[]> it = from == null ? store.all() : store.range(from, null)) {
                if (!it.hasNext()) {
                    return domains;
                }
                byte[] key = it.next().key.get();
                int end = 0;
                while (end < key.length && key[end] != 0) {
                    end++;
                }
                domain = new String(key, 0, end, StandardCharsets.UTF_8);
                from = Bytes.wrap(ByteBuffer.allocate(end + 1).put(key, 0, end).put((byte) 1).array());
            }
            domains.add(domain);
        }
    }

    @Override
    public Waiting removeHead(Priority priority) {
        return take(priority, false).orElseThrow(() -> new NoSuchElementException("no task waits at " + priority));
    }

    @Override
    public Optional<Waiting> removeNewest(Priority priority) {
        return take(priority, true);
    }

    private Optional<Waiting> take(Priority priority, boolean newest) {
        return first(priority, newest).map(kv -> {
            store.put(kv.key, null);
            depths[priority.ordinal()]--;
            Entry entry = decode(kv.value);
            if (!newest) {
                liveFrom[priority.ordinal()] = entry.waiting.arrivalSeq() + 1;
            }
            removed.put(entry.waiting.taskId(), new Taken(entry.task, entry.waiting.enqueuedAt(),
                    entry.waiting.weight()));
            return entry.waiting;
        });
    }

    /**
     * The first (or last) entry of a priority that holds a task. An entry removed in this transaction can still be
     * handed out by the store's iterator with a null value (a strict flood met one in a reverse scan under load,
     * displacing from a full queue): it is passed over.
     */
    private Optional<KeyValue<Bytes, byte[]>> first(Priority priority, boolean newest) {
        if (depths[priority.ordinal()] == 0) {
            return Optional.empty();
        }
        try (KeyValueIterator<Bytes, byte[]> it = scan(priority, newest)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> next = it.next();
                if (next.value != null) {
                    return Optional.of(next);
                }
            }
            return Optional.empty();
        }
    }

    private KeyValueIterator<Bytes, byte[]> scan(Priority priority, boolean reverse) {
        Bytes from = key(priority, liveFrom[priority.ordinal()]);
        Bytes to = key(priority, Long.MAX_VALUE);
        return reverse ? store.reverseRange(from, to) : store.range(from, to);
    }

    private Bytes key(Priority priority, long seq) {
        return Bytes.wrap(ByteBuffer.allocate(domainPrefix.length + 9)
                .put(domainPrefix).put((byte) priority.ordinal()).putLong(seq).array());
    }

    private record Entry(Waiting waiting, CollectorTask task) {
    }

    private static byte[] encode(Waiting waiting, CollectorTask task) {
        byte[] body = TASKS.encode(task);
        return ByteBuffer.allocate(8 + 4 + 8 + 1 + body.length)
                .putLong(waiting.arrivalSeq()).putInt(waiting.weight()).putLong(waiting.enqueuedAt())
                .put((byte) waiting.priority().ordinal()).put(body).array();
    }

    private Entry decode(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        long seq = buffer.getLong();
        int weight = buffer.getInt();
        long enqueuedAt = buffer.getLong();
        Priority priority = Priority.values()[buffer.get()];
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        CollectorTask task = TASKS.decode(body);
        return new Entry(new Waiting(task.getTaskId(), priority, weight, seq, enqueuedAt,
                avoidEndpointOf.apply(task)), task);
    }
}
