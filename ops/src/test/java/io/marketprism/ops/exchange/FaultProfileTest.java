package io.marketprism.ops.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class FaultProfileTest {

    @Test
    void shouldHaveNoFaultsByDefault() {
        FaultProfile none = FaultProfile.ofDefaults();

        assertThat(none.connectionResetRate() + none.timeoutRate() + none.rateLimitRate() + none.errorRate())
                .isZero();
        assertThat(none.drawLatency(new Random(1))).isZero();
        assertThat(none.banAfter429s()).isZero();
    }

    @Test
    void shouldNameTheKeyAndRangeOfAnInvalidSetting() {
        assertThatThrownBy(() -> FaultProfile.builder().errorRate(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("errorRate must be in [0.0, 1.0] but was 1.5");
        assertThatThrownBy(() -> FaultProfile.builder().timeoutRate(Double.NaN))
                .hasMessageContaining("timeoutRate must be in [0.0, 1.0]");
        assertThatThrownBy(() -> FaultProfile.builder().hangLimit(Duration.ZERO))
                .hasMessageContaining("hangLimit must be in [PT0.001S, PT10M]");
        assertThatThrownBy(() -> FaultProfile.builder().retryAfterSeconds(-1))
                .hasMessage("retryAfterSeconds must be in [0, 3600] but was -1");
        assertThatThrownBy(() -> FaultProfile.builder().fixedLatency(null))
                .hasMessageContaining("fixedLatency must be in");
    }

    @Test
    void shouldRejectFaultRatesAddingUpToMoreThanOne() {
        FaultProfile.Builder builder = FaultProfile.builder().errorRate(0.6).rateLimitRate(0.5);

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must be <= 1");
    }

    @Test
    void shouldKeepValuesWhenCopiedToABuilder() {
        FaultProfile original = FaultProfile.builder().errorRate(0.2).banAfter429s(5)
                .banDuration(Duration.ofSeconds(30)).build();

        FaultProfile changed = original.toBuilder().timeoutRate(0.1).build();

        assertThat(changed.errorRate()).isEqualTo(0.2);
        assertThat(changed.banAfter429s()).isEqualTo(5);
        assertThat(changed.banDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(changed.timeoutRate()).isEqualTo(0.1);
        assertThat(original.timeoutRate()).isZero();
    }

    @Test
    void shouldPadOnlyTheOversizedDataToTheSizeAndLeaveLargerBodiesAlone() {
        FaultProfile profile = FaultProfile.builder().oversizedBody(MarketData.ORDER_BOOK, 1_000).build();

        assertThat(profile.bodyOf(MarketData.ORDER_BOOK, "{\"bids\":[]}")).hasSize(1_000).startsWith("{\"bids\":[]}")
                .endsWith(" ");
        assertThat(profile.bodyOf(MarketData.TRADES, "[]")).isEqualTo("[]");
        assertThat(profile.bodyOf(MarketData.ORDER_BOOK, "x".repeat(2_000))).hasSize(2_000);
        assertThat(profile.toBuilder().build().oversizedData()).contains(MarketData.ORDER_BOOK);
        assertThat(profile.toBuilder().oversizedBody(null, 0).build().oversizedData()).isEmpty();
        assertThat(FaultProfile.ofDefaults().bodyOf(MarketData.ORDER_BOOK, "{}")).isEqualTo("{}");
    }

    @Test
    void shouldRefuseAnOversizedBodyOutOfRangeOrWithoutItsData() {
        assertThatThrownBy(() -> FaultProfile.builder().oversizedBody(MarketData.TICKER, 0))
                .hasMessage("oversizedBodyBytes must be in [1, 67108864] but was 0");
        assertThatThrownBy(() -> FaultProfile.builder().oversizedBody(null, 10))
                .hasMessage("oversizedBodyBytes needs an oversizedData but was 10 without one");
    }

    @Property
    void shouldDrawLatencyBetweenFixedAndFixedPlusRandomBound(@ForAll @LongRange(max = 1_000) long fixedMillis,
                                                              @ForAll @LongRange(max = 1_000) long upToMillis,
                                                              @ForAll long seed) {
        FaultProfile profile = FaultProfile.builder().fixedLatency(Duration.ofMillis(fixedMillis))
                .randomLatencyUpTo(Duration.ofMillis(upToMillis)).build();

        Duration latency = profile.drawLatency(new Random(seed));

        assertThat(latency).isBetween(Duration.ofMillis(fixedMillis), Duration.ofMillis(fixedMillis + upToMillis));
    }

    @Property
    void shouldBuildRatesExactlyWhenTheyAddUpToAtMostOne(@ForAll @DoubleRange(max = 0.5) double reset,
                                                        @ForAll @DoubleRange(max = 0.5) double timeout,
                                                        @ForAll @DoubleRange(max = 0.5) double rateLimit,
                                                        @ForAll @DoubleRange(max = 0.5) double error) {
        FaultProfile.Builder builder = FaultProfile.builder().connectionResetRate(reset).timeoutRate(timeout)
                .rateLimitRate(rateLimit).errorRate(error);

        if (reset + timeout + rateLimit + error <= 1.0) {
            assertThat(builder.build().errorRate()).isEqualTo(error);
        } else if (reset + timeout + rateLimit + error > 1.0 + 1e-6) {
            assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
        }
    }
}
