package io.marketprism.topology.processor;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.engine.Decision;
import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.reliability.engine.TaskView;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.topology.exchange.ExchangeRoutes;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.state.InFlightLedger;
import io.marketprism.topology.state.RetryTimers;
import io.marketprism.topology.state.StoreWaitQueue;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;

/**
 * Admission and routing: asks the engine about a task and carries out its decision in the stores. A dispatched task
 * enters the ledger and its call starts at once, since the engine dispatches only to an endpoint with a free call
 * slot; a queued one waits in its domain's durable queue; a held one waits in the held store; a refused one is
 * dead-lettered. Whenever a call is about to start, the task's deadline is checked: past it the task is a dead letter
 * EXPIRED and no call is made. Every dispatch is answered exactly once: by its call, or by a release when it is not
 * called (expired, or its task's handling failed).
 */
final class TaskAdmitter {

    /**
     * Waiting tasks of a removed exchange or domain taken out per drain, so that a long queue does not stall a tick.
     */
    static final int MAX_EVICTED_PER_DRAIN = 1_000;
    /**
     * Waiting tasks one drain of a domain takes from its queue, called or expired: a queue of expired tasks, whose
     * budget each hands back, would otherwise be emptied in one tick, and a tick that outlasts the transaction timeout
     * (10 s) has its transaction aborted and the stream task fenced, again and again. The rest waits for the next tick.
     */
    static final int MAX_TAKEN_PER_DRAIN = 1_000;

    private final DomainQueues queues;
    private final RetryTimers held;
    private final InFlightLedger ledger;
    private final CallDispatcher dispatcher;
    private final TaskIsolation isolation;
    private final OutcomeSink sink;
    private final ReliabilityMetrics metrics;
    private final long clockSkewToleranceMillis;
    private final ExchangeRoutes routes;
    private final TaskViews views;
    /**
     * Whether each limit group of the served definitions, by its domain on each configured route, is budgeted per
     * instrument ({@link ExchangeRoutes.Domain}).
     */
    private final Map<String, Boolean> perInstrumentByGroupDomain;
    /** The time a call is admitted and started at, which its budget counts it at. */
    private final InvocationClock clock;

    TaskAdmitter(DomainQueues queues, RetryTimers held, InFlightLedger ledger, CallDispatcher dispatcher,
                 TaskIsolation isolation, OutcomeSink sink, ReliabilityMetrics metrics, long clockSkewToleranceMillis,
                 ExchangeRoutes routes, InvocationClock clock) {
        this.routes = routes;
        this.clock = clock;
        this.views = new TaskViews(routes);
        this.perInstrumentByGroupDomain = routes.domains().stream().collect(Collectors.toUnmodifiableMap(
                ExchangeRoutes.Domain::name, domain -> domain.group().perInstrument()));
        this.clockSkewToleranceMillis = clockSkewToleranceMillis;
        this.queues = queues;
        this.held = held;
        this.ledger = ledger;
        this.dispatcher = dispatcher;
        this.isolation = isolation;
        this.sink = sink;
        this.metrics = metrics;
    }

    /**
     * Decides on a task and carries the decision out. A retry scheduled by an instance whose clock ran ahead is due
     * at now plus its backoff ({@link SkewedRetries}). The engine decides at the {@link InvocationClock clock's} time,
     * not the invocation's: a dispatched call starts then, and is counted in its budget at that time.
     *
     * @param encodedTask the task's encoding as received, stored as is if it is dispatched; null to encode it
     */
    void admit(DecisionEngine engine, CollectorTask task, byte[] encodedTask, long now) {
        ExchangeRoutes.Resolved resolved;
        try {
            resolved = routes.resolve(task);
        } catch (IllegalArgumentException unroutable) {
            sink.deadLetter(task, DeadLetterReason.INVALID, "no longer routable by the exchange definitions: "
                    + unroutable.getMessage(), null, now);
            return;
        }
        if (!engine.hasExchange(resolved.hostSet())) {
            exchangeRemoved(task, now);
            return;
        }
        SkewedRetries.correct(task, now, clockSkewToleranceMillis);
        StoreWaitQueue queue = queues.of(resolved.domain());
        queue.stage(task);
        Decision decision;
        long at = clock.millis();
        try {
            decision = engine.decide(TaskViews.of(task, resolved), queue, at);
        } finally {
            queue.stage(null);
        }
        if (decision instanceof Decision.Dispatch dispatch) {
            start(engine, task, encodedTask, dispatch.endpoint(), at);
        } else if (decision instanceof Decision.Queued queued) {
            queued.displaced().ifPresent(id -> sink.deadLetter(queue.takeRemoved(id).task(), DeadLetterReason.SHED,
                    "displaced from a full queue by a higher-priority task", null, now));
        } else if (decision instanceof Decision.Hold hold) {
            held.hold(task, hold.until());
        } else if (decision instanceof Decision.Shed shed) {
            sink.deadLetter(task, DeadLetterReason.SHED, "shed by the rate limiter: " + shed.reason(), null, now);
        } else if (decision instanceof Decision.DeadLetter dead) {
            sink.deadLetter(task, DeadLetterReason.valueOf(dead.reason().name()), dead.detail(), null, now);
        }
    }

    /**
     * Dispatches the waiting tasks of {@code domain} that can go now, each one handled on its own. The waiting tasks
     * of an exchange that is no longer configured are dead letters EXCHANGE_REMOVED, {@link #MAX_EVICTED_PER_DRAIN}
     * at a time. A task whose definition no longer routes it to {@code domain} (a deploy changed the definitions or
     * routes while it waited) is admitted afresh, which dead-letters it INVALID when it no longer resolves at all:
     * all of them at once when the domain itself is no longer budgeted, else each as it is dispatched, its dispatch
     * released and refunded. Each task is drawn at the {@link InvocationClock clock's} time, at which its call starts.
     * A per-instrument domain whose queue is then empty is forgotten once it is idle
     * ({@link DecisionEngine#forgetIfIdle}), and its queue closed.
     */
    void drain(DecisionEngine engine, String domain, long now) {
        StoreWaitQueue queue = queues.of(domain);
        drain(engine, domain, queue, now);
        if (queue.totalDepth() == 0 && engine.forgetIfIdle(domain, clock.millis())) {
            queues.close(domain);
        }
    }

    private void drain(DecisionEngine engine, String domain, StoreWaitQueue queue, long now) {
        String exchange = queue.totalDepth() == 0 ? null : engine.exchangeOfDomain(domain);
        if (exchange != null && !engine.hasExchange(exchange)) {
            evictStranded(queue, task -> exchangeRemoved(task, now));
            return;
        }
        if (exchange != null && !budgeted(domain)) {
            evictStranded(queue, task -> isolation.run(task, "readmit", now,
                    () -> admit(engine, task, null, now)));
            return;
        }
        for (int drawn = 0; drawn < MAX_TAKEN_PER_DRAIN && queue.totalDepth() > 0; drawn++) {
            long at = clock.millis();
            Decision.Dispatch dispatch;
            try {
                dispatch = engine.drainNext(domain, queue, at);
            } catch (RuntimeException failure) {
                TaskOwnership.rethrowIfLost(failure);
                for (StoreWaitQueue.Taken left : queue.takeAllRemoved()) {
                    isolation.giveUp(left.task(), "drain", failure, at);
                }
                return;
            }
            if (dispatch == null) {
                return;
            }
            StoreWaitQueue.Taken taken = queue.takeRemoved(dispatch.taskId());
            CollectorTask task = taken.task();
            metrics.onQueueWait(domain, Priority.valueOf(task.getPriority().name()), at - taken.enqueuedAt());
            isolation.run(task, "drain", at, () -> {
                if (domain.equals(routes.domainOf(task))) {
                    start(engine, task, null, dispatch.endpoint(), at);
                } else {
                    engine.release(exchange, dispatch.endpoint(), at);
                    engine.refund(TaskViews.asCharged(task, exchange, domain, taken.weight()), at);
                    admit(engine, task, null, at);
                }
            });
        }
    }

    /**
     * Whether the served definitions budget {@code domain}: a domain of a group on a configured route, per instrument
     * when the group is limited per instrument, else the group's domain itself. A queue of another domain holds tasks
     * that a deploy moved: of a removed group or route, or of a group whose scope changed (the group's domain of a
     * group now per instrument, or an instrument's of one no longer).
     */
    private boolean budgeted(String domain) {
        DomainId id = new DomainId(domain);
        Boolean perInstrument = perInstrumentByGroupDomain.get(id.groupDomain().name());
        return perInstrument != null && perInstrument == (id.instrument() != null);
    }

    /** Takes up to {@link #MAX_EVICTED_PER_DRAIN} waiting tasks out of {@code queue}, each handed to {@code then}. */
    private static void evictStranded(StoreWaitQueue queue, Consumer<CollectorTask> then) {
        int evicted = 0;
        for (Priority priority : Priority.values()) {
            while (queue.depth(priority) > 0 && evicted++ < MAX_EVICTED_PER_DRAIN) {
                then.accept(queue.takeRemoved(queue.removeHead(priority).taskId()).task());
            }
        }
    }

    /**
     * Carries on with the ledger entries restored after a crash or a rebalance, each on its own: its call is made
     * again, to the recorded endpoint; when that endpoint is no longer configured the task is admitted afresh
     * (another endpoint of the exchange), when its exchange is no longer configured it is a dead letter
     * EXCHANGE_REMOVED; a damaged entry is a dead letter with its bytes.
     */
    void resume(DecisionEngine engine, List<KeyValue<String, byte[]>> restored, TaskDecoder decoder, long now) {
        for (KeyValue<String, byte[]> stored : restored) {
            InFlightLedger.Entry entry;
            try {
                entry = InFlightLedger.decode(stored.value);
            } catch (RuntimeException damaged) {
                ledger.remove(stored.key);
                decoder.rejectStored(ProcessorSettings.LEDGER_STORE, stored.key, stored.value, damaged, now);
                continue;
            }
            isolation.run(entry.task(), "restore", now, () -> resume(engine, stored.key, entry, now));
        }
    }

    private void resume(DecisionEngine engine, String taskId, InFlightLedger.Entry entry, long now) {
        CollectorTask task = entry.task();
        String endpoint = TaskViews.endpointName(entry.endpointId());
        String hostSet = TaskViews.exchangeName(entry.endpointId());
        if (!engine.hasExchange(hostSet)) {
            ledger.remove(taskId);
            exchangeRemoved(task, now);
        } else if (!engine.hasEndpoint(hostSet, endpoint) || !hostSet.equals(routes.hostSetOf(task))) {
            ledger.remove(taskId);
            admit(engine, task, null, now);
        } else if (expired(task, now)) {
            ledger.remove(taskId);
            engine.release(hostSet, endpoint, now);
            deadLetterExpired(task, now);
        } else {
            CallDispatcher.Call call = dispatcher.carryOn(entry.endpointId(), task, now);
            isolation.onUndo(() -> dispatcher.forget(call));
        }
    }

    /**
     * Starts the call of a task the engine just dispatched, unless its deadline passed: then the dispatch is answered
     * by a release and a refund, so that the tasks waiting behind it get the budget it took.
     */
    private void start(DecisionEngine engine, CollectorTask task, byte[] encodedTask, String endpoint, long now) {
        isolation.onUndo(() -> withdraw(engine, task, endpoint, now));
        if (expired(task, now)) {
            withdraw(engine, task, endpoint, now);
            deadLetterExpired(task, now);
            return;
        }
        String endpointId = routes.hostSetOf(task) + "/" + endpoint;
        metrics.onDispatched(endpointId);
        if (encodedTask == null) {
            ledger.put(endpointId, task);
        } else {
            ledger.put(endpointId, task, encodedTask);
        }
        CallDispatcher.Call call = dispatcher.start(endpointId, task, now);
        isolation.onUndo(() -> dispatcher.forget(call));
    }

    private void withdraw(DecisionEngine engine, CollectorTask task, String endpoint, long now) {
        TaskView view = views.of(task);
        engine.release(view.exchange(), endpoint, now);
        engine.refund(view, now);
    }

    private static boolean expired(CollectorTask task, long now) {
        return task.getDeadline() != null && now > task.getDeadline().toEpochMilli();
    }

    private void deadLetterExpired(CollectorTask task, long now) {
        sink.deadLetter(task, DeadLetterReason.EXPIRED, "deadline " + task.getDeadline() + " passed before the call"
                + " could start (at " + java.time.Instant.ofEpochMilli(now) + "); no call was made", null, now);
    }

    private void exchangeRemoved(CollectorTask task, long now) {
        sink.deadLetter(task, DeadLetterReason.EXCHANGE_REMOVED, "exchange '" + task.getExchange()
                + "' is no longer configured", null, now);
    }
}
