package io.marketprism.reliability.balancer;

import io.marketprism.reliability.Checks;
import java.util.Objects;

/** One endpoint (base URL) of an exchange and its static weight, 1..1000. */
public record EndpointSpec(String id, int weight) {

    public EndpointSpec {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("endpoint id must not be blank");
        }
        Checks.inRange("endpoint.weight", weight, 1, 1000);
    }
}
