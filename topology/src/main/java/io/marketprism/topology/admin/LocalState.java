package io.marketprism.topology.admin;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.balancer.BalancerSnapshot;
import io.marketprism.reliability.breaker.RecordedCall;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.engine.SavedStateView;
import io.marketprism.reliability.limiter.LimiterSnapshot;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.EndpointId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.reliability.state.StateKind;
import io.marketprism.topology.admin.AdminViews.BreakerView;
import io.marketprism.topology.admin.AdminViews.DomainView;
import io.marketprism.topology.admin.AdminViews.EndpointView;
import io.marketprism.topology.admin.AdminViews.QueueView;
import io.marketprism.topology.state.StoreWaitQueue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Decodes the reliability stores of this instance into {@link AdminViews}: the engine store
 * ({@code reliability-state}, {@code StateKey} to saved state, read through {@link SavedStateView}) and the queue
 * store ({@code waiting-tasks}). Works on a store reached by interactive query (scrape and HTTP threads) as well as on
 * the processor's own store. Values that do not decode (damaged, or written by another release) are skipped.
 */
public final class LocalState {

    private LocalState() {
    }

    /**
     * The breakers saved in {@code engineStore}, the store of one partition (or several, with {@code routesOf}
     * answering for all of them), each with the routes {@code routesOf} gives for its host set.
     */
    public static List<BreakerView> breakers(ReadOnlyKeyValueStore<String, byte[]> engineStore, String instance,
                                             Function<String, List<String>> routesOf) {
        List<BreakerView> views = new ArrayList<>();
        scan(engineStore, StateKind.BREAKER, (key, value) -> SavedStateView.breaker(value).ifPresent(snapshot -> {
            List<RecordedCall> window = snapshot.window();
            long failed = window.stream().filter(RecordedCall::failure).count();
            long slow = window.stream().filter(RecordedCall::slow).count();
            String hostSet = EndpointId.parse(key).exchange();
            views.add(new BreakerView(instance, hostSet, snapshot.endpoint(), routesOf.apply(hostSet),
                    snapshot.state().name(),
                    percent(failed, window.size()), percent(slow, window.size()), window.size(),
                    snapshot.openingsInARow(), snapshot.lastTransitionAt()));
        }));
        return views;
    }

    /** The endpoints of the balancers saved in {@code engineStore}, as {@link #breakers}. */
    public static List<EndpointView> endpoints(ReadOnlyKeyValueStore<String, byte[]> engineStore, String instance,
                                               Function<String, List<String>> routesOf) {
        List<EndpointView> views = new ArrayList<>();
        scan(engineStore, StateKind.BALANCER, (exchange, value) -> SavedStateView.balancer(value).ifPresent(b -> {
            for (BalancerSnapshot.EndpointStatus e : b.endpointStatuses()) {
                views.add(new EndpointView(instance, exchange, e.endpoint(), routesOf.apply(exchange), e.successRate(),
                        Double.isNaN(e.latencyEwmaMillis()) ? -1 : e.latencyEwmaMillis(), e.inFlight(), e.ejected(),
                        e.ejectedUntil()));
            }
        }));
        return views;
    }

    /** Every limit domain with saved state; {@code now} ages the retry budget's window. */
    public static List<DomainView> domains(ReadOnlyKeyValueStore<String, byte[]> engineStore,
                                           ReliabilityConfig config, String instance, long now) {
        List<DomainView> views = new ArrayList<>();
        scan(engineStore, StateKind.LIMITER, (domain, value) -> SavedStateView.domain(value).ifPresent(entry -> {
            String exchange = entry.exchange();
            LimiterSnapshot limiter = entry.limiter();
            Map<String, Double> usage = new LinkedHashMap<>();
            for (Map.Entry<WindowLimit, Long> w : limiter.windowUsage().entrySet()) {
                usage.put(windowName(w.getKey()), (double) w.getValue() / w.getKey().limit());
            }
            long budget = -1;
            if (config.exchangeNames().contains(exchange)) {
                budget = SavedStateView.availableRetries(
                        engineStore.get(StateKey.retryBudget(new DomainId(domain)).asString()),
                        config.exchange(exchange).retryBudget(), now).orElse(-1);
            }
            boolean banned = limiter.bannedUntil() > now;
            views.add(new DomainView(instance, domain, exchange, banned, banned ? limiter.bannedUntil() : 0,
                    limiter.rateFactor(), limiter.tokens(), usage, budget));
        }));
        return views;
    }

    /**
     * Depth by priority of the queue of every domain with waiting tasks in the queue store, those of domains no
     * longer configured included.
     */
    public static List<QueueView> queues(ReadOnlyKeyValueStore<Bytes, byte[]> queueStore, String instance) {
        List<QueueView> views = new ArrayList<>();
        BytesSerializer serializer = new BytesSerializer();
        for (String domain : StoreWaitQueue.domainsIn(queueStore)) {
            byte[] name = domain.getBytes(StandardCharsets.UTF_8);
            Map<String, Integer> depths = new LinkedHashMap<>();
            int total = 0;
            for (Priority priority : Priority.values()) {
                Bytes prefix = Bytes.wrap(ByteBuffer.allocate(name.length + 2).put(name).put((byte) 0)
                        .put((byte) priority.ordinal()).array());
                int depth = 0;
                try (KeyValueIterator<Bytes, byte[]> it = queueStore.prefixScan(prefix, serializer)) {
                    while (it.hasNext()) {
                        it.next();
                        depth++;
                    }
                }
                depths.put(priority.name(), depth);
                total += depth;
            }
            if (total > 0) {
                views.add(new QueueView(instance, domain, depths, total));
            }
        }
        return views;
    }

    /** A window's name as configured: {@code weight:6000/60000}. */
    public static String windowName(WindowLimit limit) {
        return limit.measure().name().toLowerCase() + ":" + limit.limit() + "/" + limit.lengthMillis();
    }

    private static double percent(long part, int whole) {
        return whole == 0 ? -1 : 100.0 * part / whole;
    }

    private static void scan(ReadOnlyKeyValueStore<String, byte[]> store, StateKind kind,
                             BiConsumer<String, byte[]> visitor) {
        String prefix = StateKey.prefix(kind);
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                visitor.accept(entry.key.substring(prefix.length()), entry.value);
            }
        }
    }
}
