package io.marketprism.reliability.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.limiter.WindowMeasure;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitGroupTest {

    private static final ExchangeDefinitions BUILT_IN = ExchangeDefinitions.builtIn();
    private static final LimiterConfig BASE = LimiterConfig.ofDefaults().toBuilder().queueCapacity(77)
            .criticalReserveShare(0.2).build();

    @Test
    void shouldBudgetEveryRuleAsAWindowWithTheBucketOfTheSmallestLimitAtTheSlowestRate() {
        LimiterConfig spot = BUILT_IN.get("binance").limitGroups().get("spot").budgetOn(BASE);

        // each window 1 % longer than the exchange's, for the rounding of times to milliseconds and slots
        assertThat(spot.windows()).containsExactly(WindowLimit.weight(6000, 60_600),
                WindowLimit.requests(300_000, 303_000));
        assertThat(spot.bucketCapacity()).isEqualTo(6000);
        assertThat(spot.refillPerSecond()).isCloseTo(6000 / 60.6, within(1e-9));
        assertThat(spot.usedWeightWindowMillis()).isEqualTo(60_600);
        assertThat(spot.queueCapacity()).as("base settings kept").isEqualTo(77);
        assertThat(spot.criticalReserveShare()).isEqualTo(0.2);
    }

    @Test
    void shouldIgnoreTheUsedWeightHeaderOfAGroupWithoutOne() {
        LimiterConfig fundingRate = BUILT_IN.get("okx").limitGroups().get("funding-rate").budgetOn(BASE);

        assertThat(fundingRate.windows()).containsExactly(WindowLimit.requests(10, 2_020).withSlots(184));
        assertThat(fundingRate.bucketCapacity()).isEqualTo(10);
        assertThat(fundingRate.refillPerSecond()).isCloseTo(10 / 2.02, within(1e-9));
        assertThat(fundingRate.usedWeightWindowMillis()).isZero();
    }

    @Test
    void shouldTieTheHeaderToTheFirstWeightRuleWhereveritStands() {
        LimitGroup group = new LimitGroup("g", "h", List.of(
                new LimitRule(WindowMeasure.REQUESTS, 50, 10_000, false, false, ""),
                new LimitRule(WindowMeasure.WEIGHT, 1_000, 60_000, true, false, ""),
                new LimitRule(WindowMeasure.WEIGHT, 20_000, 3_600_000, true, false, "")), "X-USED-1M", "");

        LimiterConfig budget = group.budgetOn(BASE);

        assertThat(budget.usedWeightWindowMillis()).isEqualTo(60_600);
        assertThat(budget.bucketCapacity()).isEqualTo(50);
        assertThat(budget.refillPerSecond()).isCloseTo(50 / 10.1, within(1e-9));
        assertThat(budget.windows()).extracting(WindowLimit::lengthMillis).containsExactly(10_100L, 60_600L,
                3_636_000L);
    }

    @Test
    void shouldDescribeARuleAsTheDocsTablePrintsIt() {
        assertThat(BUILT_IN.get("binance").limitGroups().get("spot").rules().get(0).describe())
                .isEqualTo("6000 weight / 1m (clock)");
        assertThat(BUILT_IN.get("okx").limitGroups().get("open-interest").rules().get(0).describe())
                .isEqualTo("20 requests / 2s (rolling) per instrument");
    }

    @Test
    void shouldKeepShortWindowsInFinerSlotsButAtMostOnePerMillisecond() {
        assertThat(new LimitRule(WindowMeasure.REQUESTS, 5, 20, false, false, "").window())
                .isEqualTo(WindowLimit.requests(5, 40).withSlots(40));
        // 184 slots of 11 ms span 2,024 ms: 200 slots of 11 ms would have spanned 2,200
        assertThat(new LimitRule(WindowMeasure.REQUESTS, 5, 2_000, false, false, "").window().slots()).isEqualTo(184);
        assertThat(new LimitRule(WindowMeasure.REQUESTS, 5, 60_000, false, false, "").window().slots())
                .isEqualTo(WindowLimit.DEFAULT_SLOTS);
    }
}
