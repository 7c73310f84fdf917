package io.marketprism.topology.processor;

import io.marketprism.reliability.engine.ReliabilityEvent;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.TaskResult;
import io.marketprism.topology.exchange.ExchangeRoutes;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Where the reliability step's outcomes leave it: results, retries, dead letters and events, forwarded to their
 * sinks in the current transaction. Every outcome of a task also moves its id on in {@link TaskIds}, so the id's
 * life and the records produced for it cannot disagree.
 */
final class OutcomeSink {

    private final ExchangeRoutes routes;
    private final ProcessorContext<String, Outcome> context;
    private final TaskIds taskIds;
    private long outcomesForwarded;

    OutcomeSink(ProcessorContext<String, Outcome> context, TaskIds taskIds, ExchangeRoutes routes) {
        this.routes = routes;
        this.context = context;
        this.taskIds = taskIds;
    }

    /** The exchange answered: the task's terminal result. */
    void succeeded(CollectorTask task, TaskResult result, long now) {
        taskIds.finished(task, now);
        forward(new Outcome.Succeeded(result, task.getDeadline()), now);
    }

    /** The task goes to the retry topic and comes back when due. */
    void retryLater(CollectorTask task, long now) {
        taskIds.retrying(task, now);
        forward(new Outcome.RetryLater(task), now);
    }

    /** The task is given up: its terminal dead letter. */
    void deadLetter(CollectorTask task, DeadLetterReason reason, String detail, String lastError, long now) {
        taskIds.finished(task, now);
        forward(new Outcome.DeadLettered(DeadLetters.forTask(task, reason, detail, lastError, now)), now);
    }

    /**
     * A record that is not given its own life: a task reusing an id another task holds, or bytes that do not decode.
     * The id's life is not touched.
     */
    void rejected(DeadLetter letter, long now) {
        forward(new Outcome.DeadLettered(letter), now);
    }

    void audited(ReliabilityEvent event, long now) {
        forward(new Outcome.Audited(event), now);
    }

    /** How many task outcomes (not events) were forwarded so far: tells whether a failed task already has one. */
    long outcomesForwarded() {
        return outcomesForwarded;
    }

    private void forward(Outcome outcome, long now) {
        if (!(outcome instanceof Outcome.Audited)) {
            outcomesForwarded++;
        }
        context.forward(Routing.toRecord(outcome, routes, now));
    }
}
