package io.marketprism.ops.bench;

import io.marketprism.ops.bench.ScaleOutBenchmark.ScaleOutWorkload;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@link ScaleOutBenchmark}: per instance count the results per second, the CPU its instances and
 * the machine used and the load, and each count's speed-up over one instance against the target (issue 11: 2
 * instances at least 1.8 times, 4 at least 3.2 times).
 *
 * @param workload   what the instances worked on
 * @param runs       the run of each instance count, one instance first
 * @param loadBefore system load average (1 minute) before the runs
 * @param loadAfter  the same after them
 */
public record ScaleOutReport(ScaleOutWorkload workload, Map<Integer, Run> runs, double loadBefore,
                             double loadAfter) {

    private static final Map<Integer, Double> TARGET_SPEED_UP = Map.of(2, 1.8, 4, 3.2);

    /**
     * One instance count's window.
     *
     * @param resultsPerSecond results completed per second
     * @param instanceCores    cores the instances' JVMs used together
     * @param machineBusy      the machine's busy share over all its cores (NaN where unknown)
     * @param loadAtStart      load average (1 minute) at the window's start
     * @param loadAtEnd        the same at its end
     * @param callSlotCapacity results per second the call slots allow at most
     *                         ({@link ScaleOutWorkload#callSlotCapacity})
     */
    public record Run(double resultsPerSecond, double instanceCores, double machineBusy, double loadAtStart,
                      double loadAtEnd, double callSlotCapacity) {

        /** The share of the call slots' bound the run reached. */
        double ofCapacity() {
            return resultsPerSecond / callSlotCapacity;
        }
    }

    /** The speed-up of {@code instances} over one instance. */
    public double speedUp(int instances) {
        return runs.get(instances).resultsPerSecond() / runs.get(1).resultsPerSecond();
    }

    /** The workload line and one line per instance count. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("Workload   ").append(workload.describe()).append(System.lineSeparator());
        sb.append(BenchmarkReport.machineLine(loadBefore, loadAfter)).append(System.lineSeparator());
        runs.forEach((instances, run) -> sb.append(String.format(Locale.ROOT,
                "%d instance(s) %8.1f results/s (%.0f %% of the call slots' %.0f/s)  x%.2f%s; instances %.2f "
                        + "cores, machine %.0f %% busy, load %.1f to %.1f%n", instances, run.resultsPerSecond(),
                run.ofCapacity() * 100, run.callSlotCapacity(), speedUp(instances), target(instances),
                run.instanceCores(), run.machineBusy() * 100, run.loadAtStart(), run.loadAtEnd())));
        return sb.toString();
    }

    /** The workload and the table in docs/performance.md. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("Workload: ").append(workload.describe()).append('.')
                .append(System.lineSeparator()).append(System.lineSeparator())
                .append("| Instances | Results/s | Of the call slots' bound | Speed-up over 1 | Target "
                        + "| Instances' CPU | Machine busy | Load in the window |").append(System.lineSeparator())
                .append("|---|---|---|---|---|---|---|---|").append(System.lineSeparator());
        runs.forEach((instances, run) -> sb.append(String.format(Locale.ROOT,
                "| %d | %.1f | %.0f %% of %.0f/s | x%.2f | %s | %.2f cores | %.0f %% | %.1f to %.1f |%n",
                instances, run.resultsPerSecond(), run.ofCapacity() * 100, run.callSlotCapacity(), speedUp(instances),
                TARGET_SPEED_UP.containsKey(instances)
                        ? String.format(Locale.ROOT, ">= x%.1f", TARGET_SPEED_UP.get(instances)) : "",
                run.instanceCores(), run.machineBusy() * 100, run.loadAtStart(), run.loadAtEnd())));
        return sb.toString();
    }

    private String target(int instances) {
        Double target = TARGET_SPEED_UP.get(instances);
        if (target == null) {
            return "";
        }
        return String.format(Locale.ROOT, " (target >= x%.1f: %s)", target, speedUp(instances) >= target ? "met"
                : "NOT met");
    }
}
