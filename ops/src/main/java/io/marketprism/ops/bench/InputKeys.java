package io.marketprism.ops.bench;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.nio.charset.StandardCharsets;

/** How a benchmark's producer keys the tasks it writes to the service's tasks topic. */
public enum InputKeys {
    /**
     * By the task's host set ({@link ExchangeRoutes#partitionKeyOf}), as producers are advised to: with the producer's
     * default partitioner every task lands on the partition that decides its host set and skips the repartition topic.
     */
    HOST_SET,
    /** By task id: a task lands on any partition, and most cross the repartition topic. */
    TASK_ID;

    byte[] keyOf(CollectorTask task, ExchangeRoutes routes) {
        String key = this == HOST_SET ? routes.partitionKeyOf(task) : task.getTaskId();
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
