package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marketprism.ops.bench.ScaleOutBenchmark.ScaleOutWorkload;
import io.marketprism.ops.tools.TaskGenerator;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScaleOutReportTest {

    private static final ScaleOutWorkload WORKLOAD = new ScaleOutWorkload(60_000, Duration.ofMillis(50), 1, 4, 6,
            Duration.ofSeconds(10), Duration.ofSeconds(30));

    private static ScaleOutReport.Run run(double rate) {
        return new ScaleOutReport.Run(rate, 0.5, 0.6, 1.0, 2.0, 400.0);
    }

    @Test
    void shouldJudgeEachSpeedUpOverOneInstanceAgainstItsTarget() {
        Map<Integer, ScaleOutReport.Run> runs = new LinkedHashMap<>();
        runs.put(1, run(100.0));
        runs.put(2, run(190.0));
        runs.put(4, run(300.0));

        ScaleOutReport report = new ScaleOutReport(WORKLOAD, runs, 1.0, 2.0);

        assertThat(report.speedUp(2)).isCloseTo(1.9, within(1e-9));
        assertThat(report.render())
                .contains("2 instance(s)    190.0 results/s (48 % of the call slots' 400/s)  x1.90 (target >= x1.8: met)")
                .contains("4 instance(s)    300.0 results/s (75 % of the call slots' 400/s)  x3.00 (target >= x3.2: NOT met)");
        assertThat(report.markdown())
                .startsWith("Workload: 60,000 tasks of [binance, deribit, okx] (16 instruments each) over 4 egress "
                        + "route(s)")
                .contains("| 4 | 300.0 | 75 % of 400/s | x3.00 | >= x3.2 | 0.50 cores | 60 % | 1.0 to 2.0 |");
    }

    @Test
    void shouldSetTheRoutesCallSlotsAndPartitionsOfTheWorkload() {
        assertThat(WORKLOAD.serviceSettings()).containsEntry("routes", "direct,route1,route2,route3")
                .containsEntry("execution.max.in.flight.per.endpoint", "1")
                .containsEntry("topic.partitions", "6");
    }

    /** Routes are chosen by symbol: the generator's one or two instruments per market would leave routes idle. */
    @Test
    void shouldAskForEnoughInstrumentsThatTasksOfEveryExchangeTakeEveryRoute() {
        TaskGenerator generator = WORKLOAD.instruments(TaskGenerator.builder().seed(1)
                .exchanges(List.of("binance", "deribit", "okx"))).build();
        ExchangeRoutes exchangeRoutes = ServiceConfig.builder().exchanges(List.of("binance", "deribit", "okx"))
                .routes(List.of(WORKLOAD.serviceSettings().get("routes").split(","))).build().routes();
        Map<String, Set<String>> routesByExchange = new LinkedHashMap<>();
        for (int i = 0; i < 2_000; i++) {
            CollectorTask task = generator.next();
            routesByExchange.computeIfAbsent(task.getExchange(), e -> new HashSet<>())
                    .add(exchangeRoutes.routeOf(task).name());
        }

        assertThat(routesByExchange).hasSize(3).allSatisfy((exchange, taken) -> assertThat(taken).hasSize(4));
    }

    @Test
    void shouldBoundTheThroughputByEveryEndpointsSlotsOnEachPartitionItsRoutesAreDecidedOn() {
        // 8 endpoints, 4 routes on 4 of the 6 partitions each, one slot, a call every 50 ms: 8 × 4 × 20/s
        assertThat(WORKLOAD.callSlotCapacity(Map.of("binance-spot", 2, "okx", 3, "deribit", 3))).isEqualTo(640.0);
        ScaleOutWorkload twoPartitions = new ScaleOutWorkload(1, Duration.ofMillis(50), 1, 4, 2,
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(twoPartitions.callSlotCapacity(Map.of("okx", 1))).isEqualTo(40.0);
    }
}
