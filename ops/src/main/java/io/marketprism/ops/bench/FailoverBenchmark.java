package io.marketprism.ops.bench;

import io.marketprism.ops.chaos.ChaosSuite;
import io.marketprism.ops.chaos.KillWithoutRestart;
import io.marketprism.ops.chaos.Scale;
import io.marketprism.ops.chaos.ScenarioReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The failover suite: tasks at a steady rate over two instances, one killed with SIGKILL and not restarted, without and
 * with a standby replica; the time until results resume on its partitions. Each run is the chaos suite's failover
 * scenario ({@link KillWithoutRestart}) with two instances, on its own broker and simulator with the documented
 * failover settings, at the chaos suite's fast scale (15 s of load before the kill, 30 s after).
 */
public final class FailoverBenchmark {

    private static final long SEED = 42;
    private static final List<Integer> STANDBYS = List.of(0, 1);

    private final PrintWriter progress;

    public FailoverBenchmark(PrintWriter progress) {
        this.progress = progress;
    }

    /** Runs without and with a standby, each on a fresh stack under a new temporary directory (kept for its logs). */
    public FailoverReport run() throws Exception {
        double loadBefore = BenchmarkReport.loadAverage();
        Path workDir = Files.createTempDirectory("marketprism-bench-failover-");
        progress.println("failover: instance logs in " + workDir);
        progress.flush();
        List<ScenarioReport> runs = new ArrayList<>();
        for (int standbys : STANDBYS) {
            runs.add(ChaosSuite.run(KillWithoutRestart.ofTwoInstances(standbys), Scale.FAST, SEED, workDir,
                    progress));
        }
        return new FailoverReport(runs, loadBefore, BenchmarkReport.loadAverage());
    }
}
