package io.marketprism.reliability.state;

import java.util.Objects;

/**
 * A rate-limit domain, e.g. {@code binance}: the account whose budgets and bans one limiter and one retry budget
 * track. Usually named like its exchange.
 */
public record DomainId(String name) {

    public DomainId {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a limit domain needs a non-empty name");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
