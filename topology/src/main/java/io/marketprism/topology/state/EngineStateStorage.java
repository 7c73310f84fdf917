package io.marketprism.topology.state;

import io.marketprism.reliability.engine.StateKind;
import io.marketprism.reliability.engine.StateStorage;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the decision engine's component state (limiters, breakers, balancers, retry budgets) in one changelogged
 * store, keyed {@code KIND:key}.
 */
public final class EngineStateStorage implements StateStorage {

    private final KeyValueStore<String, byte[]> store;

    public EngineStateStorage(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public byte[] load(StateKind kind, String key) {
        return store.get(kind.name() + ':' + key);
    }

    @Override
    public void save(StateKind kind, String key, byte[] value) {
        store.put(kind.name() + ':' + key, value);
    }
}
