package io.marketprism.reliability.engine;

import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.EndpointId;
import java.util.Objects;

/** An operator's change to reliability state, applied by {@link DecisionEngine#apply} like any other engine call. */
public sealed interface OperatorCommand {

    /** A command to one endpoint's breaker. */
    sealed interface BreakerCommand extends OperatorCommand {
        EndpointId endpoint();
    }

    /** Opens the endpoint's breaker until an operator closes or resets it. */
    record ForceOpenBreaker(EndpointId endpoint) implements BreakerCommand {
        public ForceOpenBreaker {
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /** Closes the endpoint's breaker with an empty window, keeping its history of openings. */
    record CloseBreaker(EndpointId endpoint) implements BreakerCommand {
        public CloseBreaker {
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /** Closes the endpoint's breaker and forgets its window and openings. */
    record ResetBreaker(EndpointId endpoint) implements BreakerCommand {
        public ResetBreaker {
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /** Ends the exchange's ban of the limit domain now. */
    record LiftBan(DomainId domain) implements OperatorCommand {
        public LiftBan {
            Objects.requireNonNull(domain, "domain");
        }
    }
}
