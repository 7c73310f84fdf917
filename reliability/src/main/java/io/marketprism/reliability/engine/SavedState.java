package io.marketprism.reliability.engine;

import io.marketprism.reliability.limiter.LimiterSnapshot;
import java.nio.charset.StandardCharsets;

/**
 * Reads and rewrites the values the {@link DecisionEngine} saves under {@link StateKind#LIMITER}, which carry the
 * domain's exchange before the limiter snapshot. For tools that inspect or repair saved state; an engine over the
 * storage must be recreated to see a rewritten value.
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

    /** A LIMITER value for a domain of {@code exchange} holding {@code limiter}. */
    public static byte[] limiterValue(String exchange, LimiterSnapshot limiter) {
        return DomainRuntime.entry(exchange.getBytes(StandardCharsets.UTF_8), limiter);
    }
}
