package io.marketprism.reliability.limiter;

/** Why a task was dropped by the limiter instead of being admitted or queued. */
public enum ShedReason {
    /** The queue was full and the task was the newest of the lowest priority, the newcomer itself. */
    QUEUE_FULL,
    /** The task was waiting and was the newest of the lowest priority when a higher newcomer found the queue full. */
    DISPLACED,
    /** The task's weight exceeds a budget its priority may use, so it could never be admitted. */
    EXCEEDS_BUDGET
}
