package io.marketprism.reliability.retry;

/** Why a task is not tried again. */
public enum GiveUpReason {
    /** The failure cannot be cured by retrying (bad request, unknown symbol). */
    NON_RETRYABLE,
    /** The task used all its attempts. */
    RETRIES_EXHAUSTED,
    /** The next try would start after the task's deadline. */
    EXPIRED,
    /** The limit domain's retry budget is used up. */
    BUDGET_EXHAUSTED
}
