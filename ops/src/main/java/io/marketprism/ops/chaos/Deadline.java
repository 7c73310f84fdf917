package io.marketprism.ops.chaos;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A point in monotonic time by which a condition must hold: the harness waits on conditions, never fixed sleeps. */
public final class Deadline {

    private static final long POLL_MILLIS = 100;

    private final long atNanos;
    private final Duration span;

    private Deadline(Duration span) {
        this.span = span;
        this.atNanos = System.nanoTime() + span.toNanos();
    }

    /** A deadline {@code span} from now. */
    public static Deadline within(Duration span) {
        return new Deadline(span);
    }

    /** Whether the deadline has passed. */
    public boolean passed() {
        return System.nanoTime() >= atNanos;
    }

    /**
     * Polls {@code condition} every 100 ms until it holds.
     *
     * @param what what is awaited, for the message
     * @throws IllegalStateException when the deadline passes first
     */
    public void await(BooleanSupplier condition, String what) {
        if (!tryAwait(condition)) {
            throw new IllegalStateException("timed out after " + span.toSeconds() + " s waiting for " + what);
        }
    }

    /** Polls {@code condition} every 100 ms until it holds (true) or the deadline passes (false). */
    public boolean tryAwait(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            if (passed()) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return true;
    }
}
