package io.marketprism.ops.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.chaos.ChaosSuite;
import io.marketprism.ops.chaos.KillsWithRestarts;
import io.marketprism.ops.chaos.Scale;
import io.marketprism.ops.chaos.ScenarioReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The reduced scenario 2 of the chaos suite: 12,000 tasks through two kill -9 of three instances, each restarted at
 * once, and every task ends in exactly one terminal record with no transaction left open. Its negative control, the
 * same under at_least_once, must be caught by the verifier.
 */
class KillsWithRestartsIT {

    private static final Path LOGS = Path.of("target", "it-logs", "chaos");

    @Test
    void shouldEndEveryTaskExactlyOnceThroughKillsAndRestarts() throws Exception {
        ScenarioReport report = ChaosSuite.run(KillsWithRestarts.exactlyOnce(), Scale.FAST, 7, LOGS,
                new PrintWriter(System.err, true));

        assertThat(report.verdict().exactlyOnce()).as(report.verdict().summary()).isTrue();
        assertThat(report.verdict().produced()).isEqualTo(12_000);
        assertThat(report.passed()).as(report.failures().toString()).isTrue();
    }

    @Test
    void shouldCatchDuplicatesOrLossesUnderAtLeastOnceWithKills() throws Exception {
        ScenarioReport report = ChaosSuite.run(KillsWithRestarts.atLeastOnceControl(), Scale.FAST, 7, LOGS,
                new PrintWriter(System.err, true));

        assertThat(report.verdict().exactlyOnce()).as("the verifier must fail under at_least_once: "
                + report.verdict().summary()).isFalse();
        assertThat(report.passed()).as(report.failures().toString()).isTrue();
    }
}
