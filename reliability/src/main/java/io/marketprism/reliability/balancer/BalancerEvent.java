package io.marketprism.reliability.balancer;

/** Something a {@link LoadBalancer} did that operators want to see; {@code at} is the caller's time. */
public sealed interface BalancerEvent {

    String exchange();

    long at();

    /** {@code endpoint} is out of rotation until {@code until}, then waits for a successful probe. */
    record Ejected(String exchange, String endpoint, EjectionReason reason, long until, long at)
            implements BalancerEvent {
    }

    /** A successful probe put {@code endpoint} back in rotation. */
    record Restored(String exchange, String endpoint, long at) implements BalancerEvent {
    }

    /** {@code unavailable} of {@code total} endpoints were ejected or refused: ejections are now ignored. */
    record PanicEntered(String exchange, int unavailable, int total, long at) implements BalancerEvent {
    }

    /** Enough endpoints are available again; ejections are respected. */
    record PanicLeft(String exchange, long at) implements BalancerEvent {
    }
}
