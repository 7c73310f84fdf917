package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunSpreadTest {

    @Test
    void shouldTakeTheMiddleFigureOfAnOddCountAndTheRangeAsShareOfIt() {
        RunSpread spread = RunSpread.of(List.of(120.0, 100.0, 90.0));

        assertThat(spread.median()).isEqualTo(100.0);
        assertThat(spread.min()).isEqualTo(90.0);
        assertThat(spread.max()).isEqualTo(120.0);
        assertThat(spread.spread()).isCloseTo(0.30, within(1e-9));
    }

    @Test
    void shouldAverageTheMiddleTwoOfAnEvenCount() {
        assertThat(RunSpread.of(List.of(10.0, 40.0, 20.0, 30.0)).median()).isEqualTo(25.0);
    }

    @Test
    void shouldHaveNoSpreadForOneFigure() {
        assertThat(RunSpread.of(List.of(7.0)).spread()).isZero();
    }

    @Test
    void shouldRefuseNoFigures() {
        assertThatThrownBy(() -> RunSpread.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
