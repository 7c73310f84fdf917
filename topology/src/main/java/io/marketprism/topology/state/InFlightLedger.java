package io.marketprism.topology.state;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Tasks dispatched to an endpoint whose outcome is not produced yet: task id → (endpoint id, task). An entry is
 * written in the transaction that admits the task and deleted in the one that produces its outcome, so after a crash
 * the restored ledger names exactly the calls to make again.
 */
public final class InFlightLedger {

    private static final AvroCodec<CollectorTask> TASKS = AvroCodec.tasks();

    /** One dispatched task and the endpoint it was sent to. */
    public record Entry(String endpointId, CollectorTask task) {
    }

    private final KeyValueStore<String, byte[]> store;
    private final UndoLog undo;

    /** @param undo where every added entry registers its removal, in case the task's handling fails */
    public InFlightLedger(KeyValueStore<String, byte[]> store, UndoLog undo) {
        this.store = store;
        this.undo = undo;
    }

    /** Records that {@code task} was dispatched to {@code endpointId}. */
    public void put(String endpointId, CollectorTask task) {
        put(endpointId, task, TASKS.encode(task));
    }

    /**
     * Records that {@code task} was dispatched to {@code endpointId}, storing {@code encodedTask}, the task's
     * single-object encoding as it was received, as is: a task read from the repartition topic is not encoded again.
     */
    public void put(String endpointId, CollectorTask task, byte[] encodedTask) {
        byte[] endpoint = endpointId.getBytes(StandardCharsets.UTF_8);
        String taskId = task.getTaskId();
        undo.onUndo(() -> remove(taskId));
        store.put(taskId, ByteBuffer.allocate(2 + endpoint.length + encodedTask.length)
                .putShort((short) endpoint.length).put(endpoint).put(encodedTask).array());
    }

    /** The entry for a task, or null when its outcome was already produced. */
    public Entry get(String taskId) {
        byte[] value = store.get(taskId);
        return value == null ? null : decode(value);
    }

    /**
     * Deletes the entry of a task whose outcome is produced. Writes the tombstone with {@code put(taskId, null)}, which
     * the store documents as a delete: {@code delete} would first read the old value, from RocksDB when the entry has
     * already left the cache, only to return it.
     */
    public void remove(String taskId) {
        store.put(taskId, null);
    }

    /**
     * Every entry as stored, for re-dispatch after a restore: task id → raw value, decoded one by one with
     * {@link #decode} so that one damaged entry affects that task alone. The ledger holds at most the calls in
     * flight (each endpoint's call slots), so the list is small.
     */
    public List<KeyValue<String, byte[]>> entries() {
        List<KeyValue<String, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(entries::add);
        }
        return entries;
    }

    /** A raw value of {@link #entries}; throws for damaged bytes. */
    public static Entry decode(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        byte[] endpoint = new byte[buffer.getShort()];
        buffer.get(endpoint);
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        return new Entry(new String(endpoint, StandardCharsets.UTF_8), TASKS.decode(body));
    }
}
