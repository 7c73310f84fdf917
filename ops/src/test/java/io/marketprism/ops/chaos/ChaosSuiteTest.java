package io.marketprism.ops.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which scenarios {@code --scenario} selects: the soak runs only when named. */
class ChaosSuiteTest {

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    @Test
    void shouldRunEveryScenarioButTheSoakForAll() {
        List<String> all = ChaosSuite.select(List.of("all"), TEN_MINUTES).stream().map(Scenario::name).toList();

        assertThat(all).contains("kills", "broker-restart", "broker-failover", "rolling-upgrade")
                .doesNotContain(ChaosSuite.SOAK);
    }

    @Test
    void shouldAddTheSoakLastWithItsLengthWhenNamed() {
        List<Scenario> selected = ChaosSuite.select(List.of("soak", "broker-restart"), TEN_MINUTES);

        assertThat(selected).extracting(Scenario::name).containsExactly("broker-restart", "soak");
        assertThat(selected.get(1).title()).startsWith("10 minutes");
    }

    @Test
    void shouldNameTheSoakAmongTheChoicesOfAnUnknownScenario() {
        assertThatThrownBy(() -> ChaosSuite.select(List.of("sock"), TEN_MINUTES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'sock'")
                .hasMessageContaining("rolling-upgrade, soak");
    }
}
