package io.marketprism.ops.bench;

import io.marketprism.ops.bench.SteadyLoadBenchmark.Percentiles;
import java.util.Locale;

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
 * @param serviceCpuNanos     CPU time of the service's threads in the window
 * @param serviceAllocated    bytes the service's threads allocated in the window
 * @param serviceThreads      how many threads counted as the service's
 */
public record SteadyLoadReport(SteadyLoadSettings settings, double loadAverageBefore, double loadAverageAfter,
                               long windowNanos, long sent, long results, Percentiles endToEnd,
                               Percentiles serviceAdded, Percentiles beyondExchange, long serviceCpuNanos,
                               long serviceAllocated, int serviceThreads) {

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
                100 * cpuShareOfOneCore(), 100 * cpuSharePer200TasksPerSecond(), allocatedBytesPerTask());
    }

    private static void line(StringBuilder sb, String label, Percentiles p) {
        sb.append(String.format(Locale.ROOT, "%-42s %8d %8d %8d %8d %,8d%n", label, p.p50(), p.p99(), p.p999(),
                p.max(), p.count()));
    }
}
