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
 * Scenario 7 of the chaos suite, reduced, on the strict simulator: 100 tasks a second with deadlines of 24 s against
 * 30 % 5xx, resets, hangs, 429s and Binance's bans, each in the venue's shape, with one endpoint and then a whole
 * exchange down for 8 s each. Every task ends once; traffic leaves a dead endpoint within 5 s and returns to it within
 * 30 s of its recovery; no call reaches a route more than a second after its ban was announced.
 *
 * <p>The share of tasks ending in a result (99.9 %) is measured and reported but not asserted here: the full run
 * ({@code ops/marketprism chaos --scenario upstream}, deadlines of 180 s) meets it (docs/reliability.md), while the
 * reduced deadlines of 24 s leave a few percent of tasks, after several failed attempts, backoffs, bans and a
 * breaker opening on Deribit's single endpoint, past their deadline on a loaded machine.
 */
class UpstreamChaosIT {

    @Test
    void shouldEndEveryTaskOnceAndMoveTrafficAroundDeadEndpointsUnderUpstreamFaults() throws Exception {
        ScenarioReport report = ChaosSuite.run(new UpstreamChaos(), Scale.FAST, 9,
                Path.of("target", "it-logs", "chaos"), new PrintWriter(System.err, true));

        assertThat(report.verdict().exactlyOnce()).as(report.verdict().summary()).isTrue();
        assertThat(report.failures()).filteredOn(failure -> !failure.startsWith(UpstreamChaos.SLA_CHECK)).isEmpty();
    }
}
