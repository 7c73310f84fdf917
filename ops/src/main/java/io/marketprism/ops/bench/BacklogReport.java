package io.marketprism.ops.bench;

import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@link BacklogBenchmark} run.
 *
 * @param tasks            tasks in the backlog
 * @param budgetPerSecond  calls per second each exchange could start
 * @param partitions       partitions of every topic
 * @param loadBefore       system load average (1 minute) before the run
 * @param loadAfter        the same after it
 * @param intakeNanos      from the first task produced to the last one in the stores
 * @param heapBefore       used heap after a full collection before the service started
 * @param heapWithBacklog  the same with the backlog waiting
 * @param maxHeap          the JVM's heap limit
 * @param results          results read while draining
 * @param orderViolations  results out of priority-then-arrival order among them
 * @param priorities       results per priority
 * @param restoreNanos     from starting a new instance with an empty state directory to RUNNING
 * @param firstResultNanos from that start until it had produced a result for every exchange
 */
public record BacklogReport(int tasks, double budgetPerSecond, int partitions, double loadBefore, double loadAfter,
                            long intakeNanos, long heapBefore, long heapWithBacklog, long maxHeap, long results,
                            long orderViolations, Map<String, Long> priorities, long restoreNanos,
                            long firstResultNanos) {

    /** A few lines: intake, heap, drain order, restore. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Backlog    %,d tasks behind %.1f calls/s per exchange, %d partitions%n",
                tasks, budgetPerSecond, partitions));
        sb.append(BenchmarkReport.machineLine(loadBefore, loadAfter)).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "intake     %.1f s to take every task into the stores%n",
                intakeNanos / 1e9));
        sb.append(String.format(Locale.ROOT, "heap       %,d MB used before the service, %,d MB with the backlog "
                        + "waiting (+%,d MB), limit %,d MB%n", mb(heapBefore), mb(heapWithBacklog),
                mb(heapWithBacklog - heapBefore), mb(maxHeap)));
        sb.append(String.format(Locale.ROOT, "drain      %,d results, %,d out of priority-then-arrival order, by "
                + "priority %s%n", results, orderViolations, priorities));
        sb.append(String.format(Locale.ROOT, "restore    %.1f s to RUNNING with an empty state directory, %.1f s until "
                + "every exchange had a result again%n", restoreNanos / 1e9, firstResultNanos / 1e9));
        return sb.toString();
    }

    /** The figures as a row of the table in docs/performance.md. */
    public String markdown() {
        return String.format(Locale.ROOT, "| Tasks | Budget | Intake | Heap before → with the backlog | Drained, "
                        + "out of order | Restore: to RUNNING, to results of every exchange |%n|---|---|---|---|---|---|%n"
                        + "| %,d | %.1f/s per exchange | %.1f s | %,d → %,d MB | %,d, %,d | %.1f s, %.1f s |%n",
                tasks, budgetPerSecond, intakeNanos / 1e9, mb(heapBefore), mb(heapWithBacklog), results,
                orderViolations, restoreNanos / 1e9, firstResultNanos / 1e9);
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
