package io.marketprism.topology.metrics;

import static io.marketprism.topology.metrics.MetricNames.*;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.engine.ReliabilityEvent;
import io.marketprism.reliability.limiter.ShedReason;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.ErrorClass;
import io.marketprism.topology.admin.AdminViews.BreakerView;
import io.marketprism.topology.admin.AdminViews.DomainView;
import io.marketprism.topology.admin.AdminViews.EndpointView;
import io.marketprism.topology.admin.LocalState;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.config.ServiceConfig;
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

    private final MeterRegistry registry;
    private final Map<String, EndpointMeters> endpoints = new HashMap<>();
    private final Map<String, DomainMeters> domains = new HashMap<>();
    private final Map<String, ExchangeMeters> exchanges = new HashMap<>();
    private final Map<String, Counter> rareCounters = new ConcurrentHashMap<>();

    public ReliabilityMetrics(MeterRegistry registry, ServiceConfig config) {
        this.registry = registry;
        for (Map.Entry<String, List<Endpoint>> entry : config.endpointsByExchange().entrySet()) {
            String exchange = entry.getKey();
            ExchangeProfile profile = config.reliability().exchange(exchange);
            exchanges.put(exchange, new ExchangeMeters(exchange, profile.retry().strategy().name()));
            // Today every exchange is one limit domain (the task's exchange).
            domains.put(exchange, new DomainMeters(exchange, exchange, profile.limiter().windows()));
            for (Endpoint endpoint : entry.getValue()) {
                endpoints.put(endpoint.id(), new EndpointMeters(exchange, endpoint.name()));
            }
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
        DomainMeters meters = domains.get(domain);
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

    /** A retry was scheduled after a failure of {@code errorClass}. */
    public void onRetry(String exchange, ErrorClass errorClass) {
        ExchangeMeters meters = exchanges.get(exchange);
        if (meters != null && errorClass != null) {
            meters.retries[errorClass.ordinal()].increment();
        }
    }

    /** A dead letter was produced; {@code exchange} is null for records that name no known exchange. */
    public void onDeadLetter(String exchange, DeadLetterReason reason) {
        ExchangeMeters meters = exchange == null ? null : exchanges.get(exchange);
        (meters != null ? meters : exchanges.get(UNKNOWN)).deadLetters[reason.ordinal()].increment();
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
            }
        } else if (event instanceof ReliabilityEvent.EndpointEjected e) {
            rareCounter(ENDPOINT_EJECTIONS, Tags.of(TAG_EXCHANGE, e.exchange(), TAG_ENDPOINT, e.endpoint(),
                    TAG_REASON, e.reason().name())).increment();
            set(endpoints.get(e.exchange() + "/" + e.endpoint()), 1);
        } else if (event instanceof ReliabilityEvent.EndpointRestored r) {
            set(endpoints.get(r.exchange() + "/" + r.endpoint()), 0);
        } else if (event instanceof ReliabilityEvent.BanStarted b) {
            DomainMeters meters = domains.get(b.domain());
            if (meters != null) {
                meters.bans.increment();
                meters.bannedUntil.value = b.until() / 1000.0;
            }
        } else if (event instanceof ReliabilityEvent.BanEnded b) {
            DomainMeters meters = domains.get(b.domain());
            if (meters != null) {
                meters.bannedUntil.value = 0;
            }
        } else if (event instanceof ReliabilityEvent.RateCut cut) {
            DomainMeters meters = domains.get(cut.domain());
            if (meters != null) {
                meters.rateCuts.increment();
                meters.rateFactor.value = cut.rateFactor();
            }
        } else if (event instanceof ReliabilityEvent.TaskShed shed) {
            DomainMeters meters = domains.get(shed.domain());
            if (meters != null) {
                meters.sheds[shed.reason().ordinal()].increment();
            }
        }
    }

    // ---- gauges, published by the processor that owns the domain

    /** Tasks of {@code domain} waiting at {@code priority}. */
    public void publishQueueDepth(String domain, Priority priority, int depth) {
        DomainMeters meters = domains.get(domain);
        if (meters != null) {
            meters.queueDepth[priority.ordinal()].value = depth;
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

    /** The processor owning these domains closed: their gauges read NaN until another one publishes. */
    public void forget(Collection<String> domainNames) {
        for (String domain : domainNames) {
            DomainMeters meters = domains.get(domain);
            if (meters != null) {
                meters.clear();
            }
            endpoints.forEach((id, e) -> {
                if (e.exchange.equals(domain)) {
                    e.clear();
                }
            });
        }
    }

    private static void set(EndpointMeters meters, double ejected) {
        if (meters != null) {
            meters.ejected.value = ejected;
        }
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
        }

        void clear() {
            for (GaugeValue v : List.of(state, failureRate, slowCallRate, inFlight, latencyEwma, health, ejected)) {
                v.value = Double.NaN;
            }
        }
    }

    private final class DomainMeters {
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

        DomainMeters(String exchange, String domain, List<WindowLimit> windows) {
            Tags tags = Tags.of(TAG_EXCHANGE, exchange, TAG_DOMAIN, domain);
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
        }

        void clear() {
            for (GaugeValue v : List.of(tokens, rateFactor, bannedUntil, retryBudget)) {
                v.value = Double.NaN;
            }
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

        ExchangeMeters(String exchange, String retryStrategy) {
            Tags tags = Tags.of(TAG_EXCHANGE, exchange);
            for (DeadLetterReason reason : DEAD_LETTER_REASONS) {
                deadLetters[reason.ordinal()] = Counter.builder(DEAD_LETTERS).description(describe(DEAD_LETTERS)).tags(tags)
                        .tags(TAG_REASON, reason.name()).register(registry);
            }
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
