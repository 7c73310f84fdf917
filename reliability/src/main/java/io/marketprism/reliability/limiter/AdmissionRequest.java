package io.marketprism.reliability.limiter;

import io.marketprism.reliability.Checks;
import io.marketprism.reliability.Priority;
import java.util.Objects;

/**
 * A task asking to be sent to the exchange: its id, priority, the weight the exchange charges for it, and the
 * endpoint its call should steer clear of (after a network failure there), or null. The limiter only carries
 * {@code avoidEndpoint} into the {@link Waiting} it queues, for whoever dispatches the task later.
 */
public record AdmissionRequest(String taskId, Priority priority, int weight, String avoidEndpoint) {

    public AdmissionRequest {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(priority, "priority");
        Checks.inRange("weight", weight, 1, Integer.MAX_VALUE);
    }
}
