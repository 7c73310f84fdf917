package io.marketprism.topology.processor;

import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.CollectorTask;
import java.time.Instant;
import java.util.List;

/**
 * Retries scheduled by an instance whose clock ran ahead. Their due time ({@code notBefore}) is that instance's
 * clock plus the backoff, so on any other instance they would wait as long as the clocks differ (minutes, hours). The
 * task's own history tells: its last attempt started after the current time, and its due time lies further ahead than
 * the backoff that attempt chose. Such a due time is brought back to now plus that backoff. Under correct clocks (up
 * to the tolerance) nothing changes.
 */
final class SkewedRetries {

    private SkewedRetries() {
    }

    /**
     * Whether the task's last attempt was made ahead of {@code now} by more than {@code toleranceMillis}: by an
     * instance whose clock ran ahead.
     */
    static boolean madeAhead(CollectorTask task, long now, long toleranceMillis) {
        Attempt last = lastAttempt(task);
        return last != null && last.getStartedAt().toEpochMilli() > now + toleranceMillis;
    }

    /**
     * Brings a skewed due time back to {@code now} plus the backoff the last attempt chose; returns whether it did.
     */
    static boolean correct(CollectorTask task, long now, long toleranceMillis) {
        if (task.getNotBefore() == null || !madeAhead(task, now, toleranceMillis)) {
            return false;
        }
        Long backoff = lastAttempt(task).getDelayBeforeNextMs();
        long due = now + (backoff == null ? 0 : Math.max(0, backoff));
        if (task.getNotBefore().toEpochMilli() <= due + toleranceMillis) {
            return false;
        }
        task.setNotBefore(Instant.ofEpochMilli(due));
        return true;
    }

    private static Attempt lastAttempt(CollectorTask task) {
        List<Attempt> attempts = task.getAttempts();
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }
}
