package io.marketprism.topology.processor;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.state.UndoLog;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the handling of one task so that its failure affects that task alone: the entries the stores added for it
 * are removed again, it gets one dead letter ({@code PROCESSING_ERROR}, the exception's class and message) in the
 * same transaction unless it already has an outcome, and the caller goes on with the next task. A failure inside a
 * tick therefore never reaches Kafka Streams, and a task never has two outcomes or an entry left to replay.
 */
final class TaskIsolation implements UndoLog {

    private static final Logger LOG = LoggerFactory.getLogger(TaskIsolation.class);

    private final OutcomeSink sink;
    private final ReliabilityMetrics metrics;
    private final List<Runnable> undos = new ArrayList<>();
    private boolean inTask;

    TaskIsolation(OutcomeSink sink, ReliabilityMetrics metrics) {
        this.sink = sink;
        this.metrics = metrics;
    }

    /**
     * Runs {@code work}, the handling of {@code task} in {@code step} (a fixed name: it labels a metric); returns false when it failed and the task was
     * dead-lettered (or already had its outcome). Not reentrant: work for one task runs inside the outer call.
     */
    boolean run(CollectorTask task, String step, long now, Runnable work) {
        if (inTask) {
            work.run();
            return true;
        }
        inTask = true;
        long outcomesBefore = sink.outcomesForwarded();
        try {
            work.run();
            return true;
        } catch (RuntimeException failure) {
            TaskOwnership.rethrowIfLost(failure);
            undoAll();
            if (sink.outcomesForwarded() == outcomesBefore) {
                giveUp(task, step, failure, now);
            }
            return false;
        } finally {
            undos.clear();
            inTask = false;
        }
    }

    /** Dead-letters a task whose handling failed outside {@link #run} (e.g. taken from a queue by a failed drain). */
    void giveUp(CollectorTask task, String step, RuntimeException failure, long now) {
        metrics.onProcessingFailure(step);
        LOG.error("{} failed for task {}; it is dead-lettered, the other tasks go on", step, task.getTaskId(), failure);
        sink.deadLetter(task, DeadLetterReason.PROCESSING_ERROR, step + " failed", DeadLetters.describe(failure), now);
    }

    @Override
    public void onUndo(Runnable undo) {
        if (inTask) {
            undos.add(undo);
        }
    }

    private void undoAll() {
        for (int i = undos.size() - 1; i >= 0; i--) {
            try {
                undos.get(i).run();
            } catch (RuntimeException undoFailure) {
                LOG.error("could not undo a store write of a failed task", undoFailure);
            }
        }
    }
}
