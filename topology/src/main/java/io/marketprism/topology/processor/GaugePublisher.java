package io.marketprism.topology.processor;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.topology.admin.LocalState;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.state.RetryTimers;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Publishes the gauges of the limit domains this partition owns (those it had a task of, or saved state of; a
 * per-instrument group's domain on a route counts its instruments' tasks): queue depths, held and dispatched tasks
 * and calls in flight at every tick, and the saved breaker, balancer and limiter state every
 * {@link #STATE_PUBLISH_INTERVAL_MS}. Only owned domains are published, so instances never report each other's.
 */
final class GaugePublisher {

    /** How often the engine state behind the breaker, balancer and limiter gauges is decoded and published. */
    static final long STATE_PUBLISH_INTERVAL_MS = 1_000;

    private final ReliabilityMetrics metrics;
    private final ReliabilityConfig reliability;
    private final Map<String, List<Endpoint>> endpointsOfDomain;
    private final KeyValueStore<String, byte[]> engineStore;
    private final PartitionLayout layout;
    private final Set<String> ownedDomains = new LinkedHashSet<>();

    private long lastStatePublish = Long.MIN_VALUE;

    GaugePublisher(ReliabilityMetrics metrics, ReliabilityConfig reliability,
                   Map<String, List<Endpoint>> endpointsOfDomain, KeyValueStore<String, byte[]> engineStore,
                   PartitionLayout layout) {
        this.metrics = metrics;
        this.reliability = reliability;
        this.endpointsOfDomain = endpointsOfDomain;
        this.engineStore = engineStore;
        this.layout = layout;
    }

    void own(String domain) {
        ownedDomains.add(domain);
    }

    /** Publishes the saved state at the next {@link #publish}, not a second later: it just changed. */
    void stateChanged() {
        lastStatePublish = Long.MIN_VALUE;
    }

    void publish(DomainQueues queues, RetryTimers held, CallDispatcher dispatcher, long now) {
        Map<String, int[]> depths = queues.depthsByGroupDomain();
        for (String domain : ownedDomains) {
            int[] depth = depths.get(domain);
            for (Priority priority : Priority.values()) {
                metrics.publishQueueDepth(domain, priority, depth == null ? 0 : depth[priority.ordinal()]);
            }
            for (Endpoint endpoint : endpointsOfDomain.getOrDefault(domain, List.of())) {
                metrics.publishInFlight(endpoint.id(), dispatcher.running(endpoint.id()));
            }
            metrics.publishHeldAndDispatched(domain, held.held(domain), dispatcher.runningIn(domain));
        }
        if (lastStatePublish != Long.MIN_VALUE && now - lastStatePublish < STATE_PUBLISH_INTERVAL_MS) {
            return;
        }
        lastStatePublish = now;
        metrics.publishState(LocalState.breakers(engineStore, "", layout::routesOf),
                LocalState.endpoints(engineStore, "", layout::routesOf),
                LocalState.domains(engineStore, reliability, "", now));
    }

    void close() {
        metrics.forget(ownedDomains);
    }
}
