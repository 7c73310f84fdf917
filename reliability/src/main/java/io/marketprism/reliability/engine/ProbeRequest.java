package io.marketprism.reliability.engine;

import java.util.Objects;

/**
 * An active health check the caller should make: {@code endpoint} of {@code exchange} is ejected, its ejection time is
 * over, and it stays out of rotation until {@link DecisionEngine#recordProbe} learns that a probe succeeded.
 */
public record ProbeRequest(String exchange, String endpoint) {

    public ProbeRequest {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(endpoint, "endpoint");
    }
}
