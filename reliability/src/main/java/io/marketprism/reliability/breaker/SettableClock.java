package io.marketprism.reliability.breaker;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The clock handed to Resilience4j: it reads whatever time the breaker was last told. Never moves backwards. */
final class SettableClock extends Clock {

    private long millis;

    SettableClock(long millis) {
        this.millis = millis;
    }

    /** Moves the clock to {@code now} unless it already shows a later time. */
    void advanceTo(long now) {
        if (now > millis) {
            millis = now;
        }
    }

    /** Sets the clock to {@code now} even if that is earlier; only for replaying a snapshot. */
    void rewindTo(long now) {
        millis = now;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a breaker clock has no zone");
    }
}
