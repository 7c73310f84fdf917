package io.marketprism.topology.state;

import io.marketprism.reliability.state.StateKey;
import io.marketprism.reliability.state.StateStorage;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the decision engine's component state (limiters, breakers, balancers, retry budgets) in one changelogged
 * store, keyed by {@link StateKey#asString()}.
 */
public final class EngineStateStorage implements StateStorage {

    private final KeyValueStore<String, byte[]> store;

    public EngineStateStorage(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public byte[] load(StateKey key) {
        return store.get(key.asString());
    }

    @Override
    public void save(StateKey key, byte[] value) {
        store.put(key.asString(), value);
    }
}
