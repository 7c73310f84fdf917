package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BenchmarkReportTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldGiveThePipelinesShareOfTheCeilingFromTheMedians() {
        // Given ceilings of 100,000, 120,000 and 80,000 tasks/s and pipelines of 25,000, 30,000 and 20,000
        BenchmarkReport report = report(List.of(ceiling(1, 100_000), pipeline(1, 25_000), ceiling(2, 120_000),
                pipeline(2, 30_000), ceiling(3, 80_000), pipeline(3, 20_000)));

        // Then the share is 25 % of the medians, every round also 25 %, and each phase spreads by 40 %
        assertThat(report.pipelineShareOfCeiling()).hasValueSatisfying(share -> assertThat(share)
                .isCloseTo(0.25, within(1e-9)));
        assertThat(report.shareByRound()).hasValueSatisfying(byRound -> {
            assertThat(byRound.min()).isCloseTo(0.25, within(1e-9));
            assertThat(byRound.max()).isCloseTo(0.25, within(1e-9));
        });
        assertThat(report.throughput(Phase.CEILING)).hasValueSatisfying(t -> assertThat(t.spread())
                .isCloseTo(0.40, within(1e-9)));
        assertThat(report.render())
                .containsPattern("ceiling\\s+2\\s+1,200,000\\s+10\\.00\\s+120,000")
                .containsPattern("pipeline\\s+1\\s+250,000\\s+10\\.00\\s+25,000\\s+12\\.00\\s+0\\s+30\\.0\\s+200\\s+60/120/150")
                .contains("ceiling   median 100,000 tasks/s, range 80,000 to 120,000, spread 40.0 %; median 2.0 CPU µs "
                        + "per task")
                .contains("share     25.0 % of the ceiling (medians); by round 25.0 to 25.0 %")
                .doesNotContain("warning");
        assertThat(report.markdown()).contains("| ceiling | 100,000, 120,000, 80,000 | 100,000 | 40.0 % | 10.0, 10.0, "
                        + "10.0 | 2.0 | 50 B |")
                .contains("| share | 25.0 to 25.0 % by round | **25.0 %** |");
    }

    @Test
    void shouldShowNoShareWhenTheCeilingWasNotMeasured() {
        BenchmarkReport report = report(List.of(pipeline(1, 25_000)));

        assertThat(report.pipelineShareOfCeiling()).isEmpty();
        assertThat(report.render()).doesNotContain("share ");
    }

    @Test
    void shouldWarnOfARunShorterThanTheMinimum() {
        PhaseResult brief = new PhaseResult(Phase.CEILING, 2, 100_000, SECOND, 2 * SECOND, 0, Optional.empty(), 0, 0);

        assertThat(report(List.of(brief)).render())
                .contains("warning   ceiling run 2 measured only 1.0 s; raise --ceiling-tasks");
    }

    private static PhaseResult ceiling(int run, long tasksPerSecond) {
        return new PhaseResult(Phase.CEILING, run, 10 * tasksPerSecond, 10 * SECOND, 11 * SECOND, 0,
                Optional.empty(), 20 * tasksPerSecond * 1_000, 500 * tasksPerSecond);
    }

    private static PhaseResult pipeline(int run, long tasksPerSecond) {
        return new PhaseResult(Phase.PIPELINE, run, 10 * tasksPerSecond, 10 * SECOND, 12 * SECOND, 0,
                Optional.of(new LatencyPercentiles(60, 120, 150, 200_000)), 300_000 * tasksPerSecond,
                2_000 * tasksPerSecond);
    }

    private static BenchmarkReport report(List<PhaseResult> runs) {
        return new BenchmarkReport(BenchmarkSettings.ofDefaults(), 195, "exactly_once_v2", 0.5, 1.5, runs);
    }
}
