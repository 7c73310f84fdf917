package io.marketprism.topology.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.codec.AvroCodec;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InFlightLedgerTest {

    private KeyValueStore<String, byte[]> store;
    private InFlightLedger ledger;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("ledger"), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        ledger = new InFlightLedger(store, UndoLog.NONE);
    }

    private static CollectorTask task(String id) {
        return CollectorTask.newBuilder().setTaskId(id).setExchange("binance").setDataType(DataType.TRADES)
                .setSymbol("BTCUSDT").setCreatedAt(Instant.ofEpochMilli(1_000)).build();
    }

    @Test
    void shouldStoreTheGivenEncodingUnchangedBehindTheEndpoint() {
        // Given a task's encoding as it was received
        CollectorTask task = task("t-1");
        byte[] received = AvroCodec.tasks().encode(task);

        // When it is put without being encoded again
        ledger.put("binance-spot/api1", task, received);

        // Then the stored value ends with exactly those bytes, and reads back as the entry
        byte[] stored = store.get("t-1");
        assertThat(stored).endsWith(received);
        assertThat(ledger.get("t-1")).isEqualTo(new InFlightLedger.Entry("binance-spot/api1", task));
    }

    @Test
    void shouldStoreTheSameValueWhetherItEncodesTheTaskOrIsGivenTheEncoding() {
        // Given the same task put once encoded by the ledger and once with its encoding
        CollectorTask task = task("t-2");
        ledger.put("binance-spot/api", task);
        byte[] encodedByLedger = store.get("t-2");

        // When it is put again with the encoding it would have received
        ledger.put("binance-spot/api", task, AvroCodec.tasks().encode(task));

        // Then the stored bytes are identical
        assertThat(store.get("t-2")).isEqualTo(encodedByLedger);
    }

    @Test
    void shouldListEveryEntryForRedispatchAndForgetRemovedOnes() {
        // Given two dispatched tasks, one of them finished
        ledger.put("binance-spot/api", task("a"));
        ledger.put("binance-spot/api1", task("b"), AvroCodec.tasks().encode(task("b")));
        ledger.remove("a");

        // When the ledger is listed, as after a restore
        Map<String, InFlightLedger.Entry> listed = new HashMap<>();
        ledger.entries().forEach(entry -> listed.put(entry.key, InFlightLedger.decode(entry.value)));

        // Then only the unfinished one is there, with its endpoint
        assertThat(listed).containsOnlyKeys("b");
        assertThat(listed.get("b").endpointId()).isEqualTo("binance-spot/api1");
        assertThat(ledger.get("a")).isNull();
    }
}
