package io.marketprism.topology.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.limiter.Waiting;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The limiter's durable queue over a key-value store: order, domains, shedding, depths after a restore. */
class StoreWaitQueueTest {

    private static final Function<CollectorTask, String> NOTHING_TO_AVOID = task -> null;

    private KeyValueStore<Bytes, byte[]> store;
    private long nextSeq;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("waiting"), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    private static CollectorTask task(String id, String exchange) {
        return CollectorTask.newBuilder().setTaskId(id).setExchange(exchange).setDataType(DataType.TRADES)
                .setSymbol("BTCUSDT").setCreatedAt(Instant.ofEpochMilli(1_000)).build();
    }

    private Waiting enqueue(StoreWaitQueue queue, String id, String exchange, Priority priority) {
        Waiting waiting = new Waiting(id, priority, 1, nextSeq++, 5_000, null);
        queue.stage(task(id, exchange));
        queue.add(waiting);
        return waiting;
    }

    @Test
    void shouldHandOutTasksOfAPriorityInArrivalOrderAndTheRemovedTaskWithThem() {
        // Given three NORMAL tasks and one LOW task of one domain
        StoreWaitQueue queue = new StoreWaitQueue(store, "okx", NOTHING_TO_AVOID, UndoLog.NONE);
        enqueue(queue, "n1", "okx", Priority.NORMAL);
        enqueue(queue, "low", "okx", Priority.LOW);
        enqueue(queue, "n2", "okx", Priority.NORMAL);
        enqueue(queue, "n3", "okx", Priority.NORMAL);

        // When the NORMAL head is taken twice
        Waiting first = queue.removeHead(Priority.NORMAL);
        Waiting second = queue.removeHead(Priority.NORMAL);

        // Then they come in arrival order, the caller gets their tasks, and the depths follow
        assertThat(first.taskId()).isEqualTo("n1");
        assertThat(second.taskId()).isEqualTo("n2");
        assertThat(queue.takeRemoved("n1").task().getTaskId()).isEqualTo("n1");
        assertThat(queue.takeRemoved("n1")).isNull();
        assertThat(queue.head(Priority.NORMAL)).map(Waiting::taskId).contains("n3");
        assertThat(queue.depth(Priority.NORMAL)).isEqualTo(1);
        assertThat(queue.depth(Priority.LOW)).isEqualTo(1);
        assertThat(queue.totalDepth()).isEqualTo(2);
    }

    @Test
    void shouldShedTheNewestTaskOfAPriority() {
        StoreWaitQueue queue = new StoreWaitQueue(store, "okx", NOTHING_TO_AVOID, UndoLog.NONE);
        enqueue(queue, "old", "okx", Priority.LOW);
        enqueue(queue, "new", "okx", Priority.LOW);

        assertThat(queue.removeNewest(Priority.LOW)).map(Waiting::taskId).contains("new");
        assertThat(queue.head(Priority.LOW)).map(Waiting::taskId).contains("old");
        assertThat(queue.removeNewest(Priority.HIGH)).isEmpty();
        assertThatThrownBy(() -> queue.removeHead(Priority.HIGH)).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void shouldKeepDomainsWhoseNamesSharePrefixesApart() {
        // Given two domains over one store, one name a prefix of the other
        StoreWaitQueue okx = new StoreWaitQueue(store, "okx", NOTHING_TO_AVOID, UndoLog.NONE);
        StoreWaitQueue okxFutures = new StoreWaitQueue(store, "okx-futures", NOTHING_TO_AVOID, UndoLog.NONE);
        enqueue(okxFutures, "f1", "okx", Priority.HIGH);
        enqueue(okx, "s1", "okx", Priority.HIGH);

        // Then each sees only its own
        assertThat(okx.head(Priority.HIGH)).map(Waiting::taskId).contains("s1");
        assertThat(okxFutures.head(Priority.HIGH)).map(Waiting::taskId).contains("f1");
        assertThat(new StoreWaitQueue(store, "okx", NOTHING_TO_AVOID, UndoLog.NONE).depth(Priority.HIGH)).isEqualTo(1);
    }

    @Test
    void shouldCountWhatTheStoreAlreadyHoldsWhenOpenedAgain() {
        // Given tasks stored by an earlier queue, as after a restore
        StoreWaitQueue before = new StoreWaitQueue(store, "binance", NOTHING_TO_AVOID, UndoLog.NONE);
        enqueue(before, "c1", "binance", Priority.CRITICAL);
        enqueue(before, "n1", "binance", Priority.NORMAL);
        enqueue(before, "n2", "binance", Priority.NORMAL);

        // When a new queue opens the same store
        StoreWaitQueue after = new StoreWaitQueue(store, "binance", NOTHING_TO_AVOID, UndoLog.NONE);

        // Then it knows the depths and the heads
        assertThat(after.depth(Priority.CRITICAL)).isEqualTo(1);
        assertThat(after.depth(Priority.NORMAL)).isEqualTo(2);
        assertThat(after.head(Priority.NORMAL)).get()
                .satisfies(w -> {
                    assertThat(w.taskId()).isEqualTo("n1");
                    assertThat(w.enqueuedAt()).isEqualTo(5_000);
                });
    }

    @Test
    void shouldReadBackTheEndpointToAvoidFromTheStoredTask() {
        StoreWaitQueue queue = new StoreWaitQueue(store, "binance",
                task -> task.getTaskId().startsWith("failed") ? "api1" : null, UndoLog.NONE);
        enqueue(queue, "failed-1", "binance", Priority.NORMAL);
        enqueue(queue, "fresh-1", "binance", Priority.NORMAL);

        assertThat(queue.removeHead(Priority.NORMAL).avoidEndpoint()).isEqualTo("api1");
        assertThat(queue.removeHead(Priority.NORMAL).avoidEndpoint()).isNull();
    }

    @Test
    void shouldRefuseToStoreAWaitingTaskWhoseTaskWasNotStaged() {
        StoreWaitQueue queue = new StoreWaitQueue(store, "okx", NOTHING_TO_AVOID, UndoLog.NONE);
        queue.stage(task("other", "okx"));

        assertThatThrownBy(() -> queue.add(new Waiting("t1", Priority.NORMAL, 1, 0, 0, null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no task staged for t1");
    }

    @Test
    void shouldFindEveryDomainWithWaitingTasksWithoutReadingTheirTasks() {
        StoreWaitQueue okx = new StoreWaitQueue(store, "okx", NOTHING_TO_AVOID, UndoLog.NONE);
        StoreWaitQueue gone = new StoreWaitQueue(store, "gone-exchange", NOTHING_TO_AVOID, UndoLog.NONE);
        for (int i = 0; i < 5; i++) {
            enqueue(okx, "o" + i, "okx", Priority.NORMAL);
        }
        enqueue(gone, "g1", "gone-exchange", Priority.LOW);

        assertThat(StoreWaitQueue.domainsIn(store)).containsExactly("gone-exchange", "okx");
    }

    @Test
    void shouldTellTheFirstArrivalSequenceNoWaitingTaskUses() {
        StoreWaitQueue queue = new StoreWaitQueue(store, "okx", NOTHING_TO_AVOID, UndoLog.NONE);
        assertThat(queue.nextFreeArrivalSeq()).isZero();
        nextSeq = 41;
        enqueue(queue, "a", "okx", Priority.LOW);
        enqueue(queue, "b", "okx", Priority.CRITICAL);

        assertThat(queue.nextFreeArrivalSeq()).isEqualTo(43);
    }

    @Test
    void shouldRemoveAnAddedTaskWhenItsHandlingIsUndone() {
        java.util.List<Runnable> undo = new java.util.ArrayList<>();
        StoreWaitQueue queue = new StoreWaitQueue(store, "okx", NOTHING_TO_AVOID, undo::add);
        enqueue(queue, "kept", "okx", Priority.NORMAL);
        undo.clear();
        enqueue(queue, "failed", "okx", Priority.NORMAL);

        undo.forEach(Runnable::run);

        assertThat(queue.depth(Priority.NORMAL)).isEqualTo(1);
        assertThat(queue.removeHead(Priority.NORMAL).taskId()).isEqualTo("kept");
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void shouldFindTheHeadWithoutSteppingOverTheTombstonesOfTheHeadsTakenBefore() {
        // Given a store that keeps removed entries as tombstones its iterators step over, as RocksDB does until a
        // compaction and the record cache until a flush, and a queue worked off from its head
        TombstoneKeepingStore tombstones = new TombstoneKeepingStore(store);
        StoreWaitQueue queue = new StoreWaitQueue(tombstones.store(), "okx", NOTHING_TO_AVOID, UndoLog.NONE);
        for (int i = 0; i < 1_000; i++) {
            enqueue(queue, "t" + i, "okx", Priority.NORMAL);
        }
        for (int i = 0; i < 999; i++) {
            queue.removeHead(Priority.NORMAL);
        }

        // When the head is looked at once more
        tombstones.resetStepped();
        String head = queue.head(Priority.NORMAL).orElseThrow().taskId();

        // Then the scan starts at it, not at the first of 999 tombstones
        assertThat(head).isEqualTo("t999");
        assertThat(tombstones.stepped()).isLessThanOrEqualTo(1);
    }

    @Test
    void shouldStillFindATaskAddedBelowTheLastHeadTaken() {
        StoreWaitQueue queue = new StoreWaitQueue(store, "okx", NOTHING_TO_AVOID, UndoLog.NONE);
        nextSeq = 10;
        enqueue(queue, "late", "okx", Priority.NORMAL);
        queue.removeHead(Priority.NORMAL);
        nextSeq = 3;

        enqueue(queue, "renumbered", "okx", Priority.NORMAL);

        assertThat(queue.removeHead(Priority.NORMAL).taskId()).isEqualTo("renumbered");
    }
}
