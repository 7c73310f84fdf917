package io.marketprism.reliability.limiter;


/** Token bucket in integer micro-tokens so that refill and wait times are exact and restorable bit for bit. */
final class TokenBucket {

    static final long MICROS_PER_TOKEN = 1_000_000L;
    private static final long NEVER = Long.MIN_VALUE;

    private final long capacityMicros;
    private long tokensMicros;
    private long lastRefillAt;
    private long refillMicrosPerMilli = 1;

    TokenBucket(long capacityTokens) {
        this(capacityTokens * MICROS_PER_TOKEN, capacityTokens * MICROS_PER_TOKEN, NEVER);
    }

    private TokenBucket(long capacityMicros, long tokensMicros, long lastRefillAt) {
        this.capacityMicros = capacityMicros;
        this.tokensMicros = Math.min(tokensMicros, capacityMicros);
        this.lastRefillAt = lastRefillAt;
    }

    /** Micro-tokens per millisecond for a refill rate in tokens per second; at least 1. */
    static long microsPerMilli(double tokensPerSecond) {
        return Math.max(1, Math.round(tokensPerSecond * (MICROS_PER_TOKEN / 1000.0)));
    }

    void setRate(long microsPerMilli) {
        this.refillMicrosPerMilli = microsPerMilli;
    }

    /** Adds what accrued since the last refill; {@code now} never goes backwards. */
    void refill(long now) {
        if (lastRefillAt != NEVER) {
            long deficit = capacityMicros - tokensMicros;
            long elapsed = now - lastRefillAt;
            if (elapsed >= ceilDiv(deficit, refillMicrosPerMilli)) {
                tokensMicros = capacityMicros;
            } else {
                tokensMicros += elapsed * refillMicrosPerMilli;
            }
        }
        lastRefillAt = now;
    }

    boolean holds(long micros) {
        return tokensMicros >= micros;
    }

    void take(long micros) {
        tokensMicros -= micros;
    }

    /** Milliseconds until the bucket holds {@code micros}, which is at most its capacity. */
    long millisUntilHolding(long micros) {
        return tokensMicros >= micros ? 0 : ceilDiv(micros - tokensMicros, refillMicrosPerMilli);
    }

    long capacityMicros() {
        return capacityMicros;
    }

    long tokensMicros() {
        return tokensMicros;
    }

    /** A bucket of {@code capacityTokens} holding this one's tokens (capped), for restoring into a new config. */
    TokenBucket copyWithCapacity(long capacityTokens) {
        return new TokenBucket(capacityTokens * MICROS_PER_TOKEN, tokensMicros, lastRefillAt);
    }

    /** This bucket with its last refill no later than {@code now}. */
    TokenBucket rebasedTo(long now) {
        return lastRefillAt <= now ? this : new TokenBucket(capacityMicros, tokensMicros, now);
    }

    long lastRefillAt() {
        return lastRefillAt;
    }

    /** A bucket holding {@code tokensMicros} as last refilled at {@code lastRefillAt}, for saved state. */
    static TokenBucket saved(long tokensMicros, long lastRefillAt) {
        return new TokenBucket(Long.MAX_VALUE, tokensMicros, lastRefillAt);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
