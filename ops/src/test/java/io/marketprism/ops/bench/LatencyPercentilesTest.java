package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LatencyPercentilesTest {

    @Test
    void shouldTakeNearestRankPercentilesOfTheCountedSamplesOnly() {
        // Given 1..100 shuffled, followed by unused slots holding a huge value
        long[] samples = new long[110];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i;
        }
        Arrays.fill(samples, 100, 110, 1_000_000);

        // When
        LatencyPercentiles percentiles = LatencyPercentiles.of(samples, 100);

        // Then
        assertThat(percentiles).isEqualTo(new LatencyPercentiles(50, 99, 100, 100));
    }

    @Test
    void shouldRefuseToSummariseNoSamples() {
        assertThatThrownBy(() -> LatencyPercentiles.of(new long[4], 0)).hasMessageContaining("no latency samples");
    }

    @Property
    void shouldOrderPercentilesAndPickThemAmongTheSamples(@ForAll @Size(min = 1, max = 300) List<Long> values) {
        long[] samples = values.stream().mapToLong(Long::longValue).toArray();

        LatencyPercentiles percentiles = LatencyPercentiles.of(samples.clone(), samples.length);

        assertThat(percentiles.p50Millis()).isLessThanOrEqualTo(percentiles.p99Millis());
        assertThat(percentiles.p99Millis()).isLessThanOrEqualTo(percentiles.maxMillis());
        assertThat(values).contains(percentiles.p50Millis(), percentiles.p99Millis());
        assertThat(percentiles.maxMillis()).isEqualTo(values.stream().mapToLong(Long::longValue).max().orElseThrow());
        long atOrBelowMedian = values.stream().filter(v -> v <= percentiles.p50Millis()).count();
        assertThat(atOrBelowMedian * 2).isGreaterThanOrEqualTo(values.size());
    }
}
