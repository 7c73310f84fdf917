package io.marketprism.ops.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.marketprism.ops.chaos.Trend.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The soak's flatness judgement: a least-squares line through the second half of a series. */
class TrendTest {

    @Test
    void shouldJudgeANoisyLevelSeriesFlatThoughItsWarmUpRose() {
        Random noise = new Random(1);
        List<Sample> samples = series(30, minute -> minute < 10 ? 10 * minute : 100 + noise.nextGaussian() * 5);

        Trend trend = Trend.ofSecondHalf(samples);

        assertThat(trend.flat(0.10)).as(trend.describe("MiB")).isTrue();
        assertThat(trend.samples()).isEqualTo(15);
        assertThat(trend.mean()).isCloseTo(100, offset(5.0));
    }

    @Test
    void shouldJudgeASteadyLeakNotFlat() {
        List<Sample> samples = series(30, minute -> 100 + minute);   // +14 over a second half whose mean is about 122

        Trend trend = Trend.ofSecondHalf(samples);

        assertThat(trend.slopePerMinute()).isCloseTo(1.0, offset(1e-9));
        assertThat(trend.growthShare()).isCloseTo(14.0 / 122.0, offset(1e-3));
        assertThat(trend.flat(0.10)).isFalse();
    }

    @Test
    void shouldNotHoldAFallingSeriesAgainstIt() {
        assertThat(Trend.ofSecondHalf(series(30, minute -> 200 - minute)).flat(0.0)).isTrue();
    }

    @Test
    void shouldRefuseASecondHalfOfFewerThanThreeSamples() {
        assertThatThrownBy(() -> Trend.ofSecondHalf(series(3, minute -> 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("three samples");
    }

    private static List<Sample> series(int minutes, IntToDoubleFunction value) {
        List<Sample> samples = new ArrayList<>();
        for (int minute = 0; minute < minutes; minute++) {
            samples.add(new Sample(minute, value.applyAsDouble(minute)));
        }
        return samples;
    }
}
