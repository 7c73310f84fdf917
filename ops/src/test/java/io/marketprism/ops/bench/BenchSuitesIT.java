package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.cli.MarketPrismCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code marketprism bench} end to end through its command line, every suite that takes a size at a small one, on the
 * real broker: each must run to its figures and append its table, so a suite that no longer starts fails the build
 * rather than the next person who measures. Left out, for the build's time: failover and scale-out, whose warm-ups and
 * windows are fixed (tens of seconds per instance count); the backlog has {@link BacklogBenchmarkIT}.
 */
class BenchSuitesIT {

    @TempDir
    Path dir;

    @Test
    void everySizedSuiteRunsAtASmallSizeAndAppendsItsTable() throws Exception {
        Path figures = dir.resolve("performance.md");
        StringWriter out = new StringWriter();
        StringWriter progress = new StringWriter();
        CommandLine cli = new CommandLine(new MarketPrismCli())
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(progress, true));

        // the ceiling's copy reads tens of thousands of records a second even on a loaded machine: fewer can arrive
        // in one poll, which leaves no rate to measure
        int code = cli.execute("bench", "--suite", "ceiling,latency,cost,budget",
                "--tasks", "5000", "--ceiling-tasks", "50000", "--warmup", "1000", "--runs", "1", "--min-seconds", "0",
                "--partitions", "2", "--steady-warmup-seconds", "2", "--steady-seconds", "3",
                "--latency-rate", "50", "--cost-rate", "50",
                "--budget-minutes", "0.25", "--budget-factor", "1",
                "--timeout-seconds", "120", "--append-to", figures.toString());

        assertThat(code).as("exit code; progress:%n%s", progress).isZero();
        String appended = Files.readString(figures);
        for (String suite : new String[] {"ceiling", "latency", "cost", "budget"}) {
            assertThat(appended).as("table of " + suite).contains(suite + ":");
        }
        assertThat(out.toString()).contains("produce -> committed result");
    }
}
