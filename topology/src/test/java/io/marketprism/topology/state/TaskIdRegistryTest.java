package io.marketprism.topology.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.topology.state.TaskIdRegistry.Entry;
import io.marketprism.topology.state.TaskIdRegistry.Stage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The durable record of task ids: what it keeps, and what it forgets after the window. */
class TaskIdRegistryTest {

    private KeyValueStore<Bytes, byte[]> store;
    private TaskIdRegistry registry;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("ids"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        registry = new TaskIdRegistry(store);
    }

    @Test
    void shouldReadBackWhatWasRecorded() {
        registry.put("t-1", new Entry(42L, Stage.RETRYING, 2, 1_000));

        assertThat(registry.get("t-1")).isEqualTo(new Entry(42L, Stage.RETRYING, 2, 1_000));
        assertThat(registry.get("t-2")).isNull();
    }

    @Test
    void shouldForgetFinishedIdsOldestFirstUpToTheBoundAndNeverAliveOnes() {
        registry.put("old", new Entry(1, Stage.FINISHED, 1, 1_000));
        registry.put("older", new Entry(2, Stage.FINISHED, 1, 500));
        registry.put("recent", new Entry(3, Stage.FINISHED, 1, 5_000));
        registry.put("alive", new Entry(4, Stage.ALIVE, 0, 100));

        assertThat(registry.expire(2_000, 1)).isEqualTo(1);
        assertThat(registry.get("older")).isNull();
        assertThat(registry.get("old")).isNotNull();

        assertThat(registry.expire(2_000, 100)).isEqualTo(1);
        assertThat(registry.get("old")).isNull();
        assertThat(registry.get("recent")).isNotNull();
        assertThat(registry.get("alive")).isNotNull();
        assertThat(store.approximateNumEntries()).isEqualTo(3);
    }

    @Test
    void shouldKeepAnIdTakenUpAgainAfterItFinished() {
        registry.put("replayed", new Entry(1, Stage.FINISHED, 1, 1_000));
        registry.put("replayed", new Entry(1, Stage.ALIVE, 0, 1_500));

        registry.expire(2_000, 100);

        assertThat(registry.get("replayed")).isEqualTo(new Entry(1, Stage.ALIVE, 0, 1_500));
    }

    @Test
    void shouldIndexTheIdsFinishedInOneInvocationWithOneEntry() {
        registry.put("a", new Entry(1, Stage.FINISHED, 1, 1_000));
        registry.put("b", new Entry(2, Stage.FINISHED, 1, 1_000));
        registry.put("c", new Entry(3, Stage.FINISHED, 1, 1_000));

        registry.writeIndex();

        assertThat(store.approximateNumEntries()).isEqualTo(3 + 1);
        assertThat(registry.expire(2_000, 100)).isEqualTo(3);
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void shouldStartAnotherIndexEntryAtTheLimitOfIdsPerEntry() {
        for (int i = 0; i <= TaskIdRegistry.MAX_IDS_PER_INDEX_ENTRY; i++) {
            registry.put("t-" + i, new Entry(i, Stage.FINISHED, 1, 1_000));
        }

        registry.writeIndex();

        assertThat(store.approximateNumEntries()).isEqualTo(TaskIdRegistry.MAX_IDS_PER_INDEX_ENTRY + 1 + 2);
        assertThat(registry.expire(2_000, 1)).isEqualTo(TaskIdRegistry.MAX_IDS_PER_INDEX_ENTRY);
        assertThat(registry.expire(2_000, 1)).isEqualTo(1);
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void shouldKeepEveryIdWhenTheSameIdStartsTwoBatchesInOneMillisecond() {
        registry.put("replayed", new Entry(1, Stage.FINISHED, 1, 1_000));
        registry.writeIndex();
        registry.put("replayed", new Entry(1, Stage.FINISHED, 1, 1_000));
        registry.put("other", new Entry(2, Stage.FINISHED, 1, 1_000));
        registry.writeIndex();

        registry.expire(2_000, 100);

        assertThat(registry.get("replayed")).isNull();
        assertThat(registry.get("other")).isNull();
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void shouldForgetIdsOfTheEarlierOneEntryPerIdIndex() {
        // Given an id finished at 1,000 and indexed as before 2026-12-01 ('F' time id -> empty), by an instance
        // whose own batch was never written
        registry.put("old-format", new Entry(1, Stage.FINISHED, 1, 1_000));
        byte[] id = "old-format".getBytes(StandardCharsets.UTF_8);
        store.put(Bytes.wrap(ByteBuffer.allocate(1 + 8 + id.length).put((byte) 'F').putLong(1_000).put(id).array()),
                new byte[0]);

        // When the instance that restores the store forgets what is due
        int forgotten = new TaskIdRegistry(store).expire(2_000, 100);

        // Then
        assertThat(forgotten).isEqualTo(1);
        assertThat(registry.get("old-format")).isNull();
        assertThat(store.approximateNumEntries()).isZero();
    }
}
