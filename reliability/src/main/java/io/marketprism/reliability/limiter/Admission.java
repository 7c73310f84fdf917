package io.marketprism.reliability.limiter;

import java.util.Objects;
import java.util.Optional;

/** What {@link PriorityRateLimiter#offer} decided for a newcomer. */
public sealed interface Admission {

    /** Send the task now; its weight is already counted. */
    record Admit() implements Admission {
        static final Admit INSTANCE = new Admit();
    }

    /**
     * The task waits in the queue as {@code waiting}; calling {@link PriorityRateLimiter#drain} before
     * {@code retryHintAt} admits nothing. When the queue was full, {@code displaced} is the waiting task that was
     * shed to make room (removed from the queue; the caller dead-letters it).
     */
    record Enqueued(Waiting waiting, long retryHintAt, Optional<Waiting> displaced) implements Admission {
        public Enqueued {
            Objects.requireNonNull(waiting, "waiting");
            Objects.requireNonNull(displaced, "displaced");
        }
    }

    /** The newcomer {@code taskId} is dropped; it is neither admitted nor queued. */
    record Shed(String taskId, ShedReason reason) implements Admission {
        public Shed {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
