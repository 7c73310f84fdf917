package io.marketprism.reliability.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RetryPolicyConfigTest {

    @Test
    void shouldNameTheKeyAndRangeOfAnOutOfRangeValue() {
        assertThatThrownBy(() -> RetryPolicyConfig.builder().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAttempts must be in [1, 1000], was 0");
        assertThatThrownBy(() -> RetryPolicyConfig.builder().multiplier(0.5))
                .hasMessage("multiplier must be in [1.0, 10.0], was 0.5");
        assertThatThrownBy(() -> RetryPolicyConfig.builder().strategy(null)).hasMessageContaining("strategy");
    }

    @Test
    void shouldRejectAMaximumDelayBelowTheInitialDelay() {
        assertThatThrownBy(() -> RetryPolicyConfig.builder().initialDelayMillis(500).maxDelayMillis(400).build())
                .hasMessage("maxDelayMillis (400) must be >= initialDelayMillis (500)");
    }

    @Test
    void shouldRoundTripThroughItsBuilder() {
        RetryPolicyConfig config = RetryPolicyConfig.builder().strategy(BackoffStrategy.FIBONACCI)
                .jitter(Jitter.DECORRELATED).initialDelayMillis(50).maxDelayMillis(9_000).maxAttempts(7).build();

        assertThat(config.toBuilder().build()).hasToString(config.toString());
        assertThat(RetryPolicyConfig.ofDefaults().strategy()).isEqualTo(BackoffStrategy.EXPONENTIAL);
    }
}
