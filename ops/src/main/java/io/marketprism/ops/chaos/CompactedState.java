package io.marketprism.ops.chaos;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * What a compacted topic holds once the log cleaner has done its work, whatever it has done so far: per partition,
 * the latest record of every key that is not a tombstone. For a changelog that is the content of its store, the
 * state a restore rebuilds. A topic's bytes on disk are more than that by what the cleaner has not compacted yet,
 * so they measure the cleaner's cadence as much as the state.
 */
public final class CompactedState {

    private final Map<Integer, Map<ByteBuffer, Integer>> latestSizes = new HashMap<>();

    /** Folds in the next record of {@code partition}, in offset order; a null value is a tombstone. */
    public void add(int partition, byte[] key, byte[] value) {
        Map<ByteBuffer, Integer> sizes = latestSizes.computeIfAbsent(partition, p -> new HashMap<>());
        ByteBuffer keyBytes = ByteBuffer.wrap(key == null ? new byte[0] : key);
        if (value == null) {
            sizes.remove(keyBytes);
        } else {
            sizes.put(keyBytes, keyBytes.remaining() + value.length);
        }
    }

    /** Live keys over all partitions; a key counts once per partition it lives in. */
    public long keys() {
        return latestSizes.values().stream().mapToLong(Map::size).sum();
    }

    /** Key and value bytes of the live keys' latest records. */
    public long bytes() {
        return latestSizes.values().stream().flatMap(sizes -> sizes.values().stream()).mapToLong(Integer::longValue)
                .sum();
    }
}
