package io.marketprism.ops.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LimitLedgerTest {

    private static final LimitRule MINUTE = LimitRule.fixedClock("w", "weight", 100, Duration.ofMinutes(1));
    private static final LimitRule TWO_SECONDS = LimitRule.rolling("r", "requests", 10, Duration.ofSeconds(2));
    private static final LimitRule PER_INSTRUMENT =
            LimitRule.rollingPer("i", "requests", 10, Duration.ofSeconds(2), "instId");

    @Property
    void shouldNeverAdmitMoreThanTheLimitWithinOneClockWindow(
            @ForAll @Size(max = 300) List<@IntRange(max = 5_000) Integer> gapsMillis,
            @ForAll @IntRange(min = 1, max = 40) int cost) {
        LimitLedger ledger = new LimitLedger();
        List<long[]> admitted = new ArrayList<>();
        long now = 0;
        for (int gap : gapsMillis) {
            now += gap;
            if (charge(ledger, MINUTE, "", cost, now).isEmpty()) {
                admitted.add(new long[] {now, cost});
            }
        }

        admitted.stream().collect(Collectors.groupingBy(a -> a[0] / 60_000,
                        Collectors.summingLong(a -> a[1])))
                .values().forEach(sum -> assertThat(sum).isLessThanOrEqualTo(MINUTE.limit()));
    }

    @Property
    void shouldNeverAdmitMoreThanTheLimitWithinAnyRollingWindow(
            @ForAll @Size(max = 300) List<@IntRange(max = 700) Integer> gapsMillis) {
        LimitLedger ledger = new LimitLedger();
        List<Long> admitted = new ArrayList<>();
        long now = 0;
        for (int gap : gapsMillis) {
            now += gap;
            if (charge(ledger, TWO_SECONDS, "", 1, now).isEmpty()) {
                admitted.add(now);
            }
        }

        for (long start : admitted) {
            assertThat(admitted.stream().filter(t -> t >= start && t < start + 2_000).count())
                    .isLessThanOrEqualTo(TWO_SECONDS.limit());
        }
    }

    @Test
    void shouldTellWhenARejectedRollingDemandWouldFit() {
        LimitLedger ledger = new LimitLedger();
        for (int i = 0; i < 10; i++) {
            assertThat(charge(ledger, TWO_SECONDS, "", 1, i * 100L)).isEmpty();
        }

        Optional<LimitLedger.Breach> breach = charge(ledger, TWO_SECONDS, "", 1, 1_500);

        assertThat(breach).map(LimitLedger.Breach::retryAfterMillis).hasValue(500L);
        assertThat(charge(ledger, TWO_SECONDS, "", 1, 2_000)).isEmpty();
    }

    @Test
    void shouldChargeNothingWhenOneOfSeveralGroupsIsFull() {
        LimitLedger ledger = new LimitLedger();
        List<LimitLedger.Demand> both = List.of(new LimitLedger.Demand(MINUTE, "", 1),
                new LimitLedger.Demand(TWO_SECONDS, "", 1));
        for (int i = 0; i < 10; i++) {
            assertThat(ledger.tryCharge("v", "r", both, 0)).isEmpty();
        }

        assertThat(ledger.tryCharge("v", "r", both, 0)).map(b -> b.rule().group()).hasValue("r");
        assertThat(ledger.used("v", "r", MINUTE, 0)).isEqualTo(10);
    }

    @Test
    void shouldDropIdlePerInstrumentWindowsSoMemoryFollowsTheInstrumentsInUse() {
        LimitLedger ledger = new LimitLedger();
        for (int i = 0; i < 5_000; i++) {
            charge(ledger, PER_INSTRUMENT, "I" + i, 1, 0);
        }
        assertThat(ledger.windowCount()).isEqualTo(5_000);

        for (int i = 0; i < 5_000; i++) {
            charge(ledger, PER_INSTRUMENT, "HOT" + (i % 5), 1, 10_000L + i * 250);
        }

        assertThat(ledger.windowCount()).isLessThanOrEqualTo(5 + 4_096);
        assertThat(ledger.usage(2_000_000)).singleElement().extracting(LimitUsage::peak, LimitUsage::admitted)
                .containsExactly(2L, 10_000L);
    }

    private static Optional<LimitLedger.Breach> charge(LimitLedger ledger, LimitRule rule, String scope, long cost,
                                                       long now) {
        return ledger.tryCharge("v", "r", List.of(new LimitLedger.Demand(rule, scope, cost)), now);
    }
}
