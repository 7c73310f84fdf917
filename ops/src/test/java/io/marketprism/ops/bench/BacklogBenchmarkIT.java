package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The backlog suite end to end at a small size, on the real broker: it must start (its budget files must be valid
 * definitions), drain in priority-then-arrival order and restore into a fresh instance. A broken suite otherwise
 * shows only when someone runs the benchmarks.
 */
class BacklogBenchmarkIT {

    @Test
    void aSmallBacklogDrainsInOrderAndRestoresIntoANewInstance() throws Exception {
        StringWriter progress = new StringWriter();

        BacklogReport report = new BacklogBenchmark(2_000, 2, 3, 2, Duration.ofSeconds(120),
                new PrintWriter(progress, true)).run();

        assertThat(report.tasks()).isEqualTo(2_000);
        assertThat(report.results()).as("results read while draining").isPositive();
        assertThat(report.orderViolations()).as("results out of priority-then-arrival order").isZero();
        assertThat(report.restoreNanos()).as("restore time").isPositive();
        assertThat(report.firstResultNanos()).as("time to a result of every exchange after the restore")
                .isGreaterThanOrEqualTo(report.restoreNanos());
        assertThat(progress.toString()).contains("restoring the backlog");
    }
}
