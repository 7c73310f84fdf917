package io.marketprism.reliability.state;

import java.util.Objects;

/**
 * A rate-limit domain: the budgets and bans one limiter and one retry budget track. A service names it
 * {@code exchange.group.route} ({@link #of}): one limit group of an exchange as seen from one egress route, e.g.
 * {@code binance.spot.direct}. A group whose limits the exchange counts per instrument has a domain per instrument
 * ({@link #ofInstrument}), {@code exchange.group.route/instrument}, e.g. {@code okx.funding-rate.direct/BTC-USD-SWAP};
 * its {@link #groupDomain()} is the group's domain on the route. Other names (a test's {@code binance}) have no group.
 */
public record DomainId(String name) {

    /** Separates a per-instrument domain's instrument from its group's domain; no exchange, group or route has it. */
    private static final char INSTRUMENT_SEPARATOR = '/';

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

    /** The domain of {@code instrument} in the per-instrument {@code group} of {@code exchange} on {@code route}. */
    public static DomainId ofInstrument(String exchange, String group, String route, String instrument) {
        if (instrument.isEmpty()) {
            throw new IllegalArgumentException("a per-instrument limit domain needs a non-empty instrument");
        }
        return new DomainId(of(exchange, group, route).name + INSTRUMENT_SEPARATOR + instrument);
    }

    /** The instrument of a domain made by {@link #ofInstrument}, or null. */
    public String instrument() {
        int separator = name.indexOf(INSTRUMENT_SEPARATOR);
        return separator < 0 ? null : name.substring(separator + 1);
    }

    /** The domain of the group and route: this one, or for a per-instrument domain the one without the instrument. */
    public DomainId groupDomain() {
        int separator = name.indexOf(INSTRUMENT_SEPARATOR);
        return separator < 0 ? this : new DomainId(name.substring(0, separator));
    }

    /** The limit group of a name made by {@link #of} or {@link #ofInstrument}, or null for a name of another form. */
    public String group() {
        String groupName = groupDomain().name;
        int first = groupName.indexOf('.');
        int last = groupName.lastIndexOf('.');
        return first > 0 && last > first + 1 && last < groupName.length() - 1 ? groupName.substring(first + 1, last)
                : null;
    }

    /** The egress route of a name made by {@link #of} or {@link #ofInstrument}, or null for a name of another form. */
    public String route() {
        String groupName = groupDomain().name;
        return group() == null ? null : groupName.substring(groupName.lastIndexOf('.') + 1);
    }

    @Override
    public String toString() {
        return name;
    }
}
