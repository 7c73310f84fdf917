package io.marketprism.topology.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.state.InFlightLedger;
import io.marketprism.topology.state.TaskIdRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One task, one outcome: a task whose handling fails after it was dispatched leaves nothing behind to replay. */
class TaskIsolationTest {

    private final MockProcessorContext<String, Outcome> context = new MockProcessorContext<>();
    private KeyValueStore<String, byte[]> ledgerStore;
    private TaskIdRegistry registry;
    private OutcomeSink sink;
    private TaskIsolation isolation;

    @BeforeEach
    void open() {
        ledgerStore = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("ledger"), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        ledgerStore.init(context.getStateStoreContext(), ledgerStore);
        KeyValueStore<Bytes, byte[]> ids = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("ids"),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        ids.init(context.getStateStoreContext(), ids);
        registry = new TaskIdRegistry(ids);
        sink = new OutcomeSink(context, new TaskIds(registry), ServiceConfig.ofDefaults().routes());
        isolation = new TaskIsolation(sink, ReliabilityMetrics.disabled(ServiceConfig.ofDefaults()));
    }

    private static CollectorTask task(String id) {
        return CollectorTask.newBuilder().setTaskId(id).setExchange("binance").setDataType(DataType.TRADES)
                .setSymbol("BTCUSDT").setCreatedAt(Instant.ofEpochMilli(1_000)).build();
    }

    private List<Outcome> forwarded() {
        return context.forwarded().stream().map(f -> (Outcome) f.record().value()).toList();
    }

    @Test
    void shouldRemoveTheLedgerEntryAndDeadLetterOnceWhenHandlingFailsAfterTheDispatch() {
        // Given the handling of a task that writes its ledger entry, then throws
        InFlightLedger ledger = new InFlightLedger(ledgerStore, isolation);
        CollectorTask task = task("t-1");

        // When it runs isolated
        boolean ok = isolation.run(task, "admission", 5_000, () -> {
            ledger.put("binance-spot/api", task);
            throw new IllegalStateException("after the dispatch");
        });

        // Then the entry is gone (no replay after a restore) and the task has exactly one outcome, a dead letter
        assertThat(ok).isFalse();
        assertThat(ledgerStore.get("t-1")).isNull();
        assertThat(forwarded()).singleElement().isInstanceOfSatisfying(Outcome.DeadLettered.class, d -> {
            assertThat(d.deadLetter().getReason()).isEqualTo(DeadLetterReason.PROCESSING_ERROR);
            assertThat(d.deadLetter().getLastError()).contains("IllegalStateException").contains("after the dispatch");
        });
        assertThat(registry.get("t-1").stage()).isEqualTo(TaskIdRegistry.Stage.FINISHED);
    }

    @Test
    void shouldNotAddASecondOutcomeWhenHandlingFailsAfterTheTaskHadOne() {
        CollectorTask task = task("t-2");

        isolation.run(task, "completion", 5_000, () -> {
            sink.deadLetter(task, DeadLetterReason.NON_RETRYABLE, "HTTP 400", null, 5_000);
            throw new IllegalStateException("after the outcome");
        });

        assertThat(forwarded()).singleElement().isInstanceOfSatisfying(Outcome.DeadLettered.class,
                d -> assertThat(d.deadLetter().getReason()).isEqualTo(DeadLetterReason.NON_RETRYABLE));
    }

    @Test
    void shouldKeepWhatASucceedingTaskWrote() {
        InFlightLedger ledger = new InFlightLedger(ledgerStore, isolation);
        CollectorTask task = task("t-3");

        assertThat(isolation.run(task, "admission", 5_000, () -> ledger.put("binance-spot/api", task))).isTrue();
        assertThat(isolation.run(task("t-4"), "admission", 5_000, () -> {
            throw new IllegalStateException("another task");
        })).isFalse();

        assertThat(ledgerStore.get("t-3")).isNotNull();
    }

    @Test
    void shouldHandTheLossOfTheTaskOnToKafkaStreamsWithoutADeadLetter() {
        // Given the handling of a task whose changelog write finds the thread's producer fenced
        CollectorTask task = task("t-5");

        // When it runs isolated, Then the fencing goes on to Kafka Streams and no dead letter is forwarded into the
        // transaction that cannot commit
        assertThatThrownBy(() -> isolation.run(task, "admission", 5_000, () -> {
            throw new TaskMigratedException("producer fenced");
        })).isInstanceOf(TaskMigratedException.class);
        assertThatThrownBy(() -> isolation.run(task, "admission", 5_000, () -> {
            throw new TaskCorruptedException(Set.of());
        })).isInstanceOf(TaskCorruptedException.class);
        assertThat(forwarded()).isEmpty();
    }
}
