package io.marketprism.topology.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The held-tasks store: what is due, in due order, and what finding it reads. */
class RetryTimersTest {

    private static final long T0 = 1_700_000_000_000L;

    private KeyValueStore<Bytes, byte[]> store;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("held"), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    private static CollectorTask task(String id) {
        return CollectorTask.newBuilder().setTaskId(id).setExchange("okx").setDataType(DataType.TRADES)
                .setSymbol("BTC-USDT").setCreatedAt(Instant.ofEpochMilli(T0)).build();
    }

    private static List<String> ids(List<RetryTimers.Released> released) {
        return released.stream().map(r -> r.task().getTaskId()).toList();
    }

    @Test
    void shouldFindWhatIsDueWithoutSteppingOverTheTombstonesOfWhatWasTakenBefore() {
        // Given a store that keeps removed entries as tombstones, and 1,000 held tasks of which 999 were taken
        TombstoneKeepingStore tombstones = new TombstoneKeepingStore(store);
        RetryTimers held = new RetryTimers(tombstones.store(), UndoLog.NONE, task -> "okx.trades.direct");
        for (int i = 0; i < 1_000; i++) {
            held.hold(task("t" + i), T0 + i);
        }
        assertThat(held.takeDue(T0 + 998, 1_000)).hasSize(999);

        // When the next tick looks for what is due
        tombstones.resetStepped();
        List<RetryTimers.Released> due = held.takeDue(T0 + 1_000, 1_000);

        // Then it reads from the last due time taken on
        assertThat(ids(due)).containsExactly("t999");
        assertThat(tombstones.stepped()).isLessThanOrEqualTo(1);
        assertThat(held.held("okx.trades.direct")).isZero();
    }

    @Test
    void shouldReleaseATaskHeldUntilATimeBeforeTheLastOneTaken() {
        RetryTimers held = new RetryTimers(store, UndoLog.NONE, task -> "okx.trades.direct");
        held.hold(task("later"), T0 + 5_000);
        assertThat(ids(held.takeDue(T0 + 5_000, 10))).containsExactly("later");

        held.hold(task("earlier"), T0 + 1_000);
        held.hold(task("due-now"), T0 + 6_000);

        assertThat(ids(held.takeDue(T0 + 6_000, 10))).containsExactly("earlier", "due-now");
    }

    @Test
    void shouldReleaseTasksHeldUntilTheSameTimeInTheOrderTheyFirstBecameDue() {
        // Given three retries held until the same time (a refused retry budget's next bucket), the one whose id sorts
        // first having become due last
        RetryTimers held = new RetryTimers(store, UndoLog.NONE, task -> "okx.ticker.direct");
        held.hold(retryDueAt("a-due-last", T0 + 900), T0 + 1_000);
        held.hold(retryDueAt("z-due-first", T0 + 100), T0 + 1_000);
        held.hold(retryDueAt("m-due-second", T0 + 500), T0 + 1_000);

        // When they are due, they come longest waiting first
        assertThat(ids(held.takeDue(T0 + 1_000, 10))).containsExactly("z-due-first", "m-due-second", "a-due-last");
    }

    @Test
    void shouldReleaseTasksTheStoreHoldsUnderThePreviousReleasesKeysInDueOrder() {
        // Given a task the previous release held under a key of its due time and id alone
        byte[] id = "previous".getBytes(StandardCharsets.UTF_8);
        store.put(Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(T0 + 2_000).put(id).array()),
                AvroCodec.tasks().encode(task("previous")));
        RetryTimers held = new RetryTimers(store, UndoLog.NONE, task -> "okx.trades.direct");
        held.hold(task("current"), T0 + 3_000);

        // When both are due, both come in due order, and the store holds nothing after
        assertThat(held.held("okx.trades.direct")).isEqualTo(2);
        assertThat(held.takeDue(T0 + 1_999, 10)).isEmpty();
        assertThat(ids(held.takeDue(T0 + 3_000, 10))).containsExactly("previous", "current");
        assertThat(held.held("okx.trades.direct")).isZero();
    }

    private static CollectorTask retryDueAt(String id, long notBefore) {
        CollectorTask task = task(id);
        task.setNotBefore(Instant.ofEpochMilli(notBefore));
        return task;
    }
}
