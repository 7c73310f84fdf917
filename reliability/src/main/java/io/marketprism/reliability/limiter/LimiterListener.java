package io.marketprism.reliability.limiter;

/** Receives {@link LimiterEvent}s synchronously, on the caller's thread; must be quick. */
@FunctionalInterface
public interface LimiterListener {

    /** A listener that drops every event. */
    LimiterListener IGNORE = event -> { };

    void onEvent(LimiterEvent event);
}
