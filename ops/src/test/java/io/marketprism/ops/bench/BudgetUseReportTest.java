package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.marketprism.ops.exchange.LimitUsage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetUseReportTest {

    private static LimitUsage usage(String venue, String group, long limit, long windowSeconds, long charged,
                                    long rejected, long banned, int instruments) {
        return new LimitUsage(venue, "direct", group, "requests", limit, Duration.ofSeconds(windowSeconds), 0, 0,
                charged, charged, rejected, banned, instruments);
    }

    private static final BudgetUseReport REPORT = new BudgetUseReport(3, 2, 100, 10_000, 1.0, 2.0, List.of(
            usage("okx", "trades", 100, 2, 475, 0, 0, 1),
            usage("okx", "open-interest", 20, 2, 95, 2, 0, 2),
            usage("binance-spot", "RAW_REQUESTS", 300_000, 300, 3_000, 0, 7, 1),
            usage("binance-spot", "REQUEST_WEIGHT", 6_000, 60, 5_700, 0, 7, 1)), 0);

    @Test
    void shouldGiveTheShareOfEveryGroupThatCanBindForEveryInstrumentItCharged() {
        assertThat(REPORT.shares()).containsOnly(entry("okx trades", 0.95), entry("okx open-interest", 0.475),
                entry("binance-spot REQUEST_WEIGHT", 0.95));
    }

    @Test
    void shouldCountABanAnswerOncePerVenueAndRouteThoughEveryGroupOfTheVenueCountsIt() {
        assertThat(REPORT.banned()).isEqualTo(7);
        assertThat(REPORT.rejected()).isEqualTo(2);
    }

    @Test
    void shouldNameTheLowestShareAndMarkTheLimitsThatCannotBind() {
        assertThat(REPORT.render()).contains("lowest share 47.5 % (okx open-interest), 2 429s, 7 bans, 0 other 4xx")
                .contains("(1.0 %)");
        assertThat(REPORT.markdown())
                .contains("| okx | open-interest | 20 requests / 2 s | 2 | 95 | 200 | 47.5 % | 2 | 0 |");
    }
}
