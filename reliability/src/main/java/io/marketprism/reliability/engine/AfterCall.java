package io.marketprism.reliability.engine;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.retry.GiveUpReason;
import java.util.Objects;

/** What {@link DecisionEngine#record} decided after a call. */
public sealed interface AfterCall {

    /** The call succeeded; publish the result. */
    record Completed() implements AfterCall {
    }

    /** The call failed with {@code errorClass}; offer the task again at {@code dueAt}, {@code delayMillis} from now. */
    record RetryAt(long dueAt, long delayMillis, ErrorClass errorClass) implements AfterCall {
        public RetryAt {
            Objects.requireNonNull(errorClass, "errorClass");
        }
    }

    /** The call failed with {@code errorClass} and the task is given up; {@code detail} explains why for humans. */
    record GiveUp(GiveUpReason reason, ErrorClass errorClass, String detail) implements AfterCall {
        public GiveUp {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(errorClass, "errorClass");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
