package io.marketprism.reliability.engine;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link StateStorage} on the heap, for tests, benchmarks and simple callers. Keeps the saved arrays as given (the
 * engine never touches them again) and hands them out on load unchanged. Not thread-safe.
 */
public final class InMemoryStateStorage implements StateStorage {

    private final Map<StateKind, Map<String, byte[]>> byKind = new EnumMap<>(StateKind.class);

    public InMemoryStateStorage() {
        for (StateKind kind : StateKind.values()) {
            byKind.put(kind, new HashMap<>());
        }
    }

    /** A storage holding the same entries as {@code other}, independent of it afterwards. */
    public static InMemoryStateStorage copyOf(InMemoryStateStorage other) {
        InMemoryStateStorage copy = new InMemoryStateStorage();
        other.byKind.forEach((kind, entries) -> entries.forEach((key, value) -> copy.save(kind, key, value)));
        return copy;
    }

    @Override
    public byte[] load(StateKind kind, String key) {
        return byKind.get(kind).get(key);
    }

    @Override
    public void save(StateKind kind, String key, byte[] value) {
        byKind.get(kind).put(key, value);
    }
}
