package io.marketprism.reliability.breaker;

/** Receives the state changes of a breaker, synchronously, on the thread that caused them. */
@FunctionalInterface
public interface BreakerListener {

    /** A listener that ignores every transition. */
    BreakerListener NONE = transition -> { };

    void onTransition(BreakerTransition transition);
}
