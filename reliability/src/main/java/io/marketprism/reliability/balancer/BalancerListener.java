package io.marketprism.reliability.balancer;

/** Receives {@link BalancerEvent}s synchronously, on the caller's thread; must be quick. */
@FunctionalInterface
public interface BalancerListener {

    /** A listener that drops every event. */
    BalancerListener IGNORE = event -> { };

    void onEvent(BalancerEvent event);
}
