package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marketprism.ops.bench.ScaleOutBenchmark.ScaleOutWorkload;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleOutReportTest {

    private static final ScaleOutWorkload WORKLOAD = new ScaleOutWorkload(60_000, Duration.ofMillis(50), 1, 4, 6,
            Duration.ofSeconds(10), Duration.ofSeconds(30));

    @Test
    void shouldJudgeEachSpeedUpOverOneInstanceAgainstItsTarget() {
        Map<Integer, Double> rates = new LinkedHashMap<>();
        rates.put(1, 100.0);
        rates.put(2, 190.0);
        rates.put(4, 300.0);

        ScaleOutReport report = new ScaleOutReport(WORKLOAD, rates, 1.0, 2.0);

        assertThat(report.speedUp(2)).isCloseTo(1.9, within(1e-9));
        assertThat(report.render())
                .contains("2 instance(s)    190.0 results/s  x1.90 (target >= x1.8: met)")
                .contains("4 instance(s)    300.0 results/s  x3.00 (target >= x3.2: NOT met)");
        assertThat(report.markdown())
                .startsWith("Workload: 60,000 tasks of [binance, deribit, okx] over 4 egress route(s)")
                .contains("| 4 | 300.0 | x3.00 | >= x3.2 |");
    }

    @Test
    void shouldSetTheRoutesCallSlotsAndPartitionsOfTheWorkload() {
        assertThat(WORKLOAD.serviceSettings()).containsEntry("routes", "direct,route1,route2,route3")
                .containsEntry("execution.max.in.flight.per.endpoint", "1")
                .containsEntry("topic.partitions", "6");
    }
}
