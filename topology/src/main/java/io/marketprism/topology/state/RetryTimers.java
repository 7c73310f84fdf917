package io.marketprism.topology.state;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Tasks held until a time: retries before their due time, tasks of a banned domain, tasks with no endpoint available.
 * Keys are {@code dueAt taskId} with the time big-endian, so the store iterates in due order and finding what is due
 * reads only what is due.
 */
public final class RetryTimers {

    private static final AvroCodec<CollectorTask> TASKS = AvroCodec.tasks();

    private final KeyValueStore<Bytes, byte[]> store;
    private final UndoLog undo;

    /** @param undo where every held task registers its removal, in case the task's handling fails */
    public RetryTimers(KeyValueStore<Bytes, byte[]> store, UndoLog undo) {
        this.store = store;
        this.undo = undo;
    }

    /** Holds the task until {@code dueAt}. */
    public void hold(CollectorTask task, long dueAt) {
        Bytes key = key(dueAt, task.getTaskId());
        undo.onUndo(() -> store.delete(key));
        store.put(key, TASKS.encode(task));
    }

    /**
     * Removes and returns, in due order, the encoded tasks due at or before {@code now}, at most {@code max} of them;
     * the caller decodes each ({@code AvroCodec.tasks().decode}) so that one damaged entry affects that task alone.
     */
    public List<byte[]> takeDue(long now, int max) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext() && due.size() < max) {
                KeyValue<Bytes, byte[]> next = it.next();
                if (ByteBuffer.wrap(next.key.get()).getLong() > now) {
                    break;
                }
                due.add(next);
            }
        }
        List<byte[]> tasks = new ArrayList<>(due.size());
        for (KeyValue<Bytes, byte[]> entry : due) {
            store.put(entry.key, null);
            tasks.add(entry.value);
        }
        return tasks;
    }

    private static Bytes key(long dueAt, String taskId) {
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(Math.max(0, dueAt)).put(id).array());
    }
}
