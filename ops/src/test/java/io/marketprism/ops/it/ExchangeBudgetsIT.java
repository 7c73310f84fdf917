package io.marketprism.ops.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.bench.BudgetUseBenchmark;
import io.marketprism.ops.bench.BudgetUseReport;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Floods the strict simulator with every exchange × market × data type of the shipped definitions at ten times the
 * budgets, for two minutes (override with {@code -Dmarketprism.flood.seconds=N}), and prints the figure of every limit
 * group ({@link BudgetUseBenchmark}, the budget suite of {@code marketprism bench} at another factor). No call may get
 * a 429, a 418 or any other 4xx (a wrong host, path or parameter), and every limit that can bind must be used at 90 %
 * or more; a per-instrument limit by each instrument (OKX's open interest and long/short ratio are asked of two).
 *
 * <p>It is an acceptance run, not part of {@code mvn verify}: it needs the machine to itself (3,355 tasks a second for
 * two minutes). Run it with {@code mvn -B -pl ops verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=ExchangeBudgetsIT -Dmarketprism.flood=true}.
 */
class ExchangeBudgetsIT {

    private static final double DEMAND_FACTOR = 10;
    private static final Duration RUN = Duration.ofSeconds(Long.getLong("marketprism.flood.seconds", 120));
    private static final double TARGET_SHARE = 0.90;

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
        assertThat(report.shares()).as("share of each binding limit used over the run").allSatisfy((group, share) ->
                assertThat(share).as(group).isGreaterThanOrEqualTo(TARGET_SHARE));
    }
}
