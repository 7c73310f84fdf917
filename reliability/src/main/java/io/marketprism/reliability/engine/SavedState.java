package io.marketprism.reliability.engine;

import io.marketprism.reliability.state.StateKind;
import io.marketprism.reliability.limiter.LimiterSnapshot;

/**
 * Reads and rewrites the values the {@link DecisionEngine} saves under {@link StateKind#LIMITER}, which carry the
 * domain's exchange before the limiter snapshot. For tools that inspect saved state.
 */
public final class SavedState {

    private SavedState() {
    }

    /** The exchange a saved LIMITER value belongs to; throws IllegalArgumentException for damaged bytes. */
    public static String exchangeOfLimiter(byte[] saved) {
        try {
            return DomainRuntime.exchangeOf(saved);
        } catch (RuntimeException damaged) {
            throw damaged instanceof IllegalArgumentException e ? e
                    : new IllegalArgumentException("damaged limiter state", damaged);
        }
    }

    /** The limiter snapshot inside a saved LIMITER value; throws IllegalArgumentException for damaged bytes. */
    public static LimiterSnapshot limiter(byte[] saved) {
        try {
            return DomainRuntime.limiterOf(saved);
        } catch (RuntimeException damaged) {
            throw damaged instanceof IllegalArgumentException e ? e
                    : new IllegalArgumentException("damaged limiter state", damaged);
        }
    }
}
