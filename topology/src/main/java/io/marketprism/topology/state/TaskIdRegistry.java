package io.marketprism.topology.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The task ids of one partition that are alive (waiting, held, in flight, on the retry topic) or finished recently,
 * in a changelogged store, so that intake is idempotent: a producer that sends a task twice gets one call and one
 * terminal record.
 *
 * <p>Keys: {@code 'I' taskId} → the id's {@link Entry}; for finished ids also {@code 'F' finishedAt taskId} (time
 * big-endian) → empty, an index in finishing order through which {@link #expire} forgets ids finished longer ago
 * than the window, reading only what expires. Alive ids are never forgotten: each one ends in a terminal record.
 */
public final class TaskIdRegistry {

    /** Where a task id is in its life. */
    public enum Stage {
        /** Decided on and not finished: waiting, held or in flight. */
        ALIVE,
        /** Sent to the retry topic; the attempt recorded is the one that comes back. */
        RETRYING,
        /** Its terminal record was produced. */
        FINISHED
    }

    /**
     * What is known of one task id.
     *
     * @param fingerprint {@link TaskFingerprint} of the task that holds the id
     * @param stage       where the task is
     * @param attempt     attempts made so far when the task was last seen (the retry that comes back carries it)
     * @param at          when the entry was written, epoch millis
     */
    public record Entry(long fingerprint, Stage stage, int attempt, long at) {
    }

    private static final byte ID_PREFIX = 'I';
    private static final byte FINISHED_PREFIX = 'F';
    private static final Stage[] STAGES = Stage.values();

    private final KeyValueStore<Bytes, byte[]> store;

    public TaskIdRegistry(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** The entry of {@code taskId}, or null when the id is unknown or forgotten. */
    public Entry get(String taskId) {
        byte[] value = store.get(idKey(taskId));
        if (value == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        return new Entry(in.getLong(), STAGES[in.get()], in.getInt(), in.getLong());
    }

    /** Records the id's entry; a FINISHED one is also indexed for {@link #expire}. */
    public void put(String taskId, Entry entry) {
        store.put(idKey(taskId), ByteBuffer.allocate(8 + 1 + 4 + 8).putLong(entry.fingerprint())
                .put((byte) entry.stage().ordinal()).putInt(entry.attempt()).putLong(entry.at()).array());
        if (entry.stage() == Stage.FINISHED) {
            store.put(finishedKey(entry.at(), taskId), new byte[0]);
        }
    }

    /**
     * Puts back what {@code taskId} had before a change that is being undone: {@code previous}, or nothing. Removes a
     * finished index entry written since ({@code replaced}).
     */
    public void restore(String taskId, Entry previous, Entry replaced) {
        if (replaced != null && replaced.stage() == Stage.FINISHED) {
            store.put(finishedKey(replaced.at(), taskId), null);
        }
        if (previous == null) {
            store.put(idKey(taskId), null);
        } else {
            put(taskId, previous);
        }
    }

    /**
     * Forgets ids finished at or before {@code finishedUpTo}, at most {@code max} of them, oldest first; an id that
     * was taken up again since it finished (a replay) keeps its newer entry. Returns how many were forgotten.
     */
    public int expire(long finishedUpTo, int max) {
        List<Bytes> expired = new ArrayList<>();
        Bytes from = finishedKey(0, "");
        Bytes to = finishedKey(Math.max(0, finishedUpTo) + 1, "");
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, to)) {
            while (it.hasNext() && expired.size() < max) {
                KeyValue<Bytes, byte[]> next = it.next();
                if (ByteBuffer.wrap(next.key.get(), 1, 8).getLong() > finishedUpTo) {
                    break;
                }
                expired.add(next.key);
            }
        }
        for (Bytes key : expired) {
            byte[] raw = key.get();
            long finishedAt = ByteBuffer.wrap(raw, 1, 8).getLong();
            String taskId = new String(raw, 9, raw.length - 9, StandardCharsets.UTF_8);
            store.put(key, null);
            Entry current = get(taskId);
            if (current != null && current.stage() == Stage.FINISHED && current.at() == finishedAt) {
                store.put(idKey(taskId), null);
            }
        }
        return expired.size();
    }

    private static Bytes idKey(String taskId) {
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + id.length).put(ID_PREFIX).put(id).array());
    }

    private static Bytes finishedKey(long at, String taskId) {
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + 8 + id.length).put(FINISHED_PREFIX).putLong(at).put(id).array());
    }
}
