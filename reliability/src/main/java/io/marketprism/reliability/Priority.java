package io.marketprism.reliability;

/**
 * Admission priority of a task. Waiting tasks are admitted strictly in declaration order
 * (CRITICAL first), and load is shed from the other end (LOW first).
 */
public enum Priority {
    CRITICAL,
    HIGH,
    NORMAL,
    LOW;

    /** True when this priority is admitted before {@code other}. */
    public boolean outranks(Priority other) {
        return ordinal() < other.ordinal();
    }
}
