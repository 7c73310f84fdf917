package io.marketprism.topology.state;

import java.lang.reflect.Proxy;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A store over another that keeps a removed entry as a tombstone its range scans step over and hand out as a null
 * value, as RocksDB does until a compaction and the record cache until a flush, and counts the tombstones stepped
 * over: for tests of how much a store's users read as entries come and go.
 */
final class TombstoneKeepingStore {

    private final KeyValueStore<Bytes, byte[]> inner;
    private int stepped;

    /** @param inner the store holding entries and tombstones; no value written through this one may be empty */
    TombstoneKeepingStore(KeyValueStore<Bytes, byte[]> inner) {
        this.inner = inner;
    }

    int stepped() {
        return stepped;
    }

    void resetStepped() {
        stepped = 0;
    }

    @SuppressWarnings("unchecked")
    KeyValueStore<Bytes, byte[]> store() {
        return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(KeyValueStore.class.getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "put" -> {
                        byte[] value = (byte[]) args[1];
                        inner.put((Bytes) args[0], value == null ? new byte[0] : value);
                        yield null;
                    }
                    case "delete" -> {
                        byte[] old = inner.get((Bytes) args[0]);
                        inner.put((Bytes) args[0], new byte[0]);
                        yield old == null || old.length == 0 ? null : old;
                    }
                    case "get" -> {
                        byte[] value = inner.get((Bytes) args[0]);
                        yield value != null && value.length == 0 ? null : value;
                    }
                    case "range", "reverseRange", "all", "reverseAll" ->
                            counting((KeyValueIterator<Bytes, byte[]>) method.invoke(inner, args));
                    default -> method.invoke(inner, args);
                });
    }

    private KeyValueIterator<Bytes, byte[]> counting(KeyValueIterator<Bytes, byte[]> it) {
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<Bytes, byte[]> next() {
                KeyValue<Bytes, byte[]> next = it.next();
                if (next.value.length == 0) {
                    stepped++;
                    return KeyValue.pair(next.key, null);
                }
                return next;
            }

            @Override
            public void close() {
                it.close();
            }

            @Override
            public Bytes peekNextKey() {
                return it.peekNextKey();
            }
        };
    }
}
