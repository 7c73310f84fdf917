package io.marketprism.topology.admin;

import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.reliability.engine.OperatorCommand;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.EndpointId;

/**
 * Applies an {@link AdminCommand} on the stream thread that owns its domain, through the partition's
 * {@link DecisionEngine} ({@link DecisionEngine#apply}): the engine changes the component as any call does and saves
 * it with its next save, so the caller goes on with the same engine.
 */
public final class AdminCommandApplier {

    private AdminCommandApplier() {
    }

    /**
     * Applies the command at {@code now} and completes its future with the engine's summary; the engine reports the
     * events (a breaker transition, a ban's end) to its listener. Returns false, completing the future exceptionally,
     * when the command names an exchange or endpoint that is not configured, or a domain that is not banned; skips a
     * command already cancelled.
     */
    public static boolean apply(AdminCommand command, DecisionEngine engine, long now) {
        if (command.done().isDone()) {
            return false;
        }
        try {
            command.done().complete(engine.apply(operatorCommand(command), now));
            return true;
        } catch (IllegalArgumentException refused) {
            command.done().completeExceptionally(refused);
            return false;
        }
    }

    /** The engine's command for an admin command. */
    static OperatorCommand operatorCommand(AdminCommand command) {
        if (command.action() == AdminCommand.Action.LIFT_BAN) {
            return new OperatorCommand.LiftBan(new DomainId(command.domain()));
        }
        EndpointId endpoint = new EndpointId(command.domain(), command.endpoint());
        return switch (command.action()) {
            case FORCE_OPEN -> new OperatorCommand.ForceOpenBreaker(endpoint);
            case CLOSE -> new OperatorCommand.CloseBreaker(endpoint);
            case RESET -> new OperatorCommand.ResetBreaker(endpoint);
            case LIFT_BAN -> throw new IllegalStateException("not a breaker action: " + command.action());
        };
    }
}
