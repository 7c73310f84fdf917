package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import io.marketprism.ops.tools.TaskFormat;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchmarkSettingsTest {

    @Test
    void shouldMeasureBothPhasesThreeTimesForAtLeastTenSecondsByDefault() {
        BenchmarkSettings settings = BenchmarkSettings.ofDefaults();

        assertThat(settings.phases()).containsExactlyInAnyOrder(Phase.CEILING, Phase.PIPELINE);
        assertThat(settings.runs()).isEqualTo(3);
        assertThat(settings.minSeconds()).isEqualTo(10);
        assertThat(settings.measuredTasks(Phase.PIPELINE)).isEqualTo(400_000);
        assertThat(settings.measuredTasks(Phase.CEILING)).isEqualTo(4_000_000);
    }

    @Test
    void shouldRejectZeroRunsNamingTheOption() {
        assertThatThrownBy(() -> new BenchmarkSettings(10, 10, 0, 6, TaskFormat.JSON, InputKeys.HOST_SET,
                EnumSet.allOf(Phase.class), 0, 10, Map.of(), Duration.ofSeconds(10)))
                .hasMessageContaining("--runs must be in 1..100, got 0");
    }

    @Test
    void shouldRejectZeroTasksNamingTheOptionAndRange() {
        assertThatThrownBy(() -> settings(0, 0, 6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--tasks").hasMessageContaining("1..100000000").hasMessageContaining("got 0");
    }

    @Test
    void shouldRejectNegativeWarmupNamingTheOptionAndRange() {
        assertThatThrownBy(() -> settings(10, -1, 6)).hasMessageContaining("--warmup must be in 0..100000000");
    }

    @Test
    void shouldRejectPartitionsOutsideTheServicesRange() {
        assertThatThrownBy(() -> settings(10, 0, 10_001)).hasMessageContaining("--partitions must be in 1..10000");
    }

    @Test
    void shouldRejectAnEmptySetOfPhases() {
        assertThatThrownBy(() -> new BenchmarkSettings(10, 10, 0, 6, TaskFormat.JSON, InputKeys.HOST_SET, Set.of(), 1,
                10, Map.of(), Duration.ofSeconds(1))).hasMessageContaining("--phases");
    }

    @Test
    void shouldRejectATimeoutAboveOneHour() {
        assertThatThrownBy(() -> new BenchmarkSettings(10, 10, 0, 6, TaskFormat.JSON, InputKeys.HOST_SET,
                EnumSet.allOf(Phase.class), 1, 10, Map.of(), Duration.ofSeconds(3601)))
                .hasMessageContaining("--timeout-seconds must be in 1..3600");
    }

    private static BenchmarkSettings settings(int tasks, int warmup, int partitions) {
        return new BenchmarkSettings(tasks, 10, warmup, partitions, TaskFormat.JSON, InputKeys.HOST_SET,
                EnumSet.allOf(Phase.class), 1, 10, Map.of(), Duration.ofSeconds(10));
    }
}
