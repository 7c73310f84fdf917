package io.marketprism.topology.processor;

import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.reliability.engine.ReliabilityEvent;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.topology.exchange.ExchangeRoutes;
import io.marketprism.topology.state.EngineStateStorage;
import io.marketprism.topology.state.InFlightLedger;
import io.marketprism.topology.state.RetryTimers;
import io.marketprism.topology.state.TaskIdRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reliability step of one partition, as a flow: decode → intake (one life per task id) → admission and routing
 * ({@link TaskAdmitter}) → execution ({@link CallDispatcher}) → outcome ({@link CallOutcomes}, {@link OutcomeSink}).
 * A record is one invocation; a wall-clock tick is another, which hands back finished calls, runs health checks,
 * releases held tasks and drains the queues. Each task is handled inside {@link TaskIsolation}, so a failure affects
 * that task alone, and every other step of a tick is guarded too: nothing reaches Kafka Streams.
 *
 * <p>Exactly once: a task enters the ledger (or the queue, or the held store) in the transaction that consumes it;
 * its outcome is produced in the transaction that deletes it. The engine saves its changed components at the end of
 * every invocation, before Streams may commit. Restored ledger entries are carried on at the first tick.
 */
public final class ReliabilityProcessor implements Processor<String, byte[], String, Outcome> {

    private static final Logger LOG = LoggerFactory.getLogger(ReliabilityProcessor.class);
    private static final int MAX_RELEASED_PER_TICK = 5_000;
    private static final int MAX_IDS_FORGOTTEN_PER_TICK = 10_000;
    /** Held tasks due in the future that the first tick looks at for due times of a clock that ran ahead. */
    private static final int MAX_HELD_LOOKED_AT_FOR_SKEW = 100_000;

    private final ProcessorSettings settings;
    private final List<ReliabilityEvent> events = new ArrayList<>();
    private ProcessorContext<String, Outcome> context;
    private DecisionEngine engine;
    private OperatorCommands commands;
    private InFlightLedger ledger;
    private RetryTimers held;
    private DomainQueues queues;
    private TaskIds taskIds;
    private OutcomeSink sink;
    private TaskIsolation isolation;
    private CallDispatcher dispatcher;
    private TaskAdmitter admitter;
    private CallOutcomes outcomes;
    private ProbeRunner probes;
    private GaugePublisher gauges;
    private TaskDecoder decoder;
    private InvocationClock clock;
    private PartitionLayout layout;
    private List<KeyValue<String, byte[]>> restoredCalls;
    private long tickMillis;
    private long lastHandBack;

    public ReliabilityProcessor(ProcessorSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        events.clear();
        KeyValueStore<String, byte[]> engineStore = context.getStateStore(ProcessorSettings.ENGINE_STORE);
        taskIds = new TaskIds(new TaskIdRegistry(context.getStateStore(ProcessorSettings.TASK_ID_STORE)));
        ExchangeRoutes routes = settings.config().routes();
        sink = new OutcomeSink(context, taskIds, routes);
        isolation = new TaskIsolation(sink, settings.metrics());
        ledger = new InFlightLedger(context.getStateStore(ProcessorSettings.LEDGER_STORE), isolation);
        held = new RetryTimers(context.getStateStore(ProcessorSettings.HELD_STORE), isolation, routes::groupDomainOf);
        queues = new DomainQueues(context.getStateStore(ProcessorSettings.QUEUE_STORE), isolation);
        dispatcher = new CallDispatcher(settings.executor(), settings.endpointsById(), routes::groupDomainOf);
        clock = new InvocationClock(settings.wallClock());
        admitter = new TaskAdmitter(queues, held, ledger, dispatcher, isolation, sink, settings.metrics(),
                settings.clockSkewToleranceMillis(), routes, clock);
        outcomes = new CallOutcomes(sink, settings.metrics(), settings.maxBodyBytes(), routes);
        probes = new ProbeRunner(settings.executor(), settings.endpointsById(), settings.metrics());
        layout = settings.layoutOf(context.taskId().partition());
        gauges = new GaugePublisher(settings.metrics(), settings.reliability(), settings.endpointsOfDomain(),
                engineStore, layout);
        EngineStateStorage engineStorage = new EngineStateStorage(engineStore);
        engine = settings.newEngine(engineStorage, events::add, layout);
        commands = new OperatorCommands(settings, context.taskId().partition(), context.metrics());
        decoder = new TaskDecoder(sink, context.taskId().partition());
        // Stores are restored before init; forwarding is allowed from the first tick on.
        restoredCalls = ledger.entries();
        tickMillis = settings.tick().toMillis();
        lastHandBack = 0;
        for (String domain : queues.withWaitingTasks()) {
            gauges.own(new DomainId(domain).groupDomain().name());
            queues.of(domain);
        }
        // Each tick looks at the opened queues' domains, and forgets the per-instrument ones that went idle.
        engineStorage.perInstrumentDomains().forEach(queues::of);
        context.schedule(settings.tick(), PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    /**
     * Takes one task, from decode or the repartition topic: its single-object encoding, decoded here so that the very
     * bytes go into the ledger. Bytes that do not decode are a dead letter; a task id this partition holds already is a
     * duplicate, dropped when it is the same task, dead-lettered when another task reuses the id.
     */
    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        clock.streamsTime(now);
        try {
            if (clock.millis() - lastHandBack >= tickMillis) {
                handBackFinishedCalls();
            }
            CollectorTask task = decoder.fromRecord(record, context.recordMetadata().orElseThrow(), now);
            if (task != null) {
                boolean replay = record.headers().lastHeader(OutputHeaders.REPLAY_OF) != null;
                isolation.run(task, "admission", now, () -> intake(task, record.value(), replay, now));
            }
        } finally {
            endInvocation(now);
        }
    }

    private void intake(CollectorTask task, byte[] encoded, boolean replay, long now) {
        switch (taskIds.verdict(task, replay)) {
            case SAME_TASK_AGAIN -> settings.metrics().onDuplicateTask(task.getExchange(), true);
            case ID_TAKEN -> {
                settings.metrics().onDuplicateTask(task.getExchange(), false);
                sink.rejected(DeadLetters.forTask(task, DeadLetterReason.DUPLICATE_TASK_ID, "task id "
                        + task.getTaskId() + " is held by another task (a different request); that one goes on",
                        null, now), now);
            }
            case TAKE -> {
                taskIds.taken(task, now);
                gauges.own(settings.config().routes().groupDomainOf(task));
                admitter.admit(engine, task, encoded, now);
            }
        }
    }

    private void onTick(long now) {
        clock.streamsTime(now);
        try {
            guarded("operator commands", () -> {
                if (commands.apply(engine, now)) {
                    gauges.stateChanged();
                }
            });
            if (restoredCalls != null) {
                admitter.resume(engine, restoredCalls, decoder, now);
                releaseHeldAhead(now);
                restoredCalls = null;
                guarded("state decided elsewhere", this::dropStateDecidedElsewhere);
            }
            handBackFinishedCalls();
            guarded("health checks", () -> probes.run(engine, now));
            for (RetryTimers.Released due : held.takeDue(now, MAX_RELEASED_PER_TICK)) {
                if (due.task() == null) {
                    decoder.rejectStored(ProcessorSettings.HELD_STORE, null, due.raw(), due.damage(), now);
                } else {
                    isolation.run(due.task(), "release", now, () -> admitter.admit(engine, due.task(), null, now));
                }
            }
            for (String domain : List.copyOf(queues.opened())) {
                guarded("drain", () -> admitter.drain(engine, domain, now));
            }
            guarded("dedupe expiry", () -> taskIds.forgetFinishedBefore(now, settings.dedupeWindowMillis(),
                    MAX_IDS_FORGOTTEN_PER_TICK));
        } finally {
            endInvocation(now);
            guarded("gauges", () -> gauges.publish(queues, held, dispatcher, now));
        }
    }

    /**
     * Once, at the first tick: held tasks whose last attempt an instance with a clock running ahead made are held
     * by a due time of that clock; they are decided on again now ({@link SkewedRetries}).
     */
    private void releaseHeldAhead(long now) {
        long tolerance = settings.clockSkewToleranceMillis();
        for (RetryTimers.Released ahead : held.takeLaterIf(now + tolerance,
                task -> SkewedRetries.madeAhead(task, now, tolerance), MAX_HELD_LOOKED_AT_FOR_SKEW)) {
            isolation.run(ahead.task(), "release", now, () -> admitter.admit(engine, ahead.task(), null, now));
        }
    }

    /**
     * Produces the outcomes of the calls answered since the last look, each on its own. Also done before an input
     * record when a tick's time has passed since the last look, by the {@link InvocationClock clock} (Streams gives
     * every record of a batch one time), so that what an answer teaches the engine (a 429, a ban, and the answer's
     * time, from which its budget counts it) counts for the tasks that arrive after it even while a long run of
     * records delays the tick; not before every record, which would save the engine's components per call instead of
     * once per batch of answers. Each is handed back at the clock's time, which is after its answer came.
     */
    private void handBackFinishedCalls() {
        lastHandBack = clock.millis();
        for (CallDispatcher.Finished done : dispatcher.takeFinished()) {
            long at = clock.millis();
            isolation.run(done.call().task(), "completion", at, () -> {
                ledger.remove(done.call().task().getTaskId());
                outcomes.handBack(engine, done, at);
            });
        }
    }

    /**
     * Once, at the first tick, after the restored calls started again: engine state saved under the previous
     * partitioning for domains another partition decides now is dropped, unless tasks of them are still here.
     */
    private void dropStateDecidedElsewhere() {
        Set<String> waiting = new HashSet<>(queues.withWaitingTasks());
        if (layout.dropStateDecidedElsewhere(context.getStateStore(ProcessorSettings.ENGINE_STORE),
                domain -> waiting.contains(domain) || held.held(domain) > 0 || dispatcher.runningIn(domain) > 0) > 0) {
            gauges.stateChanged();
        }
    }

    /** Runs one step of a tick that is not one task's; a failure is logged and counted, the tick goes on. */
    private void guarded(String step, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException failure) {
            TaskOwnership.rethrowIfLost(failure);
            settings.metrics().onProcessingFailure(step);
            LOG.error("{} failed in partition {}; the tick goes on", step, context.taskId().partition(), failure);
        }
    }

    private void endInvocation(long now) {
        guarded("saving engine state", engine::saveChanges);
        guarded("task-id index", taskIds::writeIndex);
        for (ReliabilityEvent event : events) {
            settings.metrics().onEvent(event);
            sink.audited(event, now);
        }
        events.clear();
    }

    @Override
    public void close() {
        dispatcher.close();
        probes.close();
        gauges.close();
    }
}
