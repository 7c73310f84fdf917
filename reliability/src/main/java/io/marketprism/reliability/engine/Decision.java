package io.marketprism.reliability.engine;

import io.marketprism.reliability.limiter.ShedReason;
import io.marketprism.reliability.retry.GiveUpReason;
import java.util.Objects;
import java.util.Optional;

/** What {@link DecisionEngine#decide} decided for a task. */
public sealed interface Decision {

    String taskId();

    /** Send the task to {@code endpoint} now and report the outcome with {@link DecisionEngine#record}. */
    record Dispatch(String taskId, String endpoint, boolean panic) implements Decision {
        public Dispatch {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /**
     * The task was added to the caller's wait queue; {@link DecisionEngine#drain} will dispatch it, not before
     * {@code drainAt}. When the queue was full, {@code displaced} is the waiting task dropped to make room (dead-letter
     * it as shed).
     */
    record Queued(String taskId, long drainAt, Optional<String> displaced) implements Decision {
        public Queued {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(displaced, "displaced");
        }
    }

    /** The task is dropped by the limiter (dead-letter it as shed). */
    record Shed(String taskId, ShedReason reason) implements Decision {
        public Shed {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Nothing was spent; offer the task again at {@code until}. Tasks held until the same time are offered again in
     * the order they first became due (a retry's {@link TaskView#notBefore()}, else {@code until}): the retries a
     * refused retry budget holds wake together and are granted longest waiting first.
     */
    record Hold(String taskId, long until, HoldReason reason) implements Decision {
        public Hold {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Give the task up; {@code detail} explains why for humans. */
    record DeadLetter(String taskId, GiveUpReason reason, String detail) implements Decision {
        public DeadLetter {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Why a task is held back. */
    enum HoldReason {
        /** Its scheduled retry time has not come. */
        NOT_BEFORE,
        /** The exchange banned the limit domain. */
        BANNED,
        /** Every endpoint's breaker refuses calls, or every usable endpoint is ejected. */
        NO_ENDPOINT,
        /** The limit domain's retry budget grants no retry now, or retries refused earlier wait for it. */
        RETRY_BUDGET
    }
}
