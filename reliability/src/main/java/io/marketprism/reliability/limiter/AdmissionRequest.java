package io.marketprism.reliability.limiter;

import io.marketprism.reliability.Checks;
import io.marketprism.reliability.Priority;
import java.util.Objects;

/** A task asking to be sent to the exchange: its id, priority and the weight the exchange charges for it. */
public record AdmissionRequest(String taskId, Priority priority, int weight) {

    public AdmissionRequest {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(priority, "priority");
        Checks.inRange("weight", weight, 1, Integer.MAX_VALUE);
    }
}
