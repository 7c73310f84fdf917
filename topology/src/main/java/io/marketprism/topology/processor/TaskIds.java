package io.marketprism.topology.processor;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.state.TaskIdRegistry;
import io.marketprism.topology.state.TaskIdRegistry.Entry;
import io.marketprism.topology.state.TaskIdRegistry.Stage;

/**
 * The life of task ids in one partition, over the {@link TaskIdRegistry}: which arriving task is taken up, which is
 * the same task sent again, which reuses an id another task holds. A task id is taken up once; it comes back only as
 * its own retry (the attempt the registry expects), or as a replay of a finished dead letter.
 */
final class TaskIds {

    /** What to do with an arriving task. */
    enum Verdict {
        /** A new id, the expected retry of a task, or a replay: decide on it. */
        TAKE,
        /** The same request under the same id, alive or finished recently: drop it, it is answered already. */
        SAME_TASK_AGAIN,
        /** A different request under an id another task holds: dead-letter it, the other task goes on. */
        ID_TAKEN
    }

    private final TaskIdRegistry registry;

    TaskIds(TaskIdRegistry registry) {
        this.registry = registry;
    }

    /** @param replay whether the task is a replay of a dead letter (the {@code replay-of} header) */
    Verdict verdict(CollectorTask task, boolean replay) {
        Entry known = registry.get(task.getTaskId());
        if (known == null) {
            return Verdict.TAKE;
        }
        boolean sameRequest = known.fingerprint() == TaskFingerprint.of(task);
        if (sameRequest && known.stage() == Stage.RETRYING && task.getAttempt() == known.attempt()) {
            return Verdict.TAKE;
        }
        if (replay && known.stage() == Stage.FINISHED) {
            return Verdict.TAKE;
        }
        return sameRequest ? Verdict.SAME_TASK_AGAIN : Verdict.ID_TAKEN;
    }

    /** The task is being decided on: waiting, held or in flight from now until it retries or finishes. */
    void taken(CollectorTask task, long now) {
        registry.put(task.getTaskId(), new Entry(TaskFingerprint.of(task), Stage.ALIVE, task.getAttempt(), now));
    }

    /** The task went to the retry topic with {@code task.getAttempt()} attempts made; that record comes back. */
    void retrying(CollectorTask task, long now) {
        registry.put(task.getTaskId(), new Entry(TaskFingerprint.of(task), Stage.RETRYING, task.getAttempt(), now));
    }

    /** The task's terminal record is produced; the id is remembered for the dedupe window. */
    void finished(CollectorTask task, long now) {
        registry.put(task.getTaskId(), new Entry(TaskFingerprint.of(task), Stage.FINISHED, task.getAttempt(), now));
    }

    /** Writes the finishing index of the ids finished in this invocation; due before Kafka Streams may commit. */
    void writeIndex() {
        registry.writeIndex();
    }

    /** Forgets ids finished longer than {@code windowMillis} ago, about {@code max} at most; returns how many. */
    int forgetFinishedBefore(long now, long windowMillis, int max) {
        return registry.expire(now - windowMillis, max);
    }
}
