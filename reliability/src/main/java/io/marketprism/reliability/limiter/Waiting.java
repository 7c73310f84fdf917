package io.marketprism.reliability.limiter;

import io.marketprism.reliability.Checks;
import io.marketprism.reliability.Priority;
import java.util.Objects;

/**
 * A task in a {@link WaitQueue}. {@code arrivalSeq} is issued by the limiter, grows with every enqueued task of
 * the domain and orders tasks of one priority (FIFO); {@code enqueuedAt} is the limiter time it was queued;
 * {@code avoidEndpoint} is the endpoint its call should steer clear of once admitted, or null (see
 * {@link AdmissionRequest#avoidEndpoint()}).
 */
public record Waiting(String taskId, Priority priority, int weight, long arrivalSeq, long enqueuedAt,
                      String avoidEndpoint) {

    public Waiting {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(priority, "priority");
        Checks.inRange("weight", weight, 1, Integer.MAX_VALUE);
    }
}
