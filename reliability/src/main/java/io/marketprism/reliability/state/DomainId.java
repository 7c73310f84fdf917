package io.marketprism.reliability.state;

import java.util.Objects;

/**
 * A rate-limit domain: the budgets and bans one limiter and one retry budget track. A service names it
 * {@code exchange.group.route} ({@link #of}): one limit group of an exchange as seen from one egress route, e.g.
 * {@code binance.spot.direct}; other names (a test's {@code binance}) have no group.
 */
public record DomainId(String name) {

    public DomainId {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a limit domain needs a non-empty name");
        }
    }

    /** The domain of {@code group} of {@code exchange} on egress route {@code route}. */
    public static DomainId of(String exchange, String group, String route) {
        return new DomainId(exchange + '.' + group + '.' + route);
    }

    /** The limit group of a name made by {@link #of}, or null for a name of another form. */
    public String group() {
        int first = name.indexOf('.');
        int last = name.lastIndexOf('.');
        return first > 0 && last > first + 1 && last < name.length() - 1 ? name.substring(first + 1, last) : null;
    }

    /** The egress route of a name made by {@link #of}, or null for a name of another form. */
    public String route() {
        return group() == null ? null : name.substring(name.lastIndexOf('.') + 1);
    }

    @Override
    public String toString() {
        return name;
    }
}
