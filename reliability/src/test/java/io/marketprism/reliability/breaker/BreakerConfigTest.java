package io.marketprism.reliability.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BreakerConfigTest {

    @Test
    void shouldNameTheKeyAndRangeOfAnOutOfRangeValue() {
        assertThatThrownBy(() -> BreakerConfig.builder().failureRateThreshold(0.5f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("failureRateThreshold must be in [1, 100] percent, was 0.5");
        assertThatThrownBy(() -> BreakerConfig.builder().permittedCallsInHalfOpen(0))
                .hasMessage("permittedCallsInHalfOpen must be in [1, 1000], was 0");
        assertThatThrownBy(() -> BreakerConfig.builder().window(BreakerConfig.WindowType.TIME_BASED, 3_601))
                .hasMessage("windowSize (seconds) must be in [1, 3600], was 3601");
        assertThatThrownBy(() -> BreakerConfig.builder().waitMultiplier(0.9))
                .hasMessage("waitMultiplier must be in [1.0, 10.0], was 0.9");
        assertThatThrownBy(() -> BreakerConfig.builder().consecutiveFailuresThreshold(-1))
                .hasMessageContaining("consecutiveFailuresThreshold");
    }

    @Test
    void shouldRejectAMinimumLargerThanACountWindow() {
        BreakerConfig.Builder builder = BreakerConfig.builder()
                .window(BreakerConfig.WindowType.COUNT_BASED, 10).minimumNumberOfCalls(11);

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minimumNumberOfCalls (11) must not exceed windowSize (10)");
    }

    @Test
    void shouldAllowAMinimumLargerThanATimeWindowInSeconds() {
        BreakerConfig config = BreakerConfig.builder()
                .window(BreakerConfig.WindowType.TIME_BASED, 10).minimumNumberOfCalls(50).build();

        assertThat(config.minimumNumberOfCalls()).isEqualTo(50);
    }

    @Test
    void shouldRejectAMaximumWaitBelowTheFirstWait() {
        BreakerConfig.Builder builder = BreakerConfig.builder().waitInOpenMillis(5_000).maxWaitInOpenMillis(4_000);

        assertThatThrownBy(builder::build).hasMessageContaining("maxWaitInOpenMillis (4000) must be >= waitInOpenMillis (5000)");
    }

    @Test
    void shouldGrowTheWaitExponentiallyUpToTheMaximumOrKeepItFixed() {
        BreakerConfig growing = BreakerConfig.builder().waitInOpenMillis(1_000).waitMultiplier(3.0)
                .maxWaitInOpenMillis(5_000).build();
        BreakerConfig fixed = BreakerConfig.builder().waitInOpenMillis(1_000).build();

        assertThat(growing.waitInOpenMillisAfter(1)).isEqualTo(1_000);
        assertThat(growing.waitInOpenMillisAfter(2)).isEqualTo(3_000);
        assertThat(growing.waitInOpenMillisAfter(3)).isEqualTo(5_000);
        assertThat(fixed.waitInOpenMillisAfter(7)).isEqualTo(1_000);
    }

    @Test
    void shouldRoundTripThroughItsBuilder() {
        BreakerConfig config = BreakerConfig.builder().failureRateThreshold(30).slowCallRateThreshold(70)
                .window(BreakerConfig.WindowType.TIME_BASED, 30).minimumNumberOfCalls(7).waitMultiplier(1.5)
                .automaticTransitionToHalfOpen(false).build();

        assertThat(config.toBuilder().build()).hasToString(config.toString());
        assertThat(BreakerConfig.ofDefaults().windowType()).isEqualTo(BreakerConfig.WindowType.COUNT_BASED);
    }
}
