package io.marketprism.reliability.engine;

import io.marketprism.reliability.balancer.BalancerCodec;
import io.marketprism.reliability.balancer.BalancerSnapshot;
import io.marketprism.reliability.breaker.BreakerCodec;
import io.marketprism.reliability.breaker.BreakerSnapshot;
import io.marketprism.reliability.retry.RetryBudget;
import io.marketprism.reliability.retry.RetryBudgetCodec;
import io.marketprism.reliability.retry.RetryBudgetConfig;
import io.marketprism.reliability.retry.RetryBudgetSnapshot;
import io.marketprism.reliability.state.StateCodec;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A read-only view of what a {@link DecisionEngine} saved, for the admin API and metrics: turns the saved value of a
 * {@code StateKey} (as a store returns it) into typed state, with the engine's own codecs. A value that cannot be
 * read (another release's format, damaged) gives an empty answer; the engine itself replaces such values with fresh
 * state. Thread-safe: meant for threads other than the engine's, reading a store the engine writes.
 */
public final class SavedStateView {

    private SavedStateView() {
    }

    /** A saved BREAKER value. */
    public static Optional<BreakerSnapshot> breaker(byte[] saved) {
        return read(BreakerCodec.INSTANCE, saved);
    }

    /** A saved BALANCER value. */
    public static Optional<BalancerSnapshot> balancer(byte[] saved) {
        return read(BalancerCodec.INSTANCE, saved);
    }

    /** A saved LIMITER value: the domain's limiter and its exchange. */
    public static Optional<DomainEntry> domain(byte[] saved) {
        return read(DomainEntryCodec.INSTANCE, saved);
    }

    /**
     * Retries a saved RETRY_BUDGET value would still grant at {@code now} under {@code config}; empty when the value
     * cannot be read or does not fit the configuration.
     */
    public static OptionalLong availableRetries(byte[] saved, RetryBudgetConfig config, long now) {
        Optional<RetryBudgetSnapshot> budget = read(RetryBudgetCodec.INSTANCE, saved);
        try {
            return budget.isEmpty() ? OptionalLong.empty()
                    : OptionalLong.of(RetryBudget.restore(budget.get(), config).availableRetries(now));
        } catch (IllegalArgumentException notFitting) {
            return OptionalLong.empty();
        }
    }

    private static <S> Optional<S> read(StateCodec<S> codec, byte[] saved) {
        if (saved == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(saved));
        } catch (IllegalArgumentException unreadable) {
            return Optional.empty();
        }
    }
}
