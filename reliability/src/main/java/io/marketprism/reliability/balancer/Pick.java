package io.marketprism.reliability.balancer;

import java.util.Objects;

/** What {@link LoadBalancer#pick} chose. */
public sealed interface Pick {

    /** Send to {@code endpoint}; {@code panic} when too few endpoints were available and ejections were ignored. */
    record Picked(String endpoint, boolean panic) implements Pick {
        public Picked {
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /** No endpoint may be used now; trying again before {@code retryAt} is pointless. */
    record NoneAvailable(long retryAt, Reason reason) implements Pick {
        public NoneAvailable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why nothing could be picked. */
    enum Reason {
        /** The gate refused every endpoint. */
        ALL_REFUSED_BY_GATE,
        /** Every endpoint the gate permits is ejected, and panic mode is off (panic threshold 1). */
        ALL_PERMITTED_EJECTED
    }
}
