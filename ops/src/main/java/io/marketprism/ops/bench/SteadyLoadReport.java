package io.marketprism.ops.bench;

import io.marketprism.ops.bench.SteadyLoadBenchmark.Percentiles;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@link SteadyLoadBenchmark} run: latency percentiles of the tasks created in the measured
 * window, and the CPU share and allocation of the service's threads over it.
 *
 * @param settings            what was asked for
 * @param loadAverageBefore   system load average (1 minute) before the run
 * @param loadAverageAfter    the same after it
 * @param windowNanos         length of the measured window
 * @param sent                tasks produced in the window
 * @param results             results read in the window (whenever their task was created)
 * @param endToEnd            produce → committed result, ms
 * @param serviceAdded        that minus the calls' latency as measured by the service's HTTP client, ms
 * @param beyondExchange      that minus the exchange's fixed latency per attempt, ms
 * @param stages              what the service adds, stage by stage
 * @param serviceCpuNanos     CPU time of the service's threads in the window
 * @param serviceAllocated    bytes the service's threads allocated in the window
 * @param serviceThreads      how many threads counted as the service's
 */
public record SteadyLoadReport(SteadyLoadSettings settings, double loadAverageBefore, double loadAverageAfter,
                               long windowNanos, long sent, long results, Percentiles endToEnd,
                               Percentiles serviceAdded, Percentiles beyondExchange, StageBreakdown stages,
                               long serviceCpuNanos, long serviceAllocated, int serviceThreads) {

    /**
     * What the service adds, stage by stage ({@link LatencyStages}).
     *
     * @param percentiles         per stage, ms
     * @param meanInTail          per stage, the mean over the tasks to which the service added its p99 or more, ms
     * @param incompleteTimelines tasks whose acknowledgement or commit end was not noted, or whose commit end was noted
     *                            after the result was read (the stream thread waited for a core): that stage counted 0
     * @param commits             how long the stream threads' {@code commitTransaction} took in the window, ms
     * @param gcPauses            the JVM's stop-the-world pauses in the window (broker and benchmark included)
     * @param pauseOverlap        how many tasks, and how many of the tail, spanned one of them
     * @param streamsRunQueueMillisPerSecond how long Kafka Streams' threads waited for a core, ms per second of the
     *                            window (NaN where Linux's scheduler statistics cannot be read)
     */
    public record StageBreakdown(Map<LatencyStages.Stage, Percentiles> percentiles,
                                 Map<LatencyStages.Stage, Double> meanInTail, long incompleteTimelines,
                                 Percentiles commits, List<GcPauses.Pause> gcPauses,
                                 LatencyStages.PauseOverlap pauseOverlap, double streamsRunQueueMillisPerSecond) {
        public StageBreakdown {
            percentiles = Map.copyOf(percentiles);
            meanInTail = Map.copyOf(meanInTail);
            gcPauses = List.copyOf(gcPauses);
        }

        /** One line on the pauses and the tasks they touched. */
        String pausesLine() {
            long total = gcPauses.stream().mapToLong(GcPauses.Pause::millis).sum();
            long longest = gcPauses.stream().mapToLong(GcPauses.Pause::millis).max().orElse(0);
            return String.format(Locale.ROOT, "%d stop-the-world GC pauses of the JVM (%d ms in all, %d ms the "
                            + "longest); %.1f %% of all tasks and %.1f %% of those at the p99 or more spanned one; "
                            + "the service added p99 %d ms to the tasks that spanned none",
                    gcPauses.size(), total, longest, percent(pauseOverlap.spanningAPause(), pauseOverlap.tasks()),
                    percent(pauseOverlap.tailSpanningAPause(), pauseOverlap.tailTasks()),
                    pauseOverlap.addedP99WithoutPauses());
        }

        private static double percent(int part, int whole) {
            return whole == 0 ? 0 : 100.0 * part / whole;
        }
    }

    /** Results per second in the window. */
    public double resultsPerSecond() {
        return results * 1e9 / windowNanos;
    }

    /** CPU time of the service's threads as a share of one core. */
    public double cpuShareOfOneCore() {
        return (double) serviceCpuNanos / windowNanos;
    }

    /** {@link #cpuShareOfOneCore()} scaled to 200 results per second. */
    public double cpuSharePer200TasksPerSecond() {
        return results == 0 ? Double.NaN : cpuShareOfOneCore() * 200 / resultsPerSecond();
    }

    /** Bytes the service's threads allocated per result. */
    public double allocatedBytesPerTask() {
        return results == 0 ? Double.NaN : (double) serviceAllocated / results;
    }

    /** A few lines: the run, latencies and cost. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Load       %.0f tasks/s produced (%,d in %.1f s), %,d results read "
                        + "(%.1f/s); exchange latency %d ms fixed; %d partitions; warm-up %d s%n",
                settings.ratePerSecond(), sent, windowNanos / 1e9, results, resultsPerSecond(),
                settings.exchangeLatencyMillis(), settings.partitions(), settings.warmupSeconds()));
        sb.append(BenchmarkReport.machineLine(loadAverageBefore, loadAverageAfter)).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "%-42s %8s %8s %8s %8s %8s%n", "latency (ms)", "p50", "p99", "p99.9",
                "max", "tasks"));
        line(sb, "produce -> committed result", endToEnd);
        line(sb, "  minus the calls (what the service adds)", serviceAdded);
        line(sb, "  minus the exchange's fixed latency", beyondExchange);
        sb.append(String.format(Locale.ROOT, "%-58s %6s %6s %6s %6s %14s%n", "what the service adds, by stage (ms)",
                "p50", "p99", "p99.9", "max", "mean in p99+"));
        for (LatencyStages.Stage stage : LatencyStages.Stage.values()) {
            Percentiles p = stages.percentiles().get(stage);
            sb.append(String.format(Locale.ROOT, "  %-56s %6d %6d %6d %6d %14.1f%n", stage.label(), p.p50(), p.p99(),
                    p.p999(), p.max(), stages.meanInTail().get(stage)));
        }
        sb.append(String.format(Locale.ROOT, "commits    %,d in the window (%.1f/s), commitTransaction "
                        + "p50/p99/p99.9/max %s ms; %d timelines incomplete%n", stages.commits().count(),
                stages.commits().count() * 1e9 / windowNanos, stages.commits(), stages.incompleteTimelines()));
        sb.append("gc         ").append(stages.pausesLine()).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "cores      Kafka Streams' threads waited %.0f ms per second for a core "
                + "(run queue)%n", stages.streamsRunQueueMillisPerSecond()));
        sb.append(String.format(Locale.ROOT, "cost       %.1f %% of one core (%d service threads), %.1f %% per 200 "
                        + "tasks/s; %,.0f bytes allocated per task%n", 100 * cpuShareOfOneCore(), serviceThreads,
                100 * cpuSharePer200TasksPerSecond(), allocatedBytesPerTask()));
        return sb.toString();
    }

    /** The figures as rows of the tables in docs/performance.md. */
    public String markdown() {
        return String.format(Locale.ROOT, "| Rate | Exchange latency | End to end p50/p99/p99.9/max | Service adds "
                        + "p50/p99/p99.9/max | Beyond the fixed latency | CPU (one core) | per 200 tasks/s | "
                        + "Allocation per task |%n|---|---|---|---|---|---|---|---|%n"
                        + "| %.0f/s | %d ms | %s ms | %s ms | %s ms | %.1f %% | %.1f %% | %,.0f B |%n",
                settings.ratePerSecond(), settings.exchangeLatencyMillis(), endToEnd, serviceAdded, beyondExchange,
                100 * cpuShareOfOneCore(), 100 * cpuSharePer200TasksPerSecond(), allocatedBytesPerTask())
                + stageTable();
    }

    private String stageTable() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n| What the service adds, by stage | "
                + "p50/p99/p99.9/max | Mean in the tasks at its p99 or more |%n|---|---|---|%n"));
        for (LatencyStages.Stage stage : LatencyStages.Stage.values()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s ms | %.1f ms |%n", stage.label(),
                    stages.percentiles().get(stage), stages.meanInTail().get(stage)));
        }
        sb.append(String.format(Locale.ROOT, "%nCommits: %.1f/s, `commitTransaction` p50/p99/p99.9/max %s ms.%n",
                stages.commits().count() * 1e9 / windowNanos, stages.commits()));
        sb.append(String.format(Locale.ROOT, "%nGC: %s. Kafka Streams' threads waited %.0f ms per second for a core.%n",
                stages.pausesLine(), stages.streamsRunQueueMillisPerSecond()));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, Percentiles p) {
        sb.append(String.format(Locale.ROOT, "%-42s %8d %8d %8d %8d %,8d%n", label, p.p50(), p.p99(), p.p999(),
                p.max(), p.count()));
    }
}
