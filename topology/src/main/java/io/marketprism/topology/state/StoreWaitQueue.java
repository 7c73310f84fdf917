package io.marketprism.topology.state;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.limiter.WaitQueue;
import io.marketprism.reliability.limiter.Waiting;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The waiting tasks of one rate-limit domain, kept in a changelogged store so they survive the loss of an instance.
 *
 * <p>Keys are {@code domain 0x00 priority arrivalSeq} with the sequence big-endian, so a range scan over one
 * priority yields arrival order: the head is the first key of the range and the newest the last. Depths per priority
 * are counted in memory, from one scan of the domain when the queue is first used.
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
    private final Map<String, CollectorTask> removed = new HashMap<>();
    private final Function<CollectorTask, String> avoidEndpointOf;
    private CollectorTask staged;

    /** @param avoidEndpointOf the endpoint a task's next attempt should steer clear of, or null */
    public StoreWaitQueue(KeyValueStore<Bytes, byte[]> store, String domain,
                          Function<CollectorTask, String> avoidEndpointOf) {
        this.store = store;
        this.avoidEndpointOf = avoidEndpointOf;
        byte[] name = domain.getBytes(StandardCharsets.UTF_8);
        this.domainPrefix = ByteBuffer.allocate(name.length + 1).put(name).put((byte) 0).array();
        for (Priority priority : Priority.values()) {
            try (KeyValueIterator<Bytes, byte[]> it = scan(priority, false)) {
                while (it.hasNext()) {
                    it.next();
                    depths[priority.ordinal()]++;
                }
            }
        }
    }

    /** The task the next {@link #add} stores; the limiter only sees its {@link Waiting}. */
    public void stage(CollectorTask task) {
        this.staged = task;
    }

    /** The task with this id that the limiter removed from the queue (admitted or shed), or null. */
    public CollectorTask takeRemoved(String taskId) {
        return removed.remove(taskId);
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
        store.put(key(waiting.priority(), waiting.arrivalSeq()), encode(waiting, staged));
        depths[waiting.priority().ordinal()]++;
        staged = null;
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
            store.delete(kv.key);
            depths[priority.ordinal()]--;
            Entry entry = decode(kv.value);
            removed.put(entry.waiting.taskId(), entry.task);
            return entry.waiting;
        });
    }

    private Optional<KeyValue<Bytes, byte[]>> first(Priority priority, boolean newest) {
        if (depths[priority.ordinal()] == 0) {
            return Optional.empty();
        }
        try (KeyValueIterator<Bytes, byte[]> it = scan(priority, newest)) {
            return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
        }
    }

    private KeyValueIterator<Bytes, byte[]> scan(Priority priority, boolean reverse) {
        Bytes from = key(priority, 0);
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
