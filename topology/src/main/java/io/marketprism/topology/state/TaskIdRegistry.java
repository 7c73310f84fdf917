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
 * <p>Keys: {@code 'I' taskId} → the id's {@link Entry}; and an index in finishing order through which {@link #expire}
 * forgets ids finished longer ago than the window, reading only what expires: {@code 'F' finishedAt firstTaskId}
 * (time big-endian) → the ids that finished at that time, one index entry per batch of up to
 * {@link #MAX_IDS_PER_INDEX_ENTRY} ids rather than one per id, since every entry is a store write, a changelog record
 * and later a tombstone. The batch of the current invocation is kept here and written by {@link #writeIndex}, which
 * the processor calls at the end of every invocation, before Kafka Streams may commit. An index entry with an empty
 * value (as written before 2026-12-01) names one id, the key's rest. Alive ids are never forgotten: each one ends in a
 * terminal record.
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

    /** Ids per finishing-index entry at most, which keeps its record far below the producer's request size. */
    static final int MAX_IDS_PER_INDEX_ENTRY = 1_000;

    private static final byte ID_PREFIX = 'I';
    private static final byte FINISHED_PREFIX = 'F';
    private static final int ENTRY_BYTES = 8 + 1 + 4 + 8;
    private static final Stage[] STAGES = Stage.values();

    private final KeyValueStore<Bytes, byte[]> store;
    private final List<byte[]> finishing = new ArrayList<>();
    private long finishingAt;

    public TaskIdRegistry(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** The entry of {@code taskId}, or null when the id is unknown or forgotten. */
    public Entry get(String taskId) {
        return get(idKey(taskId.getBytes(StandardCharsets.UTF_8)));
    }

    /** Records the id's entry; a FINISHED one joins the batch of the finishing index. */
    public void put(String taskId, Entry entry) {
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        store.put(idKey(id), ByteBuffer.allocate(ENTRY_BYTES).putLong(entry.fingerprint())
                .put((byte) entry.stage().ordinal()).putInt(entry.attempt()).putLong(entry.at()).array());
        if (entry.stage() == Stage.FINISHED) {
            if (!finishing.isEmpty() && (finishingAt != entry.at() || finishing.size() >= MAX_IDS_PER_INDEX_ENTRY)) {
                writeIndex();
            }
            finishingAt = entry.at();
            finishing.add(id);
        }
    }

    /**
     * Writes the finishing-index entry of the ids that finished since the last call, if any. Merged into an entry
     * already under the same key (the same first id finishing twice in one millisecond), so no id is lost.
     */
    public void writeIndex() {
        if (finishing.isEmpty()) {
            return;
        }
        Bytes key = finishedKey(finishingAt, finishing.get(0));
        byte[] earlier = store.get(key);
        int size = earlier == null ? 0 : earlier.length;
        for (byte[] id : finishing) {
            size += 4 + id.length;
        }
        ByteBuffer value = ByteBuffer.allocate(size);
        if (earlier != null) {
            value.put(earlier);
        }
        for (byte[] id : finishing) {
            value.putInt(id.length).put(id);
        }
        store.put(key, value.array());
        finishing.clear();
    }

    /**
     * Forgets ids finished at or before {@code finishedUpTo}, oldest first, index entry by index entry until at least
     * {@code max} ids were looked at; an id that was taken up again since it finished (a replay) keeps its newer
     * entry. Writes the current batch first. Returns how many ids were looked at.
     */
    public int expire(long finishedUpTo, int max) {
        writeIndex();
        List<KeyValue<Bytes, byte[]>> expired = new ArrayList<>();
        Bytes from = Bytes.wrap(new byte[] {FINISHED_PREFIX});
        Bytes to = finishedKey(Math.max(0, finishedUpTo) + 1, new byte[0]);
        int ids = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, to)) {
            while (it.hasNext() && ids < max) {
                KeyValue<Bytes, byte[]> next = it.next();
                if (finishedAt(next.key) > finishedUpTo) {
                    break;
                }
                expired.add(next);
                ids += idsOf(next).size();
            }
        }
        for (KeyValue<Bytes, byte[]> index : expired) {
            long finishedAt = finishedAt(index.key);
            store.put(index.key, null);
            for (byte[] id : idsOf(index)) {
                Bytes idKey = idKey(id);
                Entry current = get(idKey);
                if (current != null && current.stage() == Stage.FINISHED && current.at() == finishedAt) {
                    store.put(idKey, null);
                }
            }
        }
        return ids;
    }

    private Entry get(Bytes idKey) {
        byte[] value = store.get(idKey);
        if (value == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        return new Entry(in.getLong(), STAGES[in.get()], in.getInt(), in.getLong());
    }

    /** The ids an index entry names: its value's, or for an entry with an empty value the one after the time. */
    private static List<byte[]> idsOf(KeyValue<Bytes, byte[]> index) {
        byte[] key = index.key.get();
        if (index.value.length == 0) {
            byte[] id = new byte[key.length - 9];
            System.arraycopy(key, 9, id, 0, id.length);
            return List.of(id);
        }
        List<byte[]> ids = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(index.value);
        while (in.hasRemaining()) {
            byte[] id = new byte[in.getInt()];
            in.get(id);
            ids.add(id);
        }
        return ids;
    }

    private static long finishedAt(Bytes indexKey) {
        return ByteBuffer.wrap(indexKey.get(), 1, 8).getLong();
    }

    private static Bytes idKey(byte[] id) {
        byte[] key = new byte[1 + id.length];
        key[0] = ID_PREFIX;
        System.arraycopy(id, 0, key, 1, id.length);
        return Bytes.wrap(key);
    }

    private static Bytes finishedKey(long at, byte[] id) {
        return Bytes.wrap(ByteBuffer.allocate(1 + 8 + id.length).put(FINISHED_PREFIX).putLong(at).put(id).array());
    }
}
