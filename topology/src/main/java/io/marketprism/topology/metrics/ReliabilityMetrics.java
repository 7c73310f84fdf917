package io.marketprism.topology.metrics;

import static io.marketprism.topology.metrics.MetricNames.*;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.breaker.BreakerState;
import io.marketprism.reliability.engine.ReliabilityEvent;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.ShedReason;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.ErrorClass;
import io.marketprism.topology.admin.AdminViews.BreakerView;
import io.marketprism.topology.admin.AdminViews.DomainView;
import io.marketprism.topology.admin.AdminViews.EndpointView;
import io.marketprism.topology.admin.LocalState;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exchange.ExchangeRoutes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The service's own metrics ({@link MetricNames}), fed by the reliability processors on their stream threads and
 * read by the scrape thread. Every meter of a configured exchange, endpoint, priority and reason is registered up
 * front, so the hot path (a dispatch, a finished call, a result) only increments a meter it already holds. Gauges
 * read values the processors publish ({@code volatile} holders), never the state stores. A gauge of a domain or
 * endpoint no processor of this instance owns reads NaN.
 */
public final class ReliabilityMetrics {

    private static final Priority[] PRIORITIES = Priority.values();
    private static final DeadLetterReason[] DEAD_LETTER_REASONS = DeadLetterReason.values();
    private static final ErrorClass[] ERROR_CLASSES = ErrorClass.values();
    private static final DataType[] DATA_TYPES = DataType.values();
    private static final TaskEnd[] TASK_ENDS = TaskEnd.values();
    private static final String[] DEADLINES = {DEADLINE_MET, DEADLINE_MISSED, DEADLINE_NONE};
    /** Histogram buckets of recovery times: the promises (failover 5 s, recovery 30 s) fall on bucket bounds. */
    private static final Duration[] RECOVERY_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
            Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1)};

    /** How a task ended, the {@code outcome} tag of {@link MetricNames#TASKS_TERMINAL}. */
    public enum TaskEnd {
        /** A result was produced. */
        RESULT("result"),
        /** A dead letter was produced for a task the service took on. */
        DEAD_LETTER("dead_letter"),
        /** A dead letter {@code INVALID}: the task asked for what the service does not serve. */
        REJECTED("rejected");

        private final String tag;

        TaskEnd(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final MeterRegistry registry;
    private final Map<String, EndpointMeters> endpoints = new HashMap<>();
    private final Map<String, DomainMeters> domains = new HashMap<>();
    private final Map<String, ExchangeMeters> exchanges = new HashMap<>();
    private final Map<String, Counter> rareCounters = new ConcurrentHashMap<>();

    public ReliabilityMetrics(MeterRegistry registry, ServiceConfig config) {
        this.registry = registry;
        for (Map.Entry<String, List<Endpoint>> entry : config.endpointsByExchange().entrySet()) {
            String hostSet = entry.getKey();
            for (Endpoint endpoint : entry.getValue()) {
                endpoints.put(endpoint.id(), new EndpointMeters(hostSet, endpoint.name()));
            }
        }
        // Tasks are counted by the exchange they name; their retry strategy is that of the exchange's first host set.
        config.routes().definitions().all().values().stream()
                .filter(definition -> config.exchanges().containsAll(definition.hostSets().keySet()))
                .forEach(definition -> exchanges.put(definition.name(), new ExchangeMeters(definition.name(),
                        config.reliability().exchange(definition.hostSets().keySet().iterator().next()).retry()
                                .strategy().name())));
        for (ExchangeRoutes.Domain domain : config.routes().domains()) {
            LimiterConfig limiter = config.reliability().exchange(domain.hostSet())
                    .limiterOf(new DomainId(domain.name()));
            domains.put(domain.name(), new DomainMeters(domain.hostSet(), domain.name(), limiter.windows(),
                    limiter.queueCapacity()));
        }
        exchanges.put(UNKNOWN, new ExchangeMeters(UNKNOWN, NONE));
    }

    /** Metrics that go nowhere, for tests and tools that run the topology without a registry. */
    public static ReliabilityMetrics disabled(ServiceConfig config) {
        return new ReliabilityMetrics(new CompositeMeterRegistry(), config);
    }

    /** Binds the JVM's memory, GC, thread, class loader, processor and uptime metrics to {@code registry}. */
    public static void bindJvmMetrics(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // The GC binder holds notification listeners: it lives as long as the process.
        new JvmGcMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    // ---- hot path, stream threads

    /** The balancer picked {@code endpointId} ({@code exchange/endpoint}) for a call. */
    public void onDispatched(String endpointId) {
        EndpointMeters meters = endpoints.get(endpointId);
        if (meters != null) {
            meters.picks.increment();
        }
    }

    /** A call to {@code endpointId} finished: success when {@code errorClass} is null, else by its class. */
    public void onCallFinished(String endpointId, ErrorClass errorClass, long latencyMillis) {
        EndpointMeters meters = endpoints.get(endpointId);
        if (meters != null) {
            meters.calls[errorClass == null ? 0 : errorClass.ordinal() + 1].increment();
            meters.latency.record(Math.max(0, latencyMillis), TimeUnit.MILLISECONDS);
        }
    }

    /** A health check of the ejected endpoint {@code endpointId} finished: {@code ok} when it showed it up. */
    public void onProbe(String endpointId, boolean ok) {
        EndpointMeters meters = endpoints.get(endpointId);
        if (meters != null) {
            (ok ? meters.probesOk : meters.probesFailed).increment();
        }
    }

    /** A task of {@code domain} waited {@code waitMillis} in the queue before it was dispatched. */
    public void onQueueWait(String domain, Priority priority, long waitMillis) {
        DomainMeters meters = metersOfGroup(domain);
        if (meters != null) {
            meters.queueWait[priority.ordinal()].record(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
        }
    }

    /** A result was produced; {@code latencyMillis} runs from the task's creation to the result. */
    public void onResult(String exchange, io.marketprism.schemas.Priority priority, long latencyMillis) {
        ExchangeMeters meters = exchanges.get(exchange);
        if (meters != null) {
            int p = priority.ordinal();
            meters.results[p].increment();
            meters.taskLatency[p].record(Math.max(0, latencyMillis), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A record of the tasks topic decoded as a task of {@code exchange} (valid or not: an invalid one ends at once
     * as {@link TaskEnd#REJECTED}); an exchange that is not configured counts as {@code unknown}.
     */
    public void onAccepted(String exchange, DataType dataType) {
        exchangeOrUnknown(exchange).accepted[dataType.ordinal()].increment();
    }

    /** A record of the retry topic was read back for another try. */
    public void onRetryRead(String exchange) {
        exchangeOrUnknown(exchange).retriesRead.increment();
    }

    /**
     * A task ended in {@code end}, its terminal record produced at {@code at} (epoch millis); {@code deadline} is the
     * task's, null when it has none.
     */
    public void onTerminal(String exchange, DataType dataType, TaskEnd end, Instant deadline, long at) {
        int byDeadline = deadline == null ? 2 : at <= deadline.toEpochMilli() ? 0 : 1;
        exchangeOrUnknown(exchange).terminal[dataType.ordinal()][end.ordinal()][byDeadline].increment();
    }

    /** A retry was scheduled after a failure of {@code errorClass}. */
    public void onRetry(String exchange, ErrorClass errorClass) {
        ExchangeMeters meters = exchanges.get(exchange);
        if (meters != null && errorClass != null) {
            meters.retries[errorClass.ordinal()].increment();
        }
    }

    /** A dead letter was produced; {@code exchange} is null for records that name no known exchange. */
    public void onDeadLetter(String exchange, DeadLetterReason reason) {
        exchangeOrUnknown(exchange).deadLetters[reason.ordinal()].increment();
    }

    private ExchangeMeters exchangeOrUnknown(String exchange) {
        ExchangeMeters meters = exchange == null ? null : exchanges.get(exchange);
        return meters != null ? meters : exchanges.get(UNKNOWN);
    }

    /**
     * A task arrived under an id this partition already holds: the same task again ({@code sameTask}, dropped) or
     * another task reusing the id (dead-lettered).
     */
    public void onDuplicateTask(String exchange, boolean sameTask) {
        rareCounter(DUPLICATE_TASKS, Tags.of(TAG_EXCHANGE, exchange, "kind", sameTask ? "same_task" : "id_taken"))
                .increment();
    }

    /** The handling of one task failed in {@code step}; the task was dead-lettered, the others went on. */
    public void onProcessingFailure(String step) {
        rareCounter(PROCESSING_FAILURES, Tags.of("step", step)).increment();
    }

    /** Counts what the decision engine reports and moves the gauges it concerns at once. */
    public void onEvent(ReliabilityEvent event) {
        if (event instanceof ReliabilityEvent.BreakerTransitioned t) {
            rareCounter(BREAKER_TRANSITIONS, Tags.of(TAG_EXCHANGE, t.exchange(), TAG_ENDPOINT, t.endpoint(),
                    TAG_FROM, t.from().name(), TAG_TO, t.to().name())).increment();
            EndpointMeters meters = endpoints.get(t.exchange() + "/" + t.endpoint());
            if (meters != null) {
                meters.state.value = t.to().ordinal();
                meters.onBreakerTransition(t.to(), t.at());
            }
        } else if (event instanceof ReliabilityEvent.EndpointEjected e) {
            rareCounter(ENDPOINT_EJECTIONS, Tags.of(TAG_EXCHANGE, e.exchange(), TAG_ENDPOINT, e.endpoint(),
                    TAG_REASON, e.reason().name())).increment();
            EndpointMeters meters = endpoints.get(e.exchange() + "/" + e.endpoint());
            if (meters != null) {
                meters.ejected.value = 1;
                meters.ejectedSince = meters.ejectedSince < 0 ? e.at() : meters.ejectedSince;
            }
        } else if (event instanceof ReliabilityEvent.EndpointRestored r) {
            EndpointMeters meters = endpoints.get(r.exchange() + "/" + r.endpoint());
            if (meters != null) {
                meters.ejected.value = 0;
                meters.ejectedSince = recordSince(meters.endpointRecovery, meters.ejectedSince, r.at());
            }
        } else if (event instanceof ReliabilityEvent.BanStarted b) {
            DomainMeters meters = metersOfGroup(b.domain());
            if (meters != null) {
                meters.bans.increment();
                meters.bannedUntil.value = b.until() / 1000.0;
                meters.bannedSince = meters.bannedSince < 0 ? b.at() : meters.bannedSince;
            }
        } else if (event instanceof ReliabilityEvent.BanEnded b) {
            DomainMeters meters = metersOfGroup(b.domain());
            if (meters != null) {
                meters.bannedUntil.value = 0;
                meters.bannedSince = recordSince(meters.banDuration, meters.bannedSince, b.at());
            }
        } else if (event instanceof ReliabilityEvent.RateCut cut) {
            DomainMeters meters = metersOfGroup(cut.domain());
            if (meters != null) {
                meters.rateCuts.increment();
                meters.rateFactor.value = cut.rateFactor();
            }
        } else if (event instanceof ReliabilityEvent.TaskShed shed) {
            DomainMeters meters = metersOfGroup(shed.domain());
            if (meters != null) {
                meters.sheds[shed.reason().ordinal()].increment();
            }
        } else if (event instanceof ReliabilityEvent.ClockSkewed skewed) {
            rareCounter(CLOCK_SKEW_EVENTS, Tags.of(TAG_EXCHANGE, skewed.exchange(), "component",
                    skewed.component().name())).increment();
        } else if (event instanceof ReliabilityEvent.StateDiscarded discarded) {
            rareCounter(STATE_DISCARDED, Tags.of(TAG_EXCHANGE, discarded.exchange(), "component",
                    discarded.component().name())).increment();
        }
    }

    /**
     * The meters of {@code domain}'s group on its route ({@link DomainId#groupDomain()}): a per-instrument domain's
     * events count in its group's meters, so that the meters do not grow with the instruments. Null for a domain of
     * no served group.
     */
    private DomainMeters metersOfGroup(String domain) {
        return domains.get(new DomainId(domain).groupDomain().name());
    }

    // ---- gauges, published by the processor that owns the domain

    /** Tasks of {@code domain} waiting at {@code priority}. */
    public void publishQueueDepth(String domain, Priority priority, int depth) {
        DomainMeters meters = domains.get(domain);
        if (meters != null) {
            meters.queueDepth[priority.ordinal()].value = depth;
        }
    }

    /**
     * Tasks of {@code domain} in the held store ({@code held}: scheduled retries, bans, no endpoint) and in the
     * in-flight ledger ({@code dispatched}: started calls not answered yet).
     */
    public void publishHeldAndDispatched(String domain, int held, int dispatched) {
        DomainMeters meters = domains.get(domain);
        if (meters != null) {
            meters.held.value = held;
            meters.dispatched.value = dispatched;
        }
    }

    /** Calls to {@code endpointId} started and not answered yet. */
    public void publishInFlight(String endpointId, int inFlight) {
        EndpointMeters meters = endpoints.get(endpointId);
        if (meters != null) {
            meters.inFlight.value = inFlight;
        }
    }

    /** The breaker, balancer and limiter state decoded from the engine store (see {@link LocalState}). */
    public void publishState(List<BreakerView> breakers, List<EndpointView> endpointViews, List<DomainView> domainViews) {
        for (BreakerView b : breakers) {
            EndpointMeters meters = endpoints.get(b.exchange() + "/" + b.endpoint());
            if (meters != null) {
                meters.state.value = io.marketprism.reliability.breaker.BreakerState.valueOf(b.state()).ordinal();
                meters.failureRate.value = b.failureRate();
                meters.slowCallRate.value = b.slowCallRate();
            }
        }
        for (EndpointView e : endpointViews) {
            EndpointMeters meters = endpoints.get(e.exchange() + "/" + e.endpoint());
            if (meters != null) {
                meters.health.value = e.health();
                meters.latencyEwma.value = e.latencyEwmaMillis() < 0 ? Double.NaN : e.latencyEwmaMillis() / 1000.0;
                meters.ejected.value = e.ejected() ? 1 : 0;
            }
        }
        for (DomainView d : domainViews) {
            DomainMeters meters = domains.get(d.domain());
            if (meters != null) {
                meters.tokens.value = d.tokens();
                meters.rateFactor.value = d.rateFactor();
                meters.bannedUntil.value = d.bannedUntil() / 1000.0;
                meters.retryBudget.value = d.retryBudgetAvailable() < 0 ? Double.NaN : d.retryBudgetAvailable();
                d.windowUsage().forEach((window, usage) -> {
                    GaugeValue value = meters.windowUsage.get(window);
                    if (value != null) {
                        value.value = usage;
                    }
                });
            }
        }
    }

    /**
     * The processor owning these domains closed: their gauges, and those of their host sets' endpoints, read NaN
     * until another one publishes.
     */
    public void forget(Collection<String> domainNames) {
        for (String domain : domainNames) {
            DomainMeters meters = domains.get(domain);
            if (meters == null) {
                continue;
            }
            meters.clear();
            endpoints.forEach((id, e) -> {
                if (e.exchange.equals(meters.hostSet)) {
                    e.clear();
                }
            });
        }
    }

    /** Records the time from {@code since} to {@code at} if {@code since} is known; returns the cleared start. */
    private static long recordSince(Timer timer, long since, long at) {
        if (since >= 0) {
            timer.record(Math.max(0, at - since), TimeUnit.MILLISECONDS);
        }
        return -1;
    }

    private Timer recoveryTimer(String name, Tags tags) {
        return Timer.builder(name).description(describe(name)).tags(tags).serviceLevelObjectives(RECOVERY_BUCKETS)
                .register(registry);
    }

    private Counter rareCounter(String name, Tags tags) {
        return rareCounters.computeIfAbsent(name + tags, k -> Counter.builder(name).description(describe(name)).tags(tags).register(registry));
    }

    private GaugeValue gauge(String name, Tags tags) {
        GaugeValue value = new GaugeValue();
        Gauge.builder(name, value, v -> v.value).description(describe(name)).tags(tags).strongReference(true).register(registry);
        return value;
    }

    /** A gauge's current value, written by one stream thread and read by the scrape thread. */
    private static final class GaugeValue {
        volatile double value = Double.NaN;
    }

    private final class EndpointMeters {
        final String exchange;
        final Counter picks;
        /** Index 0 counts successes, index 1 + ordinal failures of each {@link ErrorClass}. */
        final Counter[] calls = new Counter[ERROR_CLASSES.length + 1];
        final Timer latency;
        final Counter probesOk;
        final Counter probesFailed;
        final GaugeValue state;
        final GaugeValue failureRate;
        final GaugeValue slowCallRate;
        final GaugeValue inFlight;
        final GaugeValue latencyEwma;
        final GaugeValue health;
        final GaugeValue ejected;
        final Timer breakerRecovery;
        final Timer endpointRecovery;
        /** When the breaker opened from closed, or the endpoint was first ejected; -1 when it is not. */
        volatile long openedSince = -1;
        volatile long ejectedSince = -1;

        EndpointMeters(String exchange, String endpoint) {
            this.exchange = exchange;
            Tags tags = Tags.of(TAG_EXCHANGE, exchange, TAG_ENDPOINT, endpoint);
            picks = Counter.builder(BALANCER_PICKS).description(describe(BALANCER_PICKS)).tags(tags).register(registry);
            calls[0] = Counter.builder(CALLS).description(describe(CALLS)).tags(tags).tags(TAG_OUTCOME, "success", TAG_ERROR_CLASS, NONE)
                    .register(registry);
            for (ErrorClass errorClass : ERROR_CLASSES) {
                calls[errorClass.ordinal() + 1] = Counter.builder(CALLS).description(describe(CALLS)).tags(tags)
                        .tags(TAG_OUTCOME, errorClass == ErrorClass.TIMEOUT ? "timeout" : "failure",
                                TAG_ERROR_CLASS, errorClass.name())
                        .register(registry);
            }
            latency = Timer.builder(CALL_LATENCY).description(describe(CALL_LATENCY)).tags(tags).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry);
            probesOk = Counter.builder(PROBES).description(describe(PROBES)).tags(tags).tags(TAG_RESULT, OK)
                    .register(registry);
            probesFailed = Counter.builder(PROBES).description(describe(PROBES)).tags(tags).tags(TAG_RESULT, FAILED)
                    .register(registry);
            state = gauge(BREAKER_STATE, tags);
            failureRate = gauge(BREAKER_FAILURE_RATE, tags);
            slowCallRate = gauge(BREAKER_SLOW_CALL_RATE, tags);
            inFlight = gauge(ENDPOINT_IN_FLIGHT, tags);
            latencyEwma = gauge(ENDPOINT_LATENCY_EWMA, tags);
            health = gauge(ENDPOINT_HEALTH, tags);
            ejected = gauge(ENDPOINT_EJECTED, tags);
            breakerRecovery = recoveryTimer(BREAKER_RECOVERY, tags);
            endpointRecovery = recoveryTimer(ENDPOINT_RECOVERY, tags);
        }

        /**
         * An outage starts when the breaker opens by itself and ends when it closes; an operator forcing it open or
         * disabling it takes the outage out of the measure.
         */
        void onBreakerTransition(BreakerState to, long at) {
            if (to == BreakerState.OPEN && openedSince < 0) {
                openedSince = at;
            } else if (to == BreakerState.CLOSED) {
                openedSince = recordSince(breakerRecovery, openedSince, at);
            } else if (to == BreakerState.FORCED_OPEN || to == BreakerState.DISABLED) {
                openedSince = -1;
            }
        }

        void clear() {
            for (GaugeValue v : List.of(state, failureRate, slowCallRate, inFlight, latencyEwma, health, ejected)) {
                v.value = Double.NaN;
            }
            openedSince = -1;
            ejectedSince = -1;
        }
    }

    private final class DomainMeters {
        /** The host set (engine exchange) whose calls the domain budgets. */
        final String hostSet;
        final GaugeValue tokens;
        final GaugeValue rateFactor;
        final GaugeValue bannedUntil;
        final GaugeValue retryBudget;
        final Map<String, GaugeValue> windowUsage = new HashMap<>();
        final GaugeValue[] queueDepth = new GaugeValue[PRIORITIES.length];
        final Timer[] queueWait = new Timer[PRIORITIES.length];
        final Counter[] sheds = new Counter[ShedReason.values().length];
        final Counter bans;
        final Counter rateCuts;
        final GaugeValue held;
        final GaugeValue dispatched;
        final Timer banDuration;
        /** When the current ban started; -1 when the domain is not banned. */
        volatile long bannedSince = -1;

        DomainMeters(String hostSet, String domain, List<WindowLimit> windows, int queueCapacity) {
            this.hostSet = hostSet;
            Tags tags = Tags.of(TAG_EXCHANGE, hostSet, TAG_DOMAIN, domain);
            tokens = gauge(LIMITER_TOKENS, tags);
            rateFactor = gauge(LIMITER_RATE_FACTOR, tags);
            bannedUntil = gauge(BANNED_UNTIL, tags);
            retryBudget = gauge(RETRY_BUDGET_AVAILABLE, tags);
            for (WindowLimit window : windows) {
                String name = LocalState.windowName(window);
                windowUsage.put(name, gauge(LIMITER_WINDOW_USAGE, tags.and(TAG_WINDOW, name)));
            }
            for (Priority priority : PRIORITIES) {
                Tags byPriority = tags.and(TAG_PRIORITY, priority.name());
                queueDepth[priority.ordinal()] = gauge(QUEUE_DEPTH, byPriority);
                queueWait[priority.ordinal()] = Timer.builder(QUEUE_WAIT).description(describe(QUEUE_WAIT)).tags(byPriority)
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
            }
            for (ShedReason reason : ShedReason.values()) {
                sheds[reason.ordinal()] = Counter.builder(SHEDS).description(describe(SHEDS)).tags(tags).tags(TAG_REASON, reason.name())
                        .register(registry);
            }
            bans = Counter.builder(BANS).description(describe(BANS)).tags(tags).register(registry);
            rateCuts = Counter.builder(LIMITER_RATE_CUTS).description(describe(LIMITER_RATE_CUTS)).tags(tags).register(registry);
            held = gauge(TASKS_HELD, tags);
            dispatched = gauge(TASKS_DISPATCHED, tags);
            gauge(QUEUE_CAPACITY, tags).value = queueCapacity;
            banDuration = recoveryTimer(BAN_DURATION, tags);
        }

        void clear() {
            for (GaugeValue v : List.of(tokens, rateFactor, bannedUntil, retryBudget, held, dispatched)) {
                v.value = Double.NaN;
            }
            bannedSince = -1;
            windowUsage.values().forEach(v -> v.value = Double.NaN);
            for (GaugeValue v : queueDepth) {
                v.value = Double.NaN;
            }
        }
    }

    private final class ExchangeMeters {
        final Counter[] results = new Counter[PRIORITIES.length];
        final Timer[] taskLatency = new Timer[PRIORITIES.length];
        final Counter[] retries = new Counter[ERROR_CLASSES.length];
        final Counter[] deadLetters = new Counter[DEAD_LETTER_REASONS.length];
        final Counter[] accepted = new Counter[DATA_TYPES.length];
        /** By data type, {@link TaskEnd} and deadline (met, missed, none). */
        final Counter[][][] terminal = new Counter[DATA_TYPES.length][TASK_ENDS.length][DEADLINES.length];
        final Counter retriesRead;

        ExchangeMeters(String exchange, String retryStrategy) {
            Tags tags = Tags.of(TAG_EXCHANGE, exchange);
            for (DeadLetterReason reason : DEAD_LETTER_REASONS) {
                deadLetters[reason.ordinal()] = Counter.builder(DEAD_LETTERS).description(describe(DEAD_LETTERS)).tags(tags)
                        .tags(TAG_REASON, reason.name()).register(registry);
            }
            for (DataType dataType : DATA_TYPES) {
                Tags byType = tags.and(TAG_DATA_TYPE, dataType.name());
                accepted[dataType.ordinal()] = Counter.builder(TASKS_ACCEPTED).description(describe(TASKS_ACCEPTED))
                        .tags(byType).register(registry);
                for (TaskEnd end : TASK_ENDS) {
                    for (int d = 0; d < DEADLINES.length; d++) {
                        terminal[dataType.ordinal()][end.ordinal()][d] = Counter.builder(TASKS_TERMINAL)
                                .description(describe(TASKS_TERMINAL)).tags(byType)
                                .tags(TAG_OUTCOME, end.tag(), TAG_DEADLINE, DEADLINES[d]).register(registry);
                    }
                }
            }
            retriesRead = Counter.builder(RETRIES_READ).description(describe(RETRIES_READ)).tags(tags).register(registry);
            if (exchange.equals(UNKNOWN)) {
                return;
            }
            for (Priority priority : PRIORITIES) {
                Tags byPriority = tags.and(TAG_PRIORITY, priority.name());
                results[priority.ordinal()] = Counter.builder(RESULTS).description(describe(RESULTS)).tags(byPriority).register(registry);
                taskLatency[priority.ordinal()] = Timer.builder(TASK_LATENCY).description(describe(TASK_LATENCY)).tags(byPriority)
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
            }
            for (ErrorClass errorClass : ERROR_CLASSES) {
                retries[errorClass.ordinal()] = Counter.builder(RETRIES).description(describe(RETRIES)).tags(tags)
                        .tags(TAG_STRATEGY, retryStrategy, TAG_ERROR_CLASS, errorClass.name()).register(registry);
            }
        }
    }
}
