package io.marketprism.reliability.state;

/**
 * Where the {@code DecisionEngine} keeps its components' state between restarts; the caller supplies it (the
 * topology backs it with a state store keyed by {@link StateKey#asString()}). Called on the engine's thread only.
 */
public interface StateStorage {

    /** The bytes last saved under {@code key}, or null when nothing was. */
    byte[] load(StateKey key);

    /** Replaces what is stored under {@code key}; the engine does not keep {@code value}. */
    void save(StateKey key, byte[] value);

    /** Forgets what is stored under {@code key} (a changelogged store writes a tombstone); nothing when none is. */
    void remove(StateKey key);
}
