package io.marketprism.reliability.engine;

import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.internal.ByteSink;
import io.marketprism.reliability.limiter.LimiterEvent;
import io.marketprism.reliability.limiter.LimiterSnapshot;
import io.marketprism.reliability.limiter.PriorityRateLimiter;
import io.marketprism.reliability.retry.RetryBudget;
import io.marketprism.reliability.retry.RetryBudgetSnapshot;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.reliability.state.StateKind;
import io.marketprism.reliability.state.StateStorage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One limit domain's rate limiter and retry budget in memory, with what changed since the last save. The LIMITER
 * entry also records the domain's exchange, so {@link DecisionEngine#drain} can find it after a restart: version
 * byte, exchange name length and UTF-8 bytes, then the limiter snapshot.
 */
final class DomainRuntime extends SavedRuntime {

    private static final byte FORMAT_VERSION = 1;

    final String domain;
    final String exchange;
    private final ExchangeProfile profile;
    private final EventListener listener;
    private final SkewGuard skew;
    PriorityRateLimiter limiter;
    RetryBudget budget;
    private final byte[] exchangeBytes;
    private final StateKey limiterKey;
    private final StateKey budgetKey;
    /** The components' change counts when they were last saved; -1 for state not saved yet. */
    private long limiterSavedAt;
    private long budgetSavedAt;

    private DomainRuntime(String domain, ExchangeProfile profile, LimiterSnapshot limiterState, StateStorage storage,
                          EventListener listener, SkewGuard skew, long now) {
        this.domain = domain;
        this.exchange = profile.name();
        this.profile = profile;
        this.listener = listener;
        this.skew = skew;
        this.exchangeBytes = exchange.getBytes(StandardCharsets.UTF_8);
        this.limiterKey = StateKey.limiter(new DomainId(domain));
        this.budgetKey = StateKey.retryBudget(new DomainId(domain));
        if (limiterState == null) {
            this.limiter = PriorityRateLimiter.create(domain, profile.limiter(),
                    event -> listener.onEvent(limiterEvent(event)));
            this.limiterSavedAt = -1;
        } else {
            restoreLimiter(limiterState, now);
        }
        byte[] savedBudget = storage.load(budgetKey);
        RetryBudgetSnapshot budgetState = null;
        if (savedBudget != null) {
            try {
                budgetState = RetryBudgetSnapshot.fromBytes(savedBudget);
                restoreBudget(budgetState, now);
            } catch (IllegalArgumentException unusable) {
                skew.discarded(now, exchange, domain, StateKind.RETRY_BUDGET, unusable);
                budgetState = null;
            }
        }
        if (budgetState == null) {
            this.budget = RetryBudget.create(profile.retryBudget(), now);
            this.budgetSavedAt = -1;
        }
    }

    /** A fresh domain of {@code profile}'s exchange. */
    static DomainRuntime create(String domain, ExchangeProfile profile, StateStorage storage, EventListener listener,
                                SkewGuard skew, long now) {
        return new DomainRuntime(domain, profile, null, storage, listener, skew, now);
    }

    /** Restores the limiter from saved {@code state}, moved back to {@code now} when its clock is too far ahead. */
    private void restoreLimiter(LimiterSnapshot state, long now) {
        boolean skewed = skew.ahead(state.clock(), now, exchange, domain, StateKind.LIMITER);
        limiter = limiterFrom(skewed ? state.rebasedTo(now) : state);
        limiterSavedAt = skewed ? -1 : limiter.changeCount();
    }

    /** Restores the retry budget from saved {@code state}, moved back to {@code now} when it lies too far ahead. */
    private void restoreBudget(RetryBudgetSnapshot state, long now) {
        boolean skewed = skew.ahead(state.newestBucketStart(), now, exchange, domain, StateKind.RETRY_BUDGET);
        budget = budgetFrom(skewed ? state.rebasedTo(now, profile.retryBudget().bucketMillis()) : state);
        budgetSavedAt = skewed ? -1 : budget.changeCount();
    }

    /** After the engine's clock stepped back: moves each component whose clock is too far ahead back to {@code now}. */
    void rebaseTo(long now) {
        LimiterSnapshot limiterState = limiter.snapshot();
        if (skew.ahead(limiterState.clock(), now, exchange, domain, StateKind.LIMITER)) {
            limiter = limiterFrom(limiterState.rebasedTo(now));
            limiterSavedAt = -1;
        }
        RetryBudgetSnapshot budgetState = budget.snapshot();
        if (skew.ahead(budgetState.newestBucketStart(), now, exchange, domain, StateKind.RETRY_BUDGET)) {
            budget = budgetFrom(budgetState.rebasedTo(now, profile.retryBudget().bucketMillis()));
            budgetSavedAt = -1;
        }
    }

    private PriorityRateLimiter limiterFrom(LimiterSnapshot state) {
        return PriorityRateLimiter.restore(domain, profile.limiter(), state,
                event -> listener.onEvent(limiterEvent(event)));
    }

    private RetryBudget budgetFrom(RetryBudgetSnapshot state) {
        return RetryBudget.restore(state, profile.retryBudget());
    }

    /** The exchange a saved LIMITER entry belongs to. */
    static String exchangeOf(byte[] saved) {
        ByteBuffer in = ByteBuffer.wrap(saved);
        byte version = in.get();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("domain state format " + version + " is not " + FORMAT_VERSION);
        }
        byte[] name = new byte[in.getShort()];
        in.get(name);
        return new String(name, StandardCharsets.UTF_8);
    }

    /** The limiter part of a saved LIMITER entry; throws IllegalArgumentException when it does not parse. */
    static LimiterSnapshot limiterOf(byte[] saved) {
        exchangeOf(saved);
        int limiterStart = 1 + 2 + ByteBuffer.wrap(saved).getShort(1);
        return LimiterSnapshot.fromBytes(Arrays.copyOfRange(saved, limiterStart, saved.length));
    }

    /** The start of a LIMITER entry, before the limiter snapshot. */
    private static void writeEntryHeader(ByteSink out, byte[] exchangeBytes) {
        out.writeByte(FORMAT_VERSION);
        out.writeShort(exchangeBytes.length);
        out.write(exchangeBytes);
    }

    /** The domain as saved; a limiter snapshot that no longer parses starts fresh. */
    static DomainRuntime restore(String domain, byte[] saved, ExchangeProfile profile, StateStorage storage,
                                 EventListener listener, SkewGuard skew, long now) {
        LimiterSnapshot snapshot;
        try {
            snapshot = limiterOf(saved);
        } catch (IllegalArgumentException unusable) {
            skew.discarded(now, profile.name(), domain, StateKind.LIMITER, unusable);
            snapshot = null;
        }
        return new DomainRuntime(domain, profile, snapshot, storage, listener, skew, now);
    }

    @Override
    boolean hasUnsavedChanges() {
        return limiter.changeCount() != limiterSavedAt || budget.changeCount() != budgetSavedAt;
    }

    @Override
    void writeChanges(StateStorage storage, ByteSink scratch) {
        if (limiter.changeCount() != limiterSavedAt) {
            scratch.reset();
            writeEntryHeader(scratch, exchangeBytes);
            limiter.writeState(scratch);
            storage.save(limiterKey, scratch.toByteArray());
            limiterSavedAt = limiter.changeCount();
        }
        if (budget.changeCount() != budgetSavedAt) {
            scratch.reset();
            budget.writeState(scratch);
            storage.save(budgetKey, scratch.toByteArray());
            budgetSavedAt = budget.changeCount();
        }
    }

    private ReliabilityEvent limiterEvent(LimiterEvent event) {
        if (event instanceof LimiterEvent.Shed s) {
            return new ReliabilityEvent.TaskShed(s.at(), exchange, domain, s.taskId(), s.priority(), s.reason());
        }
        if (event instanceof LimiterEvent.BanStarted b) {
            return new ReliabilityEvent.BanStarted(b.at(), exchange, domain, b.until(), b.status());
        }
        if (event instanceof LimiterEvent.BanEnded e) {
            return new ReliabilityEvent.BanEnded(e.at(), exchange, domain);
        }
        LimiterEvent.RateCut cut = (LimiterEvent.RateCut) event;
        return new ReliabilityEvent.RateCut(cut.at(), exchange, domain, cut.previousRateFactor(), cut.rateFactor());
    }
}
