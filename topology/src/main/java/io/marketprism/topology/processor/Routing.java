package io.marketprism.topology.processor;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.TaskResult;
import io.marketprism.topology.exchange.ExchangeRoutes;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keys and headers for each kind of outcome. Tasks and retries are keyed by their host set, so the decisions about one
 * host set's endpoints and limit domains live in one partition; results and dead letters are keyed by task id.
 */
public final class Routing {

    private Routing() {
    }

    /** {@code outcome} as a record, a task keyed by its host set and route ({@link ExchangeRoutes#partitionKeyOf}). */
    static Record<String, Outcome> toRecord(Outcome outcome, ExchangeRoutes routes, long timestamp) {
        if (outcome instanceof Outcome.Accepted accepted) {
            CollectorTask task = accepted.task();
            return new Record<>(accepted.decidingKey(), outcome, timestamp,
                    OutputHeaders.of(task.getTaskId(), task.getExchange(), null, null));
        }
        if (outcome instanceof Outcome.RetryLater retry) {
            CollectorTask task = retry.task();
            return new Record<>(routes.partitionKeyOf(task), outcome, timestamp,
                    OutputHeaders.of(task.getTaskId(), task.getExchange(), OutputHeaders.OUTCOME_RETRY, null));
        }
        if (outcome instanceof Outcome.Succeeded succeeded) {
            TaskResult result = succeeded.result();
            return new Record<>(result.getTaskId(), outcome, timestamp,
                    OutputHeaders.of(result.getTaskId(), result.getExchange(), OutputHeaders.OUTCOME_SUCCESS, null));
        }
        if (outcome instanceof Outcome.Audited audited) {
            return new Record<>(audited.event().exchange(), outcome, timestamp,
                    OutputHeaders.of(null, audited.event().exchange(), OutputHeaders.OUTCOME_EVENT, null));
        }
        DeadLetter dead = ((Outcome.DeadLettered) outcome).deadLetter();
        String exchange = dead.getTask() == null ? null : dead.getTask().getExchange();
        return new Record<>(dead.getTaskId(), outcome, timestamp, OutputHeaders.of(dead.getTaskId(), exchange,
                OutputHeaders.OUTCOME_DEAD_LETTER, dead.getReason().name()));
    }
}
