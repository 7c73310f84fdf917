package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.DataType;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.TaskResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacklogDrainOrderTest {

    @Test
    void shouldAcceptHigherPrioritiesFirstAndArrivalOrderWithinOne() {
        BacklogBenchmark.DrainOrder order = new BacklogBenchmark.DrainOrder(1);

        order.add(result("b-r-1", Priority.CRITICAL));
        order.add(result("b-r-7", Priority.CRITICAL));
        order.add(result("b-r-2", Priority.HIGH));
        order.add(result("b-r-3", Priority.HIGH));

        assertThat(order.violations()).isZero();
        assertThat(order.results()).isEqualTo(4);
        assertThat(order.priorities()).containsEntry("CRITICAL", 2L).containsEntry("HIGH", 2L);
    }

    @Test
    void shouldCountAHigherPriorityAfterALowerOneAndAnOlderTaskAfterANewerOne() {
        BacklogBenchmark.DrainOrder order = new BacklogBenchmark.DrainOrder(1);

        order.add(result("b-r-5", Priority.HIGH));
        order.add(result("b-r-6", Priority.CRITICAL));
        order.add(result("b-r-4", Priority.CRITICAL));

        assertThat(order.violations()).isEqualTo(2);
    }

    @Test
    void shouldLetTwoLimitDomainsOfOneExchangeDrainAtTheirOwnPace() {
        BacklogBenchmark.DrainOrder order = new BacklogBenchmark.DrainOrder(1);

        order.add(result("b-r-5", "perp", Priority.CRITICAL));
        order.add(result("b-r-1", "spot", Priority.CRITICAL));
        order.add(result("b-r-6", "perp", Priority.CRITICAL));
        order.add(result("b-r-2", "spot", Priority.CRITICAL));

        assertThat(order.violations()).isZero();
    }

    private static TaskResult result(String taskId, Priority priority) {
        return result(taskId, "spot", priority);
    }

    private static TaskResult result(String taskId, String market, Priority priority) {
        Instant at = Instant.EPOCH;
        return new TaskResult(taskId, "binance", market, DataType.TICKER, "BTCUSDT", priority, "binance/api", 200,
                "{}", at, at, List.of());
    }
}
