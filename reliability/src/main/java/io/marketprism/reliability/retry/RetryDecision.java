package io.marketprism.reliability.retry;

import java.util.Objects;

/** Outcome of {@link RetryPolicy#decide}: try again at a given time, or give up for a reason. */
public sealed interface RetryDecision permits RetryDecision.RetryAt, RetryDecision.GiveUp {

    /** Try again at {@code dueAt} (epoch millis), {@code delayMillis} after the decision. */
    record RetryAt(long dueAt, long delayMillis) implements RetryDecision {
        public RetryAt {
            if (delayMillis < 0) {
                throw new IllegalArgumentException("delayMillis must be >= 0, was " + delayMillis);
            }
        }
    }

    /** Do not try again; {@code detail} explains the reason for humans. */
    record GiveUp(GiveUpReason reason, String detail) implements RetryDecision {
        public GiveUp {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
