package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchSuiteTest {

    @Test
    void shouldReadEachSuiteAloneCaseInsensitively() {
        assertThat(BenchSuite.parse(List.of("Latency"))).containsExactly(BenchSuite.LATENCY);
        assertThat(BenchSuite.parse(List.of("cost", "ceiling"))).containsExactly(BenchSuite.CEILING, BenchSuite.COST);
    }

    @Test
    void shouldReadAHyphenatedSuiteByItsOptionName() {
        assertThat(BenchSuite.parse(List.of("scale-out"))).containsExactly(BenchSuite.SCALE_OUT);
        assertThat(BenchSuite.SCALE_OUT.optionName()).isEqualTo("scale-out");
    }

    @Test
    void shouldReadAllAsEverySuite() {
        assertThat(BenchSuite.parse(List.of("all"))).isEqualTo(EnumSet.allOf(BenchSuite.class));
    }

    @Test
    void shouldRejectAnUnknownSuiteListingTheAllowedOnes() {
        assertThatThrownBy(() -> BenchSuite.parse(List.of("fail-over")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--suite: 'fail-over' is not one of all, ceiling, latency, cost, backlog, failover, "
                        + "scale-out, budget");
    }
}
