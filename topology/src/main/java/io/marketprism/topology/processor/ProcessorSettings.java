package io.marketprism.topology.processor;

import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.reliability.engine.EventListener;
import io.marketprism.reliability.state.StateStorage;
import io.marketprism.topology.admin.AdminMailbox;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exec.TaskExecutor;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the reliability step is built from, shared by every partition's processor: the configuration, the executor,
 * the metrics and the admin mailbox, and the names of its stores.
 *
 * @param wallClock epoch milliseconds by which a processor tells the time inside an invocation
 *                  ({@link InvocationClock}): {@code System::currentTimeMillis}, a fake one in tests
 */
public record ProcessorSettings(ServiceConfig config, TaskExecutor executor, ReliabilityMetrics metrics,
                                AdminMailbox mailbox, Map<String, Endpoint> endpointsById, LongSupplier wallClock) {

    /** Waiting tasks per domain, by priority then arrival. */
    public static final String QUEUE_STORE = "waiting-tasks";
    /** Tasks held until a time (scheduled retries, bans, no endpoint available), by due time. */
    public static final String HELD_STORE = "held-tasks";
    /** Dispatched tasks whose outcome is not produced yet. */
    public static final String LEDGER_STORE = "in-flight-ledger";
    /** Limiter, breaker, balancer and retry-budget state. */
    public static final String ENGINE_STORE = "reliability-state";
    /** Task ids alive or finished recently: what makes intake idempotent. */
    public static final String TASK_ID_STORE = "task-ids";
    /** Every store of the step. */
    public static final List<String> STORES = List.of(QUEUE_STORE, HELD_STORE, LEDGER_STORE, ENGINE_STORE,
            TASK_ID_STORE);

    public ProcessorSettings {
        endpointsById = Map.copyOf(endpointsById);
    }

    public static ProcessorSettings of(ServiceConfig config, TaskExecutor executor, ReliabilityMetrics metrics,
                                       AdminMailbox mailbox) {
        Map<String, Endpoint> byId = new HashMap<>();
        config.endpointsByExchange().values().forEach(list -> list.forEach(e -> byId.put(e.id(), e)));
        return new ProcessorSettings(config, executor, metrics, mailbox, byId, System::currentTimeMillis);
    }

    /** These settings with another wall clock. */
    public ProcessorSettings withWallClock(LongSupplier clock) {
        return new ProcessorSettings(config, executor, metrics, mailbox, endpointsById, clock);
    }

    ReliabilityConfig reliability() {
        return config.reliability();
    }

    /** The endpoints each limit domain's calls go to: those of the domain's host set. */
    Map<String, List<Endpoint>> endpointsOfDomain() {
        Map<String, List<Endpoint>> byDomain = new HashMap<>();
        config.routes().domains().forEach(domain -> byDomain.put(domain.name(),
                config.endpointsByExchange().getOrDefault(domain.hostSet(), List.of())));
        return byDomain;
    }

    Duration tick() {
        return config.executionTick();
    }

    int maxBodyBytes() {
        return config.maxBodyBytes();
    }

    long dedupeWindowMillis() {
        return config.dedupeWindow().toMillis();
    }

    /** How far ahead of this instance's clock a saved instant may lie before it is taken for another clock's. */
    long clockSkewToleranceMillis() {
        return config.reliability().clockSkewToleranceMillis();
    }

    /** What partition {@code partition} decides under the configured routes and partition count. */
    PartitionLayout layoutOf(int partition) {
        return new PartitionLayout(config.routes(), DecidingPartitioner.of(config.topicPartitions(), config.routes()),
                partition);
    }

    /**
     * An engine over {@code storage} with the configured call slots per endpoint, knowing the limit domains
     * {@code layout} decides.
     */
    DecisionEngine newEngine(StateStorage storage, EventListener listener, PartitionLayout layout) {
        return new DecisionEngine(config.reliability().withDomains(layout.domains()), storage, listener,
                config.maxInFlightPerEndpoint());
    }
}
