package io.marketprism.topology.processor;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.TaskResult;
import java.time.Instant;

/** What a processing step decided for one record; each kind is routed to its own sink. */
public sealed interface Outcome {

    /**
     * A decoded, valid task on its way to admission, with its deciding key (host set and route).
     * {@code onDecidingPartition}: the record was read from the partition that decides it
     * ({@link DecidingPartitioner}), so the reliability
     * step of the same task takes it directly; otherwise it crosses the repartition topic to that partition.
     */
    record Accepted(CollectorTask task, String decidingKey, boolean onDecidingPartition) implements Outcome {
    }

    /**
     * The exchange answered: the result goes to the results topic. {@code deadline} is the task's (null when it has
     * none), which the result does not carry, for the metrics of results produced by their deadline.
     */
    record Succeeded(TaskResult result, Instant deadline) implements Outcome {
    }

    /** The task is tried again later through the retry topic. */
    record RetryLater(CollectorTask task) implements Outcome {
    }

    /** Something the decision engine did that operators should see (breaker transition, ban, shed...). */
    record Audited(io.marketprism.reliability.engine.ReliabilityEvent event) implements Outcome {
    }

    /** The task is given up and goes to the dead-letter topic. */
    record DeadLettered(DeadLetter deadLetter) implements Outcome {
    }
}
