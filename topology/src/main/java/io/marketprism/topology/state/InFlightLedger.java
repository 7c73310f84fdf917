package io.marketprism.topology.state;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
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

    public InFlightLedger(KeyValueStore<String, byte[]> store) {
        this.store = store;
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
        store.put(task.getTaskId(), ByteBuffer.allocate(2 + endpoint.length + encodedTask.length)
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

    /** Every entry, for re-dispatch after a restore. */
    public void forEach(BiConsumer<String, Entry> action) {
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> next = it.next();
                action.accept(next.key, decode(next.value));
            }
        }
    }

    private static Entry decode(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        byte[] endpoint = new byte[buffer.getShort()];
        buffer.get(endpoint);
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        return new Entry(new String(endpoint, StandardCharsets.UTF_8), TASKS.decode(body));
    }
}
