package io.marketprism.reliability.engine;

import io.marketprism.reliability.state.StateKind;

/**
 * The checks a component's state goes through as the engine restores it, with their events: whether its clock lies
 * too far ahead of the engine's time ({@code now}) (saved by an instance whose clock ran fast, or loaded before this
 * instance's clock stepped back), and the report of saved state that could not be used. Within the clock-skew
 * tolerance, components simply keep their clocks, which never move backwards.
 */
final class RestoreGuard {

    private final long toleranceMillis;
    private final EventListener listener;

    RestoreGuard(long toleranceMillis, EventListener listener) {
        this.toleranceMillis = toleranceMillis;
        this.listener = listener;
    }

    /**
     * Whether {@code clock} is more than the tolerance ahead of {@code now}; if so, reports a
     * {@link ReliabilityEvent.ClockSkewed} for the component. {@link Long#MIN_VALUE} is a clock never set.
     */
    boolean ahead(long clock, long now, String exchange, String subject, StateKind component) {
        if (clock == Long.MIN_VALUE || clock <= now || clock - now <= toleranceMillis) {
            return false;
        }
        listener.onEvent(new ReliabilityEvent.ClockSkewed(now, exchange, subject, component, clock - now));
        return true;
    }

    /** Reports that unusable saved state of a component was replaced by fresh state. */
    void discarded(long now, String exchange, String subject, StateKind component, RuntimeException why) {
        listener.onEvent(new ReliabilityEvent.StateDiscarded(now, exchange, subject, component, why.getMessage()));
    }

    /** Whether {@code now} lies more than the tolerance before {@code latest}: the engine's clock stepped back. */
    boolean steppedBack(long latest, long now) {
        return latest != Long.MIN_VALUE && latest - now > toleranceMillis;
    }
}
