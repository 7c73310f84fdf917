package io.marketprism.topology.processor;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.engine.AfterCall;
import io.marketprism.reliability.engine.CallReport;
import io.marketprism.reliability.engine.Decision;
import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.reliability.engine.ProbeRequest;
import io.marketprism.reliability.engine.ReliabilityEvent;
import io.marketprism.reliability.engine.TaskView;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.ErrorClass;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.topology.admin.AdminCommand;
import io.marketprism.topology.admin.AdminCommandApplier;
import io.marketprism.topology.admin.AdminMailbox;
import io.marketprism.topology.admin.LocalState;
import io.marketprism.topology.config.Endpoint;
import io.marketprism.topology.exec.CallResult;
import io.marketprism.topology.exec.ExchangeApi;
import io.marketprism.topology.exec.TaskExecutor;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.state.EngineStateStorage;
import io.marketprism.topology.state.InFlightLedger;
import io.marketprism.topology.state.RetryTimers;
import io.marketprism.topology.state.StoreWaitQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides and executes the tasks of the rate-limit domains of one partition: admission (deadline, held retries, bans,
 * the priority limiter and its durable queue), routing (load balancer over endpoints whose breaker allows),
 * execution (asynchronous call, in-flight ledger) and outcome (result, retry or dead letter).
 *
 * <p>These steps share one consistent state per domain: the limiter learns from every response, breakers gate every
 * routing decision. They therefore run in one processor that owns the {@link DecisionEngine} for its partition; each
 * step's state lives in its own changelogged store and each step is a method below. The stream thread never waits:
 * calls run on the executor's threads and finished calls are handed back by a wall-clock punctuator, which also
 * releases held tasks and drains the queues.
 *
 * <p>Health checks: at every tick the punctuator starts the probes the engine says are due (ejected endpoints whose
 * ejection time is over) and records the finished ones with the engine, which restores an endpoint after a
 * successful probe and ejects it again for longer after a failed one. Probes are not tasks: they have no ledger
 * entry, no output record and no place under the per-endpoint bound on calls in flight.
 *
 * <p>Exactly once: a task enters the ledger (or the queue, or the held store) in the transaction that consumes it;
 * its outcome is produced in the transaction that deletes it. After a restore every ledger entry is called again.
 * The engine saves its changed components into the engine store once at the end of every invocation (a record or a
 * tick), so a tick that hands back many finished calls writes each breaker, balancer and limiter once, and every
 * commit, which Streams makes only between invocations, covers the engine state of the records it covers.
 *
 * <p>Operations: the processor feeds {@link ReliabilityMetrics} (dispatches, finished calls, queue waits, engine
 * events) and publishes the gauges of the domains it owns, queue depths and calls in flight at every tick and the
 * engine's saved state every {@link #STATE_PUBLISH_INTERVAL_MS}. At every tick it also applies the admin commands
 * queued for its partition through the engine ({@code DecisionEngine.apply}).
 */
public final class ReliabilityProcessor implements Processor<String, byte[], String, Outcome> {

    /** Waiting tasks per domain, by priority then arrival. */
    public static final String QUEUE_STORE = "waiting-tasks";
    /** Tasks held until a time (scheduled retries, bans, no endpoint available), by due time. */
    public static final String HELD_STORE = "held-tasks";
    /** Dispatched tasks whose outcome is not produced yet. */
    public static final String LEDGER_STORE = "in-flight-ledger";
    /** Limiter, breaker, balancer and retry-budget state. */
    public static final String ENGINE_STORE = "reliability-state";

    private static final AvroCodec<CollectorTask> TASKS = AvroCodec.tasks();
    private static final int MAX_RELEASED_PER_TICK = 5_000;
    /** How often the engine state behind the breaker, balancer and limiter gauges is decoded and published. */
    static final long STATE_PUBLISH_INTERVAL_MS = 1_000;

    /** A finished call, from the processor's {@code generation} that started it. */
    private record Completion(int generation, String taskId, String endpointId, CallResult result) {
    }

    private record FinishedProbe(ProbeRequest probe, boolean ok) {
    }

    private final ReliabilityConfig reliability;
    private final TaskExecutor executor;
    private final Map<String, Endpoint> endpointsById = new HashMap<>();
    private final Map<String, List<Endpoint>> endpointsOfDomain;
    private final List<String> domains;
    private final int maxInFlightPerEndpoint;
    private final Duration tick;
    private final ReliabilityMetrics metrics;
    private final AdminMailbox mailbox;

    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Queue<FinishedProbe> finishedProbes = new ConcurrentLinkedQueue<>();
    /**
     * Endpoint ids with a probe running. An engine replaced after admin commands hands out those probes again; their
     * outcome is on its way, so no second one is started.
     */
    private final Set<String> probesRunning = new HashSet<>();
    /** Dispatched tasks whose call has not started, per endpoint id, oldest first. */
    private final Map<String, ArrayDeque<InFlightLedger.Entry>> waitingToStart = new LinkedHashMap<>();
    private int waitingToStartCount;
    /** Tasks whose call is running, by task id: their outcome is produced from here, without reading the ledger. */
    private final Map<String, InFlightLedger.Entry> started = new HashMap<>();
    private final Map<String, Integer> inFlightByEndpoint = new HashMap<>();
    private final Map<String, StoreWaitQueue> queues = new HashMap<>();
    private final List<ReliabilityEvent> events = new ArrayList<>();
    /** Domains whose partition this is: they had a task or saved state here. Only their gauges are published. */
    private final Set<String> ownedDomains = new LinkedHashSet<>();
    /** When each queued task entered its queue, for the queue wait time; unknown after a restore. */
    private final Map<String, Long> queuedAt = new HashMap<>();

    private ProcessorContext<String, Outcome> context;
    private DecisionEngine engine;
    private InFlightLedger ledger;
    private RetryTimers held;
    private KeyValueStore<Bytes, byte[]> queueStore;
    private KeyValueStore<String, byte[]> engineStore;
    private int partition;
    private long lastStatePublish = Long.MIN_VALUE;
    /** Counts inits: a call started before the latest one finishes into a ledger that no longer expects it. */
    private int generation;
    private volatile boolean closed;

    public ReliabilityProcessor(ReliabilityConfig reliability, TaskExecutor executor,
                                Map<String, List<Endpoint>> endpointsByExchange, int maxInFlightPerEndpoint,
                                Duration tick, ReliabilityMetrics metrics, AdminMailbox mailbox) {
        this.reliability = reliability;
        this.metrics = metrics;
        this.mailbox = mailbox;
        this.executor = executor;
        endpointsByExchange.values().forEach(list -> list.forEach(e -> endpointsById.put(e.id(), e)));
        this.endpointsOfDomain = Map.copyOf(endpointsByExchange);
        this.domains = List.copyOf(endpointsByExchange.keySet());
        this.maxInFlightPerEndpoint = maxInFlightPerEndpoint;
        this.tick = tick;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.closed = false;
        generation++;
        completions.clear();
        finishedProbes.clear();
        probesRunning.clear();
        waitingToStart.clear();
        waitingToStartCount = 0;
        started.clear();
        inFlightByEndpoint.clear();
        queues.clear();
        events.clear();
        ownedDomains.clear();
        queuedAt.clear();
        this.partition = context.taskId().partition();
        this.lastStatePublish = Long.MIN_VALUE;
        this.ledger = new InFlightLedger(context.getStateStore(LEDGER_STORE));
        this.held = new RetryTimers(context.getStateStore(HELD_STORE));
        this.queueStore = context.getStateStore(QUEUE_STORE);
        this.engineStore = context.getStateStore(ENGINE_STORE);
        this.engine = newEngine();
        // Stores are restored before init: every ledger entry was dispatched but its outcome never produced.
        ledger.forEach((taskId, entry) -> waitToStart(entry));
        for (String domain : domains) {
            if (queue(domain).totalDepth() > 0
                    || engineStore.get(StateKey.limiter(new DomainId(domain)).asString()) != null) {
                ownedDomains.add(domain);
            }
        }
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    private DecisionEngine newEngine() {
        return new DecisionEngine(reliability, new EngineStateStorage(engineStore), events::add);
    }

    /**
     * Admits one task from the repartition topic. The value is the task's single-object encoding; the processor
     * decodes it here, rather than in a deserializer, so that the very bytes can go into the ledger unchanged. A value
     * that does not decode throws before the engine is touched, and the processing exception handler dead-letters it.
     */
    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        CollectorTask task = TASKS.decode(record.value());
        try {
            admit(task, record.value(), now);
            startCalls(now);
        } finally {
            engine.saveChanges();
        }
        publishEvents(now);
    }

    private void onTick(long now) {
        try {
            applyAdminCommands(now);
            handBackFinishedCalls(now);
            recordFinishedProbes(now);
            startDueProbes(now);
            for (CollectorTask task : held.takeDue(now, MAX_RELEASED_PER_TICK)) {
                admit(task, null, now);
            }
            drainQueues(now);
            startCalls(now);
        } finally {
            engine.saveChanges();
        }
        publishEvents(now);
        publishGauges(now);
    }

    // ---- admission and routing

    /** @param encodedTask the task's encoding as received, stored as is if it is dispatched; null to encode it */
    private void admit(CollectorTask task, byte[] encodedTask, long now) {
        String domain = Routing.domainOf(task);
        ownedDomains.add(domain);
        StoreWaitQueue queue = queue(domain);
        queue.stage(task);
        Decision decision = engine.decide(TaskViews.of(task), queue, now);
        queue.stage(null);
        if (decision instanceof Decision.Dispatch dispatch) {
            dispatch(task, encodedTask, dispatch.endpoint());
        } else if (decision instanceof Decision.Queued queued) {
            queuedAt.put(task.getTaskId(), now);
            queued.displaced().ifPresent(queuedAt::remove);
            queued.displaced().ifPresent(id -> emit(deadLetter(queue.takeRemoved(id), DeadLetterReason.SHED,
                    "displaced from a full queue by a higher-priority task", null, now), now));
        } else if (decision instanceof Decision.Hold hold) {
            held.hold(task, hold.until());
        } else if (decision instanceof Decision.Shed shed) {
            emit(deadLetter(task, DeadLetterReason.SHED, "shed by the rate limiter: " + shed.reason(), null, now), now);
        } else if (decision instanceof Decision.DeadLetter dead) {
            emit(deadLetter(task, DeadLetterReason.valueOf(dead.reason().name()), dead.detail(), null, now), now);
        }
    }

    private void drainQueues(long now) {
        for (Map.Entry<String, StoreWaitQueue> entry : queues.entrySet()) {
            StoreWaitQueue queue = entry.getValue();
            if (queue.totalDepth() == 0) {
                continue;
            }
            for (Decision.Dispatch dispatch : engine.drain(entry.getKey(), queue, now)) {
                CollectorTask task = queue.takeRemoved(dispatch.taskId());
                Long since = queuedAt.remove(dispatch.taskId());
                if (since != null) {
                    metrics.onQueueWait(entry.getKey(), Priority.valueOf(task.getPriority().name()), now - since);
                }
                dispatch(task, null, dispatch.endpoint());
            }
        }
    }

    private StoreWaitQueue queue(String domain) {
        return queues.computeIfAbsent(domain, d -> new StoreWaitQueue(queueStore, d, TaskViews::avoidEndpoint));
    }

    // ---- execution

    /** @param encodedTask the task's encoding as received, written to the ledger as is; null to encode it */
    private void dispatch(CollectorTask task, byte[] encodedTask, String endpointName) {
        String endpointId = task.getExchange() + "/" + endpointName;
        metrics.onDispatched(endpointId);
        if (encodedTask == null) {
            ledger.put(endpointId, task);
        } else {
            ledger.put(endpointId, task, encodedTask);
        }
        waitToStart(new InFlightLedger.Entry(endpointId, task));
    }

    private void waitToStart(InFlightLedger.Entry entry) {
        waitingToStart.computeIfAbsent(entry.endpointId(), id -> new ArrayDeque<>()).add(entry);
        waitingToStartCount++;
    }

    /**
     * Starts the calls of dispatched tasks whose endpoint has a free slot, oldest first per endpoint. Calls of a
     * domain the exchange has banned since they were dispatched wait until the ban is over. Costs one look per
     * endpoint with waiting calls, however many wait.
     */
    private void startCalls(long now) {
        if (waitingToStartCount == 0) {
            return;
        }
        for (Map.Entry<String, ArrayDeque<InFlightLedger.Entry>> waiting : waitingToStart.entrySet()) {
            ArrayDeque<InFlightLedger.Entry> calls = waiting.getValue();
            if (calls.isEmpty() || engine.bannedUntil(Routing.domainOf(calls.peek().task())) > now) {
                continue;
            }
            String endpointId = waiting.getKey();
            int inFlight = inFlightByEndpoint.getOrDefault(endpointId, 0);
            while (inFlight < maxInFlightPerEndpoint && !calls.isEmpty()) {
                start(calls.poll(), now);
                waitingToStartCount--;
                inFlight++;
            }
            inFlightByEndpoint.put(endpointId, inFlight);
        }
    }

    private void start(InFlightLedger.Entry entry, long now) {
        String taskId = entry.task().getTaskId();
        String endpointId = entry.endpointId();
        started.put(taskId, entry);
        Endpoint endpoint = endpointsById.get(endpointId);
        int startedIn = generation;
        if (endpoint == null) {
            completions.add(new Completion(startedIn, taskId, endpointId, CallResult.failure(now, 0,
                    new IllegalStateException("endpoint " + endpointId + " is no longer configured"))));
            return;
        }
        executor.execute(entry.task(), endpoint).whenComplete((result, error) -> {
            if (!closed) {
                completions.add(new Completion(startedIn, taskId, endpointId,
                        error != null ? CallResult.failure(0, 0, error) : result));
            }
        });
    }

    // ---- health checks

    /** Starts a health check of every endpoint the engine says is due for one, unless one is running already. */
    private void startDueProbes(long now) {
        for (ProbeRequest probe : engine.probesDue(now)) {
            String endpointId = endpointId(probe);
            if (!probesRunning.add(endpointId)) {
                continue;
            }
            Endpoint endpoint = endpointsById.get(endpointId);
            if (endpoint == null) {
                finishedProbes.add(new FinishedProbe(probe, false));
                continue;
            }
            executor.probe(endpoint).whenComplete((result, error) -> {
                if (!closed) {
                    finishedProbes.add(new FinishedProbe(probe, error == null && ExchangeApi.isHealthy(result)));
                }
            });
        }
    }

    private void recordFinishedProbes(long now) {
        FinishedProbe done;
        while ((done = finishedProbes.poll()) != null) {
            String endpointId = endpointId(done.probe());
            probesRunning.remove(endpointId);
            metrics.onProbe(endpointId, done.ok());
            engine.recordProbe(done.probe().exchange(), done.probe().endpoint(), done.ok(), now);
        }
    }

    private static String endpointId(ProbeRequest probe) {
        return probe.exchange() + "/" + probe.endpoint();
    }

    // ---- outcome

    private void handBackFinishedCalls(long now) {
        Completion done;
        while ((done = completions.poll()) != null) {
            if (done.generation() != generation) {
                continue;
            }
            inFlightByEndpoint.merge(done.endpointId(), -1, Integer::sum);
            InFlightLedger.Entry entry = started.remove(done.taskId());
            if (entry == null) {
                continue;
            }
            ledger.remove(done.taskId());
            emit(outcomeOf(entry.task(), done, now), now);
        }
    }

    private Outcome outcomeOf(CollectorTask task, Completion done, long now) {
        CallResult call = done.result();
        TaskView view = TaskViews.of(task);
        String errorCode = call.hasResponse()
                ? ExchangeApi.errorCode(task.getExchange(), call.httpStatus(), call.body()) : null;
        boolean success = call.hasResponse() && errorCode == null;
        CallReport report = new CallReport(task.getTaskId(), task.getExchange(), view.domain(),
                TaskViews.endpointName(done.endpointId()), view.attempt(), view.deadline(), success,
                call.hasResponse() ? call.httpStatus() : null, call.exceptionClass(), errorCode,
                Math.max(0, call.latencyMillis()), call.retryAfterMillis() < 0 ? null : call.retryAfterMillis(),
                call.usedWeight() < 0 ? null : call.usedWeight());
        AfterCall after = engine.record(report, now);

        ErrorClass errorClass = null;
        Long delay = null;
        if (after instanceof AfterCall.RetryAt retry) {
            errorClass = ErrorClass.valueOf(retry.errorClass().name());
            delay = retry.delayMillis();
        } else if (after instanceof AfterCall.GiveUp giveUp) {
            errorClass = ErrorClass.valueOf(giveUp.errorClass().name());
        }
        metrics.onCallFinished(done.endpointId(), success ? null : errorClass != null ? errorClass : ErrorClass.UNKNOWN,
                call.latencyMillis());
        // All-args constructors, not builders: a builder validates every field against the schema and a result is
        // built per call. Every required field is set here, and the encoder rejects a null one anyway.
        Attempt attempt = new Attempt(view.attempt(), done.endpointId(), Instant.ofEpochMilli(call.startedAt()),
                call.latencyMillis(), success ? AttemptOutcome.SUCCESS
                        : errorClass == ErrorClass.TIMEOUT ? AttemptOutcome.TIMEOUT : AttemptOutcome.FAILURE,
                errorClass, call.hasResponse() ? call.httpStatus() : null,
                success ? null : failureMessage(call, errorCode), delay);
        List<Attempt> history = new ArrayList<>(task.getAttempts().size() + 1);
        history.addAll(task.getAttempts());
        history.add(attempt);
        task.setAttempts(history);
        task.setAttempt(view.attempt());

        if (after instanceof AfterCall.Completed) {
            return new Outcome.Succeeded(new TaskResult(task.getTaskId(), task.getExchange(), task.getMarket(),
                    task.getDataType(), task.getSymbol(), task.getPriority(), done.endpointId(), call.httpStatus(),
                    call.body(), task.getCreatedAt(), Instant.ofEpochMilli(now), history));
        }
        if (after instanceof AfterCall.RetryAt retry) {
            task.setNotBefore(Instant.ofEpochMilli(retry.dueAt()));
            return new Outcome.RetryLater(task);
        }
        AfterCall.GiveUp giveUp = (AfterCall.GiveUp) after;
        return deadLetter(task, DeadLetterReason.valueOf(giveUp.reason().name()), giveUp.detail(),
                attempt.getMessage(), now);
    }

    private static String failureMessage(CallResult call, String errorCode) {
        if (!call.hasResponse()) {
            return call.exceptionClass() + ": " + call.message();
        }
        String body = call.body().length() > 200 ? call.body().substring(0, 200) + "..." : call.body();
        return "HTTP " + call.httpStatus() + (errorCode == null ? "" : " code " + errorCode) + ": " + body;
    }

    private static Outcome deadLetter(CollectorTask task, DeadLetterReason reason, String detail, String lastError,
                                      long now) {
        return new Outcome.DeadLettered(DeadLetters.forTask(task, reason, detail, lastError, now));
    }

    private void emit(Outcome outcome, long now) {
        context.forward(Routing.toRecord(outcome, now));
    }

    private void publishEvents(long now) {
        if (events.isEmpty()) {
            return;
        }
        for (ReliabilityEvent event : events) {
            metrics.onEvent(event);
            emit(new Outcome.Audited(event), now);
        }
        events.clear();
    }

    // ---- operations

    /** Applies the admin commands queued for this partition through the engine, which saves them with its state. */
    private void applyAdminCommands(long now) {
        for (AdminCommand command = mailbox.poll(partition); command != null; command = mailbox.poll(partition)) {
            if (AdminCommandApplier.apply(command, engine, now)) {
                lastStatePublish = Long.MIN_VALUE;
            }
        }
    }

    private void publishGauges(long now) {
        for (String domain : ownedDomains) {
            StoreWaitQueue queue = queue(domain);
            for (Priority priority : Priority.values()) {
                metrics.publishQueueDepth(domain, priority, queue.depth(priority));
            }
            for (Endpoint endpoint : endpointsOfDomain.getOrDefault(domain, List.of())) {
                metrics.publishInFlight(endpoint.id(), inFlightByEndpoint.getOrDefault(endpoint.id(), 0));
            }
        }
        if (lastStatePublish != Long.MIN_VALUE && now - lastStatePublish < STATE_PUBLISH_INTERVAL_MS) {
            return;
        }
        lastStatePublish = now;
        metrics.publishState(LocalState.breakers(engineStore, ""), LocalState.endpoints(engineStore, ""),
                LocalState.domains(engineStore, reliability, "", now));
    }

    @Override
    public void close() {
        closed = true;
        metrics.forget(ownedDomains);
    }
}
