package io.marketprism.ops.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.chaos.ChaosSuite;
import io.marketprism.ops.chaos.Scale;
import io.marketprism.ops.chaos.ScenarioReport;
import io.marketprism.ops.chaos.UpstreamChaos;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Scenario 7 of the chaos suite, reduced: 100 tasks a second with deadlines against 30 % 5xx, resets, hangs, 429s and
 * bans, with one endpoint and then a whole exchange down for 8 s each. Every task ends once; traffic leaves the dead
 * endpoint within 5 s; no call reaches an endpoint more than a second after its ban was announced.
 *
 * <p>Two targets are measured and reported but not asserted yet, as neither holds today (see docs/reliability.md): the
 * share of tasks ending in a result (99.9 %; a quarter or more are dead-lettered {@code BUDGET_EXHAUSTED} after their
 * first attempt although their deadlines would let them wait for the retry budget, and more expire waiting for an
 * endpoint whose breaker the background faults keep opening), and traffic back on a recovered endpoint within 30 s
 * (half-open trials fail at the background fault rate too). Drop the filter once they hold.
 */
class UpstreamChaosIT {

    @Test
    void shouldEndEveryTaskOnceAndMoveTrafficAroundDeadEndpointsUnderUpstreamFaults() throws Exception {
        ScenarioReport report = ChaosSuite.run(new UpstreamChaos(), Scale.FAST, 9,
                Path.of("target", "it-logs", "chaos"), new PrintWriter(System.err, true));

        assertThat(report.verdict().exactlyOnce()).as(report.verdict().summary()).isTrue();
        assertThat(report.failures()).filteredOn(failure -> !failure.startsWith(UpstreamChaos.SLA_CHECK)
                && !failure.startsWith(UpstreamChaos.RETURN_CHECK)).isEmpty();
    }
}
