package io.marketprism.topology.admin;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An operator's change to reliability state, applied by the stream thread that owns the limit domain (state stores
 * are written only there, inside its exactly-once transaction). {@link #done()} completes with a one-line summary
 * once applied, or exceptionally when the command names something that does not exist; {@link #committed()}
 * completes with the same summary once a Kafka commit of the applying stream thread has carried the change, so an
 * operator is told "done" only when a crash can no longer undo it.
 *
 * @param action   what to do
 * @param domain   the limit domain (its partition decides which processor applies the command)
 * @param endpoint the endpoint name for breaker actions, null for {@link Action#LIFT_BAN}
 */
public record AdminCommand(Action action, String domain, String endpoint, CompletableFuture<String> done,
                           CompletableFuture<String> committed) {

    /** The supported changes. */
    public enum Action {
        /** Opens the endpoint's breaker until an operator closes or resets it. */
        FORCE_OPEN,
        /** Closes the endpoint's breaker, keeping its history of openings. */
        CLOSE,
        /** Closes the endpoint's breaker and forgets its window and openings. */
        RESET,
        /** Ends the exchange's ban of the domain now. */
        LIFT_BAN
    }

    public AdminCommand {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(done, "done");
        Objects.requireNonNull(committed, "committed");
        if ((action == Action.LIFT_BAN) != (endpoint == null)) {
            throw new IllegalArgumentException(action + (endpoint == null ? " needs an endpoint" : " takes no endpoint"));
        }
    }

    public static AdminCommand of(Action action, String domain, String endpoint) {
        return new AdminCommand(action, domain, endpoint, new CompletableFuture<>(), new CompletableFuture<>());
    }
}
