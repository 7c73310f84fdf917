package io.marketprism.topology.state;

import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.reliability.state.StateKind;
import io.marketprism.reliability.state.StateStorage;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
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

    @Override
    public void remove(StateKey key) {
        store.delete(key.asString());
    }

    /**
     * The per-instrument limit domains ({@link DomainId#instrument()}) with a saved limiter: after a restore, those
     * the engine forgets once they are idle, whether or not a task of their instrument comes again.
     */
    public List<String> perInstrumentDomains() {
        List<String> domains = new ArrayList<>();
        String prefix = StateKey.prefix(StateKind.LIMITER);
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                String domain = it.next().key.substring(prefix.length());
                if (new DomainId(domain).instrument() != null) {
                    domains.add(domain);
                }
            }
        }
        return domains;
    }
}
