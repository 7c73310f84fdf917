package io.marketprism.reliability.engine;

/** Receives {@link ReliabilityEvent}s synchronously, on the engine's thread; must be quick and must not throw. */
@FunctionalInterface
public interface EventListener {

    /** A listener that drops every event. */
    EventListener IGNORE = event -> { };

    void onEvent(ReliabilityEvent event);
}
