package io.marketprism.topology.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.reliability.Priority;
import io.marketprism.reliability.breaker.BreakerState;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.reliability.engine.EventListener;
import io.marketprism.reliability.engine.ReliabilityEvent;
import io.marketprism.reliability.engine.CallReport;
import io.marketprism.reliability.engine.Decision;
import io.marketprism.reliability.engine.TaskView;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.state.StateStorage;
import io.marketprism.topology.state.EngineStateStorage;
import io.marketprism.reliability.limiter.Waiting;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.topology.state.StoreWaitQueue;
import io.marketprism.topology.state.UndoLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decoding the engine store into admin views and JSON, and applying admin commands through the engine, on a real
 * in-memory store filled by a real decision engine.
 */
class AdminStateTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final String SPOT = "binance-spot";
    private static final String SPOT_DOMAIN = "binance.spot.direct";
    private final ReliabilityConfig config = ReliabilityConfig.ofDefaults();
    private KeyValueStore<String, byte[]> store;
    private StateStorage storage;
    private DecisionEngine engine;
    private final List<ReliabilityEvent> events = new ArrayList<>();

    @BeforeEach
    void setUp() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("reliability-state"), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        storage = new EngineStateStorage(store);
        engine = new DecisionEngine(config, storage, events::add);
    }

    @Test
    void shouldListEveryBreakerOfAnExchangeOnceItsStateIsSaved() {
        // Given one call to binance spot, answered by a 503
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(task("t1"), new InMemoryWaitQueue(), NOW);
        engine.record(CallReport.status(task("t1"), dispatch.endpoint(), 503, null, null, 30), NOW + 30);
        engine.saveChanges();

        // When the breakers are listed
        List<AdminViews.BreakerView> breakers = LocalState.breakers(store, "host-a:8080", hostSet -> List.of("direct"));

        // Then every configured endpoint appears, closed, and the called one has the failure in its window
        assertThat(breakers).extracting(AdminViews.BreakerView::endpoint)
                .containsExactlyInAnyOrderElementsOf(config.exchange(SPOT).endpoints());
        assertThat(breakers).allSatisfy(b -> {
            assertThat(b.state()).isEqualTo("CLOSED");
            assertThat(b.instance()).isEqualTo("host-a:8080");
            assertThat(b.routes()).containsExactly("direct");
        });
        AdminViews.BreakerView called = breakers.stream().filter(b -> b.endpoint().equals(dispatch.endpoint()))
                .findFirst().orElseThrow();
        assertThat(called.failureRate()).isEqualTo(100.0);
        assertThat(called.bufferedCalls()).isEqualTo(1);
    }

    @Test
    void shouldRenderViewsAsAListingWithItemsUnreachableInstancesAndProblems() throws Exception {
        engine.decide(task("t1"), new InMemoryWaitQueue(), NOW);
        engine.saveChanges();

        byte[] json = AdminJson.listing(AdminJson.rows(LocalState.endpoints(store, "host-a:8080", hostSet -> List.of("direct"))), List.of("host-b:8080"),
                List.of("no answer covers partitions [1] of t"));

        JsonNode root = AdminJson.MAPPER.readTree(json);
        assertThat(root.get("unreachable").get(0).asText()).isEqualTo("host-b:8080");
        assertThat(root.get("problems").get(0).asText()).isEqualTo("no answer covers partitions [1] of t");
        JsonNode first = root.get("items").get(0);
        assertThat(first.get("exchange").asText()).isEqualTo(SPOT);
        assertThat(first.get("instance").asText()).isEqualTo("host-a:8080");
        assertThat(first.has("inFlight")).isTrue();
        assertThat(first.get("health").asDouble()).isEqualTo(1.0);
        assertThat(AdminJson.itemsOf(json)).hasSize(config.exchange(SPOT).endpoints().size());
    }

    @Test
    void shouldForceOpenABreakerThroughTheEngineAndReportTheTransition() {
        engine.decide(task("t1"), new InMemoryWaitQueue(), NOW);
        engine.saveChanges();
        events.clear();
        AdminCommand command = AdminCommand.of(AdminCommand.Action.FORCE_OPEN, SPOT, "api1");

        boolean applied = AdminCommandApplier.apply(command, engine, NOW + 1);
        engine.saveChanges();

        assertThat(applied).isTrue();
        assertThat(command.done()).isCompletedWithValue("breaker binance-spot/api1 is FORCED_OPEN");
        assertThat(LocalState.breakers(store, "", hostSet -> List.of("direct")).stream().filter(b -> b.endpoint().equals("api1")))
                .extracting(AdminViews.BreakerView::state).containsExactly(BreakerState.FORCED_OPEN.name());
        assertThat(events).singleElement().isInstanceOfSatisfying(ReliabilityEvent.BreakerTransitioned.class,
                t -> assertThat(t.to()).isEqualTo(BreakerState.FORCED_OPEN));
    }

    @Test
    void shouldLiftABanSoThatTheEngineAndANewOneAdmitAtOnce() {
        // Given binance spot banned by a 418 for two minutes
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(task("t1"), new InMemoryWaitQueue(), NOW);
        engine.record(CallReport.status(task("t1"), dispatch.endpoint(), 418, null, 120_000L, 5), NOW + 5);
        engine.saveChanges();
        assertThat(LocalState.domains(store, config, "", NOW + 10)).singleElement()
                .satisfies(d -> assertThat(d.banned()).isTrue());

        // When an operator lifts it
        AdminCommand lift = AdminCommand.of(AdminCommand.Action.LIFT_BAN, SPOT_DOMAIN, null);
        AdminCommandApplier.apply(lift, engine, NOW + 10);
        engine.saveChanges();

        // Then the saved state shows no ban and an engine over it dispatches again
        assertThat(LocalState.domains(store, config, "", NOW + 10)).singleElement()
                .satisfies(d -> assertThat(d.banned()).isFalse());
        assertThat(engine.decide(task("t2"), new InMemoryWaitQueue(), NOW + 11)).isInstanceOf(Decision.Dispatch.class);
        DecisionEngine fresh = new DecisionEngine(config, storage, EventListener.IGNORE);
        assertThat(fresh.decide(task("t2"), new InMemoryWaitQueue(), NOW + 11)).isInstanceOf(Decision.Dispatch.class);
    }

    @Test
    void shouldRefuseToLiftABanThatDoesNotExist() {
        engine.decide(task("t1"), new InMemoryWaitQueue(), NOW);
        engine.saveChanges();
        AdminCommand lift = AdminCommand.of(AdminCommand.Action.LIFT_BAN, SPOT_DOMAIN, null);

        boolean applied = AdminCommandApplier.apply(lift, engine, NOW);

        assertThat(applied).isFalse();
        assertThat(lift.done()).isCompletedExceptionally();
    }

    @Test
    void shouldListTheQueueOfEveryLimitDomainWithWaitingTasks() {
        KeyValueStore<Bytes, byte[]> queueStore = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
                "queues"), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        queueStore.init(new MockProcessorContext<>().getStateStoreContext(), queueStore);
        enqueue(queueStore, SPOT_DOMAIN, "s-1", Priority.HIGH, 0);
        enqueue(queueStore, SPOT_DOMAIN, "s-2", Priority.LOW, 1);
        enqueue(queueStore, "okx.books.proxy-a", "o-1", Priority.NORMAL, 0);

        assertThat(LocalState.queues(queueStore, "host-a:8080"))
                .extracting(q -> q.domain() + " " + q.total() + " " + q.depthByPriority().get("HIGH"))
                .containsExactlyInAnyOrder("binance.spot.direct 2 1", "okx.books.proxy-a 1 0");
    }

    private static void enqueue(KeyValueStore<Bytes, byte[]> store, String domain, String id, Priority priority,
                                long seq) {
        StoreWaitQueue queue = new StoreWaitQueue(store, domain, task -> null, UndoLog.NONE);
        queue.stage(CollectorTask.newBuilder().setTaskId(id).setExchange("binance").setDataType(DataType.TICKER)
                .setSymbol("BTCUSDT").setCreatedAt(Instant.EPOCH).build());
        queue.add(new Waiting(id, priority, 1, seq, NOW, null));
    }

    /** A Binance spot ticker task, as the topology hands it to the engine: host set and limit domain. */
    private static TaskView task(String id) {
        return new TaskView(id, SPOT, SPOT_DOMAIN, "TICKER", Map.of(), Priority.NORMAL, null, 1, null, null, null,
                null);
    }
}
