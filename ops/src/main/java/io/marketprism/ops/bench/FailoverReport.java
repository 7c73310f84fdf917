package io.marketprism.ops.bench;

import io.marketprism.ops.chaos.KillWithoutRestart;
import io.marketprism.ops.chaos.ScenarioReport;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one {@link FailoverBenchmark}: per run, the failover time, the normal pace before the kill and the
 * exactly-once verdict.
 *
 * @param runs       the runs, without and with a standby
 * @param loadBefore system load average (1 minute) before the runs
 * @param loadAfter  the same after them
 */
public record FailoverReport(List<ScenarioReport> runs, double loadBefore, double loadAfter) {

    /** One line per run. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(BenchmarkReport.machineLine(loadBefore, loadAfter)).append(System.lineSeparator());
        for (ScenarioReport run : runs) {
            sb.append(String.format(Locale.ROOT, "%-28s failover %s (target < %d s with a standby): dropped after "
                            + "%s, rebalanced after %s; before the kill %s; %s%n", run.name(),
                    figure(run, KillWithoutRestart.FAILOVER_FIGURE), KillWithoutRestart.TARGET.toSeconds(),
                    figure(run, KillWithoutRestart.DROPPED_FIGURE), figure(run, KillWithoutRestart.REBALANCED_FIGURE),
                    figure(run, KillWithoutRestart.CALM_FIGURE), verdict(run)));
        }
        return sb.toString();
    }

    /** The runs as the table in docs/performance.md. */
    public String markdown() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "| Run | Failover (longest stall from the "
                + "kill) | Group dropped the instance after | Group rebalanced after | Longest latency in the 5 s "
                + "before | Tasks | Verdict |%n|---|---|---|---|---|---|---|%n"));
        for (ScenarioReport run : runs) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %,d | %s |%n", run.title(),
                    figure(run, KillWithoutRestart.FAILOVER_FIGURE), figure(run, KillWithoutRestart.DROPPED_FIGURE),
                    figure(run, KillWithoutRestart.REBALANCED_FIGURE), figure(run, KillWithoutRestart.CALM_FIGURE),
                    run.verdict().produced(), verdict(run)));
        }
        return sb.toString();
    }

    private static String figure(ScenarioReport run, String name) {
        return run.figures().getOrDefault(name, "not measured");
    }

    private static String verdict(ScenarioReport run) {
        return run.passed() ? "exactly once, checks held" : "FAILED: " + String.join("; ", run.failures())
                + (run.verdict().exactlyOnce() ? "" : " " + run.verdict().summary());
    }
}
