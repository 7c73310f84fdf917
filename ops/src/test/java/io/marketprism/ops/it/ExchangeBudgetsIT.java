package io.marketprism.ops.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.bench.BudgetUseBenchmark;
import io.marketprism.ops.bench.BudgetUseReport;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Floods the strict simulator with every exchange × market × data type of the shipped definitions at ten times the
 * budgets, for two minutes (override with {@code -Dmarketprism.flood.seconds=N}), and prints the figure of every limit
 * group ({@link BudgetUseBenchmark}, the budget suite of {@code marketprism bench} at another factor). No call may get
 * a 429, a 418 or any other 4xx (a wrong host, path or parameter), and every limit that can bind must be used at 90 %
 * or more, except the per-instrument ones that more than one instrument shares ({@link #SHARED_PER_INSTRUMENT}).
 *
 * <p>It is an acceptance run, not part of {@code mvn verify}: it needs the machine to itself (3,355 tasks a second for
 * two minutes). Run it with {@code mvn -B -pl ops verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=ExchangeBudgetsIT -Dmarketprism.flood=true}; {@code -Dmarketprism.flood.all=true} judges the shared
 * per-instrument limits too.
 */
class ExchangeBudgetsIT {

    private static final double DEMAND_FACTOR = 10;
    private static final Duration RUN = Duration.ofSeconds(Long.getLong("marketprism.flood.seconds", 120));
    private static final double TARGET_SHARE = 0.90;
    /**
     * OKX's per-instrument limits that the flood asks of two instruments (a perpetual and a future): the service
     * budgets a per-instrument rule for its whole group, so the two share one instrument's limit and each uses about
     * half of its own ({@code LimitRule}).
     */
    private static final Set<String> SHARED_PER_INSTRUMENT = Set.of("okx open-interest",
            "okx long-short-account-ratio-contract");
    /** Whether the shared per-instrument limits are judged too. */
    private static final boolean ALL_GROUPS = Boolean.getBoolean("marketprism.flood.all");

    @Test
    @EnabledIfSystemProperty(named = "marketprism.flood", matches = "true")
    void shouldCallOnlyWhatTheExchangesDocumentAndUseEveryBudgetWithoutARejectionAtTenTimesTheDemand()
            throws Exception {
        PrintWriter progress = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        BudgetUseReport report = new BudgetUseBenchmark(DEMAND_FACTOR, RUN, Map.of(), progress)
                .run(IsolationChecks::assertThreadsAlive);
        System.out.print(report.render());

        assertThat(report.usage()).as("limit groups charged").isNotEmpty().allSatisfy(u -> {
            assertThat(u.rejected()).as(u.venue() + " " + u.group() + " rejections").isZero();
            assertThat(u.banned()).as(u.venue() + " " + u.group() + " bans").isZero();
        });
        assertThat(report.otherClientErrors()).as("calls answered with a 4xx other than a limit's").isZero();
        assertThat(report.shares()).as("share of each binding limit used over the run").allSatisfy((group, share) -> {
            if (ALL_GROUPS || !SHARED_PER_INSTRUMENT.contains(group)) {
                assertThat(share).as(group).isGreaterThanOrEqualTo(TARGET_SHARE);
            }
        });
    }
}
