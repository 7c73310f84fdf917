package io.marketprism.ops.tools;

import io.marketprism.schemas.DeadLetterReason;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which dead letters a {@code dlq} command acts on. Every criterion left unset matches all; the set ones must all
 * match. A record that holds no dead letter matches only when no reason is asked for.
 */
public final class DeadLetterFilter {

    private final Set<DeadLetterReason> reasons;
    private final Set<String> exchanges;
    private final Instant since;
    private final Instant until;
    private final Set<String> positions;

    private DeadLetterFilter(Builder b) {
        this.reasons = Set.copyOf(b.reasons);
        this.exchanges = Set.copyOf(b.exchanges);
        this.since = b.since;
        this.until = b.until;
        this.positions = Set.copyOf(b.positions);
    }

    /** A filter matching every record. */
    public static DeadLetterFilter all() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when the entry meets every criterion set. */
    public boolean matches(DeadLetterEntry entry) {
        if (!reasons.isEmpty() && (entry.letter() == null || !reasons.contains(entry.letter().getReason()))) {
            return false;
        }
        if (!exchanges.isEmpty() && (entry.exchange() == null || !exchanges.contains(entry.exchange()))) {
            return false;
        }
        Instant at = entry.deadLetteredAt();
        if (since != null && at.isBefore(since)) {
            return false;
        }
        if (until != null && !at.isBefore(until)) {
            return false;
        }
        return positions.isEmpty() || positions.contains(entry.partition() + ":" + entry.offset());
    }

    /** Builder of {@link DeadLetterFilter}; setters validate, {@link #build()} checks that since is before until. */
    public static final class Builder {
        private final Set<DeadLetterReason> reasons = EnumSet.noneOf(DeadLetterReason.class);
        private final Set<String> exchanges = new LinkedHashSet<>();
        private Instant since;
        private Instant until;
        private final Set<String> positions = new LinkedHashSet<>();

        private Builder() {
        }

        /** Adds reasons, by name, case-insensitive. */
        public Builder reasons(List<String> names) {
            for (String name : names) {
                try {
                    reasons.add(DeadLetterReason.valueOf(name.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--reason: '" + name + "' is not one of "
                            + EnumSet.allOf(DeadLetterReason.class), e);
                }
            }
            return this;
        }

        /** Adds exchanges, lower-cased. */
        public Builder exchanges(List<String> names) {
            names.forEach(name -> exchanges.add(name.strip().toLowerCase(Locale.ROOT)));
            return this;
        }

        /** Only dead letters from this instant on (inclusive); null for no bound. */
        public Builder since(Instant value) {
            this.since = value;
            return this;
        }

        /** Only dead letters before this instant (exclusive); null for no bound. */
        public Builder until(Instant value) {
            this.until = value;
            return this;
        }

        /** Adds positions in the dead-letter topic, each {@code partition:offset}. */
        public Builder positions(List<String> values) {
            for (String value : values) {
                String[] parts = value.strip().split(":", -1);
                try {
                    if (parts.length == 2 && Integer.parseInt(parts[0]) >= 0 && Long.parseLong(parts[1]) >= 0) {
                        positions.add(Integer.parseInt(parts[0]) + ":" + Long.parseLong(parts[1]));
                        continue;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException("--offsets: '" + value
                        + "' is not partition:offset with both >= 0, e.g. 0:17");
            }
            return this;
        }

        /** @throws IllegalArgumentException when since is not before until */
        public DeadLetterFilter build() {
            if (since != null && until != null && !since.isBefore(until)) {
                throw new IllegalArgumentException("--since " + since + " must be before --until " + until);
            }
            return new DeadLetterFilter(this);
        }
    }
}
