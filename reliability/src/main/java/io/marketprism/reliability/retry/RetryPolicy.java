package io.marketprism.reliability.retry;

import java.util.Objects;

/**
 * Decides whether and when a failed task is tried again. Pure and deterministic: the same request gives the same
 * decision, jitter included, so re-processing a task after a crash repeats the decision. Checks, in order: the error
 * class, the attempts left, the deadline (the next try must not start after it), then the retry budget if one is
 * given (only a retry that passes everything else spends budget).
 *
 * <p>The delay is the strategy's backoff, jittered, capped at the maximum delay; an exchange's Retry-After is then
 * honoured as a lower bound whatever the strategy, even above the maximum delay.
 */
public final class RetryPolicy {

    private final RetryPolicyConfig config;

    public RetryPolicy(RetryPolicyConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public RetryPolicyConfig config() {
        return config;
    }

    /**
     * Whether and when to try again: never for a non-retryable class, after the last attempt or when the next try
     * would miss the deadline; else after the backoff (or the exchange's Retry-After). The limit domain's retry budget
     * is asked when the retry is about to be sent (see the engine), not here: a task whose deadline lets it wait for
     * the budget is not given up for it.
     */
    public RetryDecision decide(RetryRequest request) {
        if (!request.errorClass().isRetryable()) {
            return new RetryDecision.GiveUp(GiveUpReason.NON_RETRYABLE, "error class " + request.errorClass());
        }
        if (request.attempt() >= config.maxAttempts()) {
            return new RetryDecision.GiveUp(GiveUpReason.RETRIES_EXHAUSTED,
                    request.attempt() + " of " + config.maxAttempts() + " attempts used");
        }
        long delay = delayMillis(request);
        long dueAt = saturatedAdd(request.now(), delay);
        if (dueAt > request.deadline()) {
            return new RetryDecision.GiveUp(GiveUpReason.EXPIRED,
                    "next try at " + dueAt + " would be after the deadline " + request.deadline());
        }
        return new RetryDecision.RetryAt(dueAt, delay);
    }

    private long delayMillis(RetryRequest request) {
        int attempt = request.attempt();
        double capped = cappedBackoff(attempt, request.recentFailureRate());
        double jittered;
        switch (config.jitter()) {
            case NONE:
                jittered = capped;
                break;
            case FULL:
                jittered = capped * DeterministicRandom.unit(request.taskId(), attempt);
                break;
            case EQUAL:
                jittered = capped / 2 + capped / 2 * DeterministicRandom.unit(request.taskId(), attempt);
                break;
            case DECORRELATED:
                jittered = decorrelated(request.taskId(), attempt, request.recentFailureRate());
                break;
            default:
                throw new IllegalStateException("unhandled jitter " + config.jitter());
        }
        return Math.max((long) jittered, request.retryAfterMillis());
    }

    /** Decorrelated jitter replayed from the first attempt, so it depends only on (taskId, attempt). */
    private double decorrelated(String taskId, int attempt, double recentFailureRate) {
        double previous = cappedBackoff(1, recentFailureRate);
        for (int n = 1; n <= attempt; n++) {
            double low = cappedBackoff(n, recentFailureRate);
            double high = Math.max(low, 3 * previous);
            previous = Math.min(config.maxDelayMillis(), low + (high - low) * DeterministicRandom.unit(taskId, n));
        }
        return previous;
    }

    private double cappedBackoff(int attempt, double recentFailureRate) {
        double initial = config.initialDelayMillis();
        double backoff;
        switch (config.strategy()) {
            case FIXED:
                backoff = initial;
                break;
            case LINEAR:
                backoff = initial * attempt;
                break;
            case EXPONENTIAL:
                backoff = initial * Math.pow(config.multiplier(), attempt - 1);
                break;
            case FIBONACCI:
                backoff = initial * fibonacci(attempt);
                break;
            case ADAPTIVE:
                backoff = initial * Math.pow(config.multiplier(), attempt - 1)
                        * (1 + config.adaptiveGain() * recentFailureRate);
                break;
            default:
                throw new IllegalStateException("unhandled strategy " + config.strategy());
        }
        return Math.min(backoff, config.maxDelayMillis());
    }

    /** 1, 2, 3, 5, 8, ... as a double, which saturates to infinity instead of overflowing. */
    private static double fibonacci(int n) {
        double previous = 1;
        double current = 1;
        for (int i = 1; i < n; i++) {
            double next = previous + current;
            previous = current;
            current = next;
        }
        return current;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
