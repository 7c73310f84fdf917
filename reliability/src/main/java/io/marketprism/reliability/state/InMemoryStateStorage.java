package io.marketprism.reliability.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link StateStorage} on the heap, for tests, benchmarks and simple callers. Keeps the saved arrays as given (the
 * engine never touches them again) and hands them out on load unchanged. Not thread-safe.
 */
public final class InMemoryStateStorage implements StateStorage {

    private final Map<StateKey, byte[]> entries = new LinkedHashMap<>();

    /** A storage holding the same entries as {@code other}, independent of it afterwards. */
    public static InMemoryStateStorage copyOf(InMemoryStateStorage other) {
        InMemoryStateStorage copy = new InMemoryStateStorage();
        copy.entries.putAll(other.entries);
        return copy;
    }

    @Override
    public byte[] load(StateKey key) {
        return entries.get(key);
    }

    @Override
    public void save(StateKey key, byte[] value) {
        entries.put(key, value);
    }

    @Override
    public void remove(StateKey key) {
        entries.remove(key);
    }

    /** Every entry saved, in the order first saved; a read-only view. */
    public Map<StateKey, byte[]> entries() {
        return Collections.unmodifiableMap(entries);
    }
}
