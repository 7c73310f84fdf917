package io.marketprism.reliability.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LimiterConfigTest {

    @Test
    void defaultsShouldDescribeBinanceSpotBudgets() {
        LimiterConfig config = LimiterConfig.ofDefaults();

        assertThat(config.windows()).containsExactly(
                WindowLimit.weight(6000, 60_000), WindowLimit.requests(1200, 60_000));
        assertThat(config.usedWeightWindowMillis()).isEqualTo(60_000);
        assertThat(config.criticalReserveShare()).isEqualTo(0.10);
    }

    @Test
    void shouldNameKeyAndRangeWhenSetterGetsValueOutOfRange() {
        assertThatThrownBy(() -> LimiterConfig.builder().bucketCapacity(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bucketCapacity must be in [1, 1000000000], was 0");
        assertThatThrownBy(() -> LimiterConfig.builder().rateCutFactor(1.0))
                .hasMessage("rateCutFactor must be in [0.01, 0.99], was 1.0");
        assertThatThrownBy(() -> LimiterConfig.builder().criticalReserveShare(Double.NaN))
                .hasMessageContaining("criticalReserveShare must be in [0.0, 0.5]");
        assertThatThrownBy(() -> LimiterConfig.builder().windows())
                .hasMessage("windows.count must be in [1, 8], was 0");
    }

    @Test
    void shouldRejectWindowWithMoreSlotsThanMilliseconds() {
        assertThatThrownBy(() -> new WindowLimit(WindowMeasure.WEIGHT, 10, 5, 6))
                .hasMessage("window.slots must be in [1, 5], was 6");
    }

    @Test
    void shouldRejectUsedWeightWindowThatMatchesNoWeightWindow() {
        LimiterConfig.Builder builder = LimiterConfig.builder()
                .windows(WindowLimit.requests(100, 60_000))
                .usedWeightWindowMillis(60_000);

        assertThatThrownBy(builder::build)
                .hasMessageContaining("usedWeightWindowMillis 60000 must be 0 or the length of a WEIGHT window");
    }

    @Test
    void shouldRejectBudgetTheReserveLeavesNothingOf() {
        LimiterConfig.Builder builder = LimiterConfig.builder().bucketCapacity(1).criticalReserveShare(0.1);

        assertThatThrownBy(builder::build).hasMessageContaining("bucketCapacity 1 leaves nothing outside");
    }
}
