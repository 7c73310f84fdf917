package io.marketprism.reliability.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BalancerConfigTest {

    @Test
    void defaultsShouldGiveEveryEndpointWeightOne() {
        BalancerConfig config = BalancerConfig.ofDefaults("a", "b");

        assertThat(config.endpoints()).containsExactly(new EndpointSpec("a", 1), new EndpointSpec("b", 1));
        assertThat(config.strategy()).isEqualTo(BalancingStrategy.WEIGHTED);
    }

    @Test
    void shouldNameKeyAndRangeWhenSetterGetsValueOutOfRange() {
        assertThatThrownBy(() -> BalancerConfig.builder().panicThreshold(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("panicThreshold must be in [0.0, 1.0], was 1.5");
        assertThatThrownBy(() -> BalancerConfig.builder().endpoint("a", 0))
                .hasMessage("endpoint.weight must be in [1, 1000], was 0");
        assertThatThrownBy(() -> BalancerConfig.builder().consecutiveFailuresToEject(0))
                .hasMessage("consecutiveFailuresToEject must be in [1, 10000], was 0");
    }

    @Test
    void shouldRejectInconsistentSettingsOnBuild() {
        assertThatThrownBy(() -> BalancerConfig.builder().build())
                .hasMessage("endpoints.count must be in [1, 10000], was 0");
        assertThatThrownBy(() -> BalancerConfig.builder().endpoint("a", 1).endpoint("a", 2).build())
                .hasMessage("endpoint a is listed twice");
        assertThatThrownBy(() -> BalancerConfig.builder().endpoint("a", 1)
                .baseEjectionMillis(10_000).maxEjectionMillis(5_000).build())
                .hasMessage("maxEjectionMillis 5000 must be at least baseEjectionMillis 10000");
    }
}
