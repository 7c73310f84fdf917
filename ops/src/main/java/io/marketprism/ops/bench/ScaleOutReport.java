package io.marketprism.ops.bench;

import io.marketprism.ops.bench.ScaleOutBenchmark.ScaleOutWorkload;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@link ScaleOutBenchmark}: results per second by instance count, and each count's speed-up over
 * one instance against the target (issue 11: 2 instances at least 1.8 times, 4 at least 3.2 times).
 *
 * @param workload         what the instances worked on
 * @param resultsPerSecond results completed per second, by instance count, one instance first
 * @param loadBefore       system load average (1 minute) before the runs
 * @param loadAfter        the same after them
 */
public record ScaleOutReport(ScaleOutWorkload workload, Map<Integer, Double> resultsPerSecond, double loadBefore,
                             double loadAfter) {

    private static final Map<Integer, Double> TARGET_SPEED_UP = Map.of(2, 1.8, 4, 3.2);

    /** The speed-up of {@code instances} over one instance. */
    public double speedUp(int instances) {
        return resultsPerSecond.get(instances) / resultsPerSecond.get(1);
    }

    /** The workload line and one line per instance count. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("Workload   ").append(workload.describe()).append(System.lineSeparator());
        sb.append(BenchmarkReport.machineLine(loadBefore, loadAfter)).append(System.lineSeparator());
        resultsPerSecond.forEach((instances, rate) -> sb.append(String.format(Locale.ROOT,
                "%d instance(s) %8.1f results/s  x%.2f%s%n", instances, rate, speedUp(instances), target(instances))));
        return sb.toString();
    }

    /** The workload and the table in docs/performance.md. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("Workload: ").append(workload.describe()).append('.')
                .append(System.lineSeparator()).append(System.lineSeparator())
                .append("| Instances | Results/s | Speed-up over 1 | Target |").append(System.lineSeparator())
                .append("|---|---|---|---|").append(System.lineSeparator());
        resultsPerSecond.forEach((instances, rate) -> sb.append(String.format(Locale.ROOT, "| %d | %.1f | x%.2f | %s |%n",
                instances, rate, speedUp(instances), TARGET_SPEED_UP.containsKey(instances)
                        ? String.format(Locale.ROOT, ">= x%.1f", TARGET_SPEED_UP.get(instances)) : "")));
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
