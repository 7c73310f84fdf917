package io.marketprism.ops.tools;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Reports the progress of a run of known length: on a terminal a bar redrawn in place at most every 100 ms,
 * otherwise one plain line every 5 seconds; then a summary line with count, seconds and rate.
 */
public final class ProgressReporter {

    private static final long TERMINAL_INTERVAL_NANOS = Duration.ofMillis(100).toNanos();
    private static final long PLAIN_INTERVAL_NANOS = Duration.ofSeconds(5).toNanos();
    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final long total;
    private final String unit;
    private final LongSupplier nanoTime;
    private final long startedAt;
    private long lastReportAt;

    /**
     * @param out where progress goes (stderr)
     * @param terminal whether {@code out} is a terminal that understands carriage returns
     * @param total how many items the run has
     * @param unit what the items are called in the output, e.g. "tasks"
     * @param nanoTime the monotonic clock, e.g. {@code System::nanoTime}
     */
    public ProgressReporter(PrintWriter out, boolean terminal, long total, String unit, LongSupplier nanoTime) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.unit = unit;
        this.nanoTime = nanoTime;
        this.startedAt = nanoTime.getAsLong();
        this.lastReportAt = startedAt;
    }

    /** Reports that {@code done} items are finished, if the last report is old enough. */
    public void update(long done) {
        long now = nanoTime.getAsLong();
        if (now - lastReportAt < (terminal ? TERMINAL_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS)) {
            return;
        }
        lastReportAt = now;
        if (terminal) {
            out.print("\r" + bar(done) + " " + counts(done, now));
        } else {
            out.println(counts(done, now));
        }
        out.flush();
    }

    /** Ends the bar and returns the summary line, e.g. {@code 1000 tasks in 2.00 s (500.0 tasks/s)}. */
    public String finish(long done) {
        long now = nanoTime.getAsLong();
        if (terminal && lastReportAt != startedAt) {
            out.println("\r" + bar(done) + " " + counts(done, now));
            out.flush();
        }
        double seconds = (now - startedAt) / 1e9;
        return String.format(Locale.ROOT, "%d %s in %.2f s (%.1f %s/s)", done, unit, seconds, rate(done, now), unit);
    }

    private String bar(long done) {
        int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * Math.min(done, total) / total);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
    }

    private String counts(long done, long now) {
        long percent = total == 0 ? 100 : 100 * done / total;
        return String.format(Locale.ROOT, "%d/%d %s (%d%%), %.1f %s/s", done, total, unit, percent, rate(done, now), unit);
    }

    private double rate(long done, long now) {
        long elapsed = now - startedAt;
        return elapsed <= 0 ? 0 : done * 1e9 / elapsed;
    }
}
