package io.marketprism.topology.state;

/**
 * Collects what undoes the store writes made for one task, so that a task whose handling fails part-way leaves no
 * entry behind (it is dead-lettered instead). Stores register an undo for every entry they add; removals are not
 * undone, since the failed task is given up anyway.
 */
@FunctionalInterface
public interface UndoLog {

    /** An undo log that keeps nothing: for callers that never roll back. */
    UndoLog NONE = undo -> { };

    /** Registers {@code undo} to run if the task being handled fails. */
    void onUndo(Runnable undo);
}
