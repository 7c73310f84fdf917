package io.marketprism.reliability.engine;

/**
 * Where the {@link DecisionEngine} keeps its components' state between restarts; the caller supplies it (the
 * topology backs it with a state store). Keys are unique within a kind. Called on the engine's thread only.
 */
public interface StateStorage {

    /** The bytes last saved under ({@code kind}, {@code key}), or null when nothing was. */
    byte[] load(StateKind kind, String key);

    /** Replaces what is stored under ({@code kind}, {@code key}); the engine does not keep {@code value}. */
    void save(StateKind kind, String key, byte[] value);
}
