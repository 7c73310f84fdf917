package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BenchmarkReportTest {

    private static final long SECOND = 1_000_000_000L;
    private static final PhaseResult CEILING = new PhaseResult(Phase.CEILING, 200_000, 2 * SECOND, 3 * SECOND, 0,
            Optional.empty());
    private static final PhaseResult PIPELINE = new PhaseResult(Phase.PIPELINE, 200_000, 8 * SECOND, 10 * SECOND, 0,
            Optional.of(new LatencyPercentiles(60, 120, 150, 200_000)));

    @Test
    void shouldGiveThePipelinesShareOfTheCeiling() {
        BenchmarkReport report = report(List.of(CEILING, PIPELINE));

        assertThat(report.pipelineShareOfCeiling()).hasValueSatisfying(share -> assertThat(share)
                .isCloseTo(0.25, within(1e-9)));
        assertThat(report.render())
                .contains("200,000 json tasks per phase")
                .containsPattern("ceiling\\s+200,000\\s+2\\.00\\s+100,000\\s+100 %")
                .containsPattern("pipeline\\s+200,000\\s+8\\.00\\s+25,000\\s+25\\.0 %\\s+10\\.00\\s+0\\s+60/120/150");
    }

    @Test
    void shouldShowNoShareWhenTheCeilingWasNotMeasured() {
        BenchmarkReport report = report(List.of(PIPELINE));

        assertThat(report.pipelineShareOfCeiling()).isEmpty();
        assertThat(report.render()).containsPattern("pipeline\\s+200,000\\s+8\\.00\\s+25,000\\s+-\\s");
    }

    private static BenchmarkReport report(List<PhaseResult> phases) {
        BenchmarkSettings defaults = BenchmarkSettings.ofDefaults();
        BenchmarkSettings settings = new BenchmarkSettings(180_000, 20_000, 6, defaults.format(), defaults.phases(),
                defaults.serviceOverrides(), defaults.timeout());
        return new BenchmarkReport(settings, 195, "exactly_once_v2", 0.5, 1.5, phases);
    }
}
