package io.marketprism.topology;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.topology.admin.AdminMailbox;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.processor.Outcome;
import io.marketprism.topology.processor.OutputHeaders;
import io.marketprism.topology.processor.ProcessorSettings;
import io.marketprism.topology.processor.ReliabilityProcessor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * One {@link ReliabilityProcessor} on a {@link MockProcessorContext} with in-memory stores, driven record by record
 * and tick by tick. Its stores outlive the processor: {@link #restart} opens a new processor over them, as a
 * restore after a crash or a rolling deploy (possibly with another configuration) does.
 */
final class ProcessorHarness {

    static final long START = 1_000_000;
    /** The store methods {@link #failWrites} fails. */
    private static final Set<String> WRITES = Set.of("put", "putIfAbsent", "putAll", "delete");

    private final FakeExecutor executor;
    private final LongSupplier wallClock;
    private final Map<String, StateStore> stores = new HashMap<>();
    private final Map<String, RuntimeException> writeFailures = new HashMap<>();
    private final List<Outcome> outcomes = new ArrayList<>();
    private MockProcessorContext<String, Outcome> context;
    private ReliabilityProcessor processor;
    private long now = START;
    private long offset;

    ProcessorHarness(ServiceConfig config, FakeExecutor executor) {
        this(config, executor, ReliabilityTopology.NO_WALL_CLOCK);
    }

    /**
     * A harness whose processor reads the wall clock {@code wallClock} inside an invocation; by default it has none,
     * so that every invocation runs at the wall-clock time the test set.
     */
    ProcessorHarness(ServiceConfig config, FakeExecutor executor, LongSupplier wallClock) {
        this.executor = executor;
        this.wallClock = wallClock;
        open(config);
    }

    private void open(ServiceConfig config) {
        context = new MockProcessorContext<>(MarketPrismService.streamsProperties(config));
        context.setCurrentSystemTimeMs(now);
        for (String name : ProcessorSettings.STORES) {
            StateStore store = stores.computeIfAbsent(name, n -> failingWhenTold(n, newStore(n)));
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        processor = new ReliabilityProcessor(ProcessorSettings.of(config, executor,
                ReliabilityMetrics.disabled(config), new AdminMailbox()).withWallClock(wallClock));
        processor.init(context);
    }

    /**
     * From now on every write to the store {@code name} throws {@code failure}, as a store's writes do whose
     * changelog send finds the thread's producer fenced.
     */
    void failWrites(String name, RuntimeException failure) {
        writeFailures.put(name, failure);
    }

    /** A store that throws the failure set by {@link #failWrites} on every write, and is {@code inner} otherwise. */
    private StateStore failingWhenTold(String name, StateStore inner) {
        return (StateStore) Proxy.newProxyInstance(KeyValueStore.class.getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    RuntimeException failure = writeFailures.get(name);
                    if (failure != null && WRITES.contains(method.getName())) {
                        throw failure;
                    }
                    try {
                        return method.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static StateStore newStore(String name) {
        boolean stringKeys = name.equals(ProcessorSettings.LEDGER_STORE) || name.equals(ProcessorSettings.ENGINE_STORE);
        return stringKeys
                ? Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled().build()
                : Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
                        .withLoggingDisabled().build();
    }

    /** Closes the processor and opens a new one with {@code config} over the same stores. */
    void restart(ServiceConfig config) {
        collect();
        processor.close();
        open(config);
    }

    /** Sends a task as the repartition topic delivers it. */
    void send(CollectorTask task) {
        send(task, false);
    }

    void send(CollectorTask task, boolean replay) {
        context.setRecordMetadata("repartition", 0, offset++);
        Record<String, byte[]> record = new Record<>(task.getExchange(), AvroCodec.tasks().encode(task), now,
                OutputHeaders.of(task.getTaskId(), task.getExchange(), null, null));
        if (replay) {
            record.headers().add(OutputHeaders.REPLAY_OF, "dlq-0-1".getBytes());
        }
        try {
            processor.process(record);
        } finally {
            collect();
        }
    }

    /** Advances the wall clock by {@code millis} and runs the tick. */
    void tick(long millis) {
        now += millis;
        context.setCurrentSystemTimeMs(now);
        try {
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(now);
        } finally {
            collect();
        }
    }

    long now() {
        return now;
    }

    @SuppressWarnings("unchecked")
    <K> KeyValueStore<K, byte[]> store(String name) {
        return (KeyValueStore<K, byte[]>) stores.get(name);
    }

    KeyValueStore<Bytes, byte[]> bytesStore(String name) {
        return store(name);
    }

    /** Every outcome forwarded so far, events left out. */
    List<Outcome> outcomes() {
        return outcomes.stream().filter(o -> !(o instanceof Outcome.Audited)).toList();
    }

    <T extends Outcome> List<T> outcomes(Class<T> kind) {
        return outcomes.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private void collect() {
        context.forwarded().forEach(f -> outcomes.add(f.record().value()));
        context.resetForwards();
    }
}
