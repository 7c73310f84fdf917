package io.marketprism.reliability.engine;

import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.LimiterEvent;
import io.marketprism.reliability.limiter.LimiterSnapshot;
import io.marketprism.reliability.limiter.PriorityRateLimiter;
import io.marketprism.reliability.retry.RetryBudget;
import io.marketprism.reliability.retry.RetryBudgetCodec;
import io.marketprism.reliability.retry.RetryBudgetSnapshot;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.reliability.state.StateKind;
import io.marketprism.reliability.state.StateStorage;

/**
 * One limit domain's rate limiter and retry budget in memory, with what changed since the last save. The limiter is
 * saved as a {@link DomainEntry}, which also records the domain's exchange, so {@link DecisionEngine#drain} can find
 * it after a restart.
 */
final class DomainRuntime extends SavedRuntime {

    final String domain;
    final String exchange;
    private final ExchangeProfile profile;
    private final EventListener listener;
    private final RestoreGuard guard;
    PriorityRateLimiter limiter;
    RetryBudget budget;
    private final StateKey limiterKey;
    private final StateKey budgetKey;
    /** The budgets of the domain's limit group (the profile's limiter for a domain without one). */
    private final LimiterConfig limiterConfig;
    /**
     * Calls this engine admitted in the domain and has not seen answered or refunded yet; in memory only (a call
     * carried on after a restart is not among them: its answer counts it in the windows once more).
     */
    private int callsInFlight;
    /** The components' change counts when they were last saved; -1 for state not saved yet. */
    private long limiterSavedAt;
    private long budgetSavedAt;
    /** Until when retries the budget refused wait: its next bucket; in memory only (see {@link #tryAcquireRetry}). */
    private long retriesWaitUntil = Long.MIN_VALUE;

    private DomainRuntime(String domain, ExchangeProfile profile, LimiterSnapshot limiterState, StateStorage storage,
                          EventListener listener, RestoreGuard guard, long now) {
        this.domain = domain;
        this.exchange = profile.name();
        this.profile = profile;
        this.listener = listener;
        this.guard = guard;
        DomainId id = new DomainId(domain);
        this.limiterConfig = profile.limiterOf(id);
        this.limiterKey = StateKey.limiter(id);
        this.budgetKey = StateKey.retryBudget(id);
        if (limiterState == null) {
            this.limiter = PriorityRateLimiter.create(domain, limiterConfig,
                    event -> listener.onEvent(limiterEvent(event)));
            this.limiterSavedAt = -1;
        } else {
            restoreLimiter(limiterState, now);
        }
        byte[] savedBudget = storage.load(budgetKey);
        RetryBudgetSnapshot budgetState = null;
        if (savedBudget != null) {
            try {
                budgetState = RetryBudgetCodec.INSTANCE.decode(savedBudget);
                restoreBudget(budgetState, now);
            } catch (IllegalArgumentException unusable) {
                guard.discarded(now, exchange, domain, StateKind.RETRY_BUDGET, unusable);
                budgetState = null;
            }
        }
        if (budgetState == null) {
            this.budget = RetryBudget.create(profile.retryBudget(), now);
            this.budgetSavedAt = -1;
        }
    }

    /**
     * The domain of {@code profile}'s exchange, continuing from {@code limiterState} when it is not null, else with a
     * fresh limiter; its retry budget is loaded from {@code storage}.
     */
    static DomainRuntime load(String domain, ExchangeProfile profile, LimiterSnapshot limiterState,
                              StateStorage storage, EventListener listener, RestoreGuard guard, long now) {
        return new DomainRuntime(domain, profile, limiterState, storage, listener, guard, now);
    }

    /**
     * Grants a retry from the retry budget, or returns false when the retry is to wait until
     * {@link #retriesWaitUntil()}. Once the budget refuses a retry, the retries refused wait for its next bucket, when
     * they are decided again together, longest waiting first (the caller releases retries due at the same time in the
     * order they first became due). Until then a retry decided later joins them rather than taking budget that grew
     * meanwhile (a first attempt counted raises it): else a steady stream of fresh retries takes every grant between
     * buckets and the waiting ones reach their deadlines. A retry that cannot wait so long (no deadline, or one
     * before the next bucket) asks the budget at once. Oldest first, not earliest deadline first: under deadline
     * order a stream of retries with short deadlines would starve those with long ones until their deadlines; in
     * arrival order each waits only for the retries ahead of it. The wait lives in memory: after a restart the first
     * refusal starts it again, so for that bucket a later retry may be granted before an earlier one (the budget's
     * count is saved and never overrun).
     */
    boolean tryAcquireRetry(Long deadline, long now) {
        boolean behindWaiting = now < retriesWaitUntil && deadline != null && deadline >= retriesWaitUntil;
        if (!behindWaiting && budget.tryAcquireRetry(now)) {
            return true;
        }
        retriesWaitUntil = Math.max(retriesWaitUntil, budget.nextBucketStart(now));
        return false;
    }

    /** When retries refused by {@link #tryAcquireRetry} are decided again. */
    long retriesWaitUntil() {
        return retriesWaitUntil;
    }

    /** Restores the limiter from saved {@code state}, moved back to {@code now} when its clock is too far ahead. */
    private void restoreLimiter(LimiterSnapshot state, long now) {
        boolean skewed = guard.ahead(state.clock(), now, exchange, domain, StateKind.LIMITER);
        limiter = limiterFrom(skewed ? state.rebasedTo(now) : state);
        limiterSavedAt = skewed ? -1 : limiter.changeCount();
    }

    /** Restores the retry budget from saved {@code state}, moved back to {@code now} when it lies too far ahead. */
    private void restoreBudget(RetryBudgetSnapshot state, long now) {
        boolean skewed = guard.ahead(state.newestBucketStart(), now, exchange, domain, StateKind.RETRY_BUDGET);
        budget = budgetFrom(skewed ? state.rebasedTo(now, profile.retryBudget().bucketMillis()) : state);
        budgetSavedAt = skewed ? -1 : budget.changeCount();
    }

    /**
     * After the engine's clock stepped back: moves each component whose clock is too far ahead back to {@code now},
     * and ends the retries' wait for the budget's next bucket, which the old clock timed.
     */
    void rebaseTo(long now) {
        retriesWaitUntil = Long.MIN_VALUE;
        LimiterSnapshot limiterState = limiter.snapshot();
        if (guard.ahead(limiterState.clock(), now, exchange, domain, StateKind.LIMITER)) {
            limiter = limiterFrom(limiterState.rebasedTo(now));
            limiterSavedAt = -1;
        }
        RetryBudgetSnapshot budgetState = budget.snapshot();
        if (guard.ahead(budgetState.newestBucketStart(), now, exchange, domain, StateKind.RETRY_BUDGET)) {
            budget = budgetFrom(budgetState.rebasedTo(now, profile.retryBudget().bucketMillis()));
            budgetSavedAt = -1;
        }
    }

    private PriorityRateLimiter limiterFrom(LimiterSnapshot state) {
        return PriorityRateLimiter.restore(domain, limiterConfig, state,
                event -> listener.onEvent(limiterEvent(event)));
    }

    private RetryBudget budgetFrom(RetryBudgetSnapshot state) {
        return RetryBudget.restore(state, profile.retryBudget());
    }

    /** Notes a call admitted in the domain. */
    void callAdmitted() {
        callsInFlight++;
    }

    /** Notes an admitted call answered or refunded. */
    void callEnded() {
        callsInFlight = Math.max(0, callsInFlight - 1);
    }

    /**
     * Whether the domain holds nothing a fresh one would not at {@code now}: no call in flight, an idle limiter and
     * an idle retry budget ({@link PriorityRateLimiter#isIdle}), so it can be forgotten and created again when needed.
     */
    boolean isIdle(long now) {
        return callsInFlight == 0 && limiter.isIdle(now) && budget.isIdle(now);
    }

    /** Forgets the domain's saved state: its limiter and retry budget entries are removed from {@code storage}. */
    void removeFrom(StateStorage storage) {
        storage.remove(limiterKey);
        storage.remove(budgetKey);
    }

    @Override
    boolean hasUnsavedChanges() {
        return limiter.changeCount() != limiterSavedAt || budget.changeCount() != budgetSavedAt;
    }

    @Override
    void writeChanges(StateStorage storage) {
        if (limiter.changeCount() != limiterSavedAt) {
            storage.save(limiterKey, DomainEntryCodec.INSTANCE.encode(exchange, limiter));
            limiterSavedAt = limiter.changeCount();
        }
        if (budget.changeCount() != budgetSavedAt) {
            storage.save(budgetKey, RetryBudgetCodec.INSTANCE.encode(budget));
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
