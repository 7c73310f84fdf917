package io.marketprism.reliability.engine;

import io.marketprism.reliability.state.StateStorage;

/**
 * Components held in memory whose changes {@link DecisionEngine#saveChanges} writes out together: a limit domain's
 * or an exchange's. Each is listed for saving at most once between two saves.
 */
abstract class SavedRuntime {

    private boolean listed;

    /** Whether a component changed since the last save. */
    abstract boolean hasUnsavedChanges();

    /** Writes the components changed since the last save and forgets the changes. */
    abstract void writeChanges(StateStorage storage);

    /**
     * True when something changed that is not saved and this runtime is not yet listed for saving; it counts as listed
     * from then until {@link #saveChanges}.
     */
    final boolean needsListing() {
        if (listed || !hasUnsavedChanges()) {
            return false;
        }
        listed = true;
        return true;
    }

    /** Saves what changed since the last save and ends the listing. */
    final void saveChanges(StateStorage storage) {
        listed = false;
        writeChanges(storage);
    }
}
