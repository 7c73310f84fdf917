package io.marketprism.ops.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.topology.config.ServiceConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetDemandTest {

    private static final double FACTOR = 10;

    private static List<BudgetDemand.Line> okxLines(String limitGroup) {
        BudgetDemand demand = BudgetDemand.of(ExchangeDefinitions.builtIn(), ServiceConfig.builder().build()
                .reliability(), List.of("okx"), FACTOR);
        return demand.lines().stream().filter(line -> line.limitGroup().equals("okx." + limitGroup)).toList();
    }

    @Test
    void shouldAskEachInstrumentOfAPerInstrumentGroupForTheFactorTimesItsOwnBudget() {
        // OKX open interest: 20 requests per 2 s per instrument, asked of a perpetual and a future
        assertThat(okxLines("open-interest")).hasSize(2)
                .allSatisfy(line -> assertThat(line.perSecond()).isCloseTo(FACTOR * 10, within(1e-9)));
    }

    @Test
    void shouldShareAGroupLimitedPerIpAmongItsRequests() {
        // OKX books: 40 requests per 2 s per IP, asked of spot, perp and futures
        List<BudgetDemand.Line> books = okxLines("books");
        assertThat(books.stream().mapToDouble(BudgetDemand.Line::perSecond).sum())
                .isCloseTo(FACTOR * 20, within(1e-9));
    }
}
