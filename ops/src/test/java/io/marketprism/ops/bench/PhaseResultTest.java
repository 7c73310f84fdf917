package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PhaseResultTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldMeasureOnlyTheRecordsBetweenTheTwoLooks() {
        // Given the first look after the warm-up saw 25,000 records at t=3 s and the last 225,000 at t=7 s
        Observation first = new Observation(3 * SECOND, 25_000);
        Observation last = new Observation(7 * SECOND, 225_000);

        // When
        PhaseResult result = PhaseResult.between(Phase.CEILING, 1, first, last, SECOND, 0, Optional.empty(), 0, 0);

        // Then 200,000 records in 4 s; the whole phase took 6 s since the start at t=1 s
        assertThat(result.measuredTasks()).isEqualTo(200_000);
        assertThat(result.tasksPerSecond()).isCloseTo(50_000.0, within(1e-6));
        assertThat(result.sinceStartNanos()).isEqualTo(6 * SECOND);
    }

    @Test
    void shouldRefuseARateWhenAllOutputArrivedInOneLook() {
        Observation once = new Observation(2 * SECOND, 1_000);

        assertThatThrownBy(() -> PhaseResult.between(Phase.PIPELINE, 1, once, once, 0, 0, Optional.empty(), 0, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PIPELINE").hasMessageContaining("raise --tasks");
    }
}
