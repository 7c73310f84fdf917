package io.marketprism.reliability.engine;

import io.marketprism.reliability.state.StateKind;
import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.Priority;
import io.marketprism.reliability.balancer.EjectionReason;
import io.marketprism.reliability.breaker.BreakerState;
import io.marketprism.reliability.breaker.TransitionCause;
import io.marketprism.reliability.limiter.ShedReason;
import io.marketprism.reliability.retry.GiveUpReason;

/**
 * Something the {@link DecisionEngine} did that operators want to see, for metrics and the audit topic. Every event
 * has its time, kind, exchange, subject (the endpoint or the limit domain it concerns) and a one-line detail.
 */
public sealed interface ReliabilityEvent {

    /** The kinds of event, one per record type. */
    enum Kind {
        BREAKER_TRANSITION, ENDPOINT_EJECTED, ENDPOINT_RESTORED, PANIC_ENTERED, PANIC_LEFT, BAN_STARTED, BAN_ENDED,
        RATE_CUT, TASK_SHED, TASK_GIVEN_UP, CLOCK_SKEW, STATE_DISCARDED
    }

    /** Epoch millis, the engine time the event happened at. */
    long at();

    Kind kind();

    String exchange();

    /** The endpoint (endpoint events), the exchange (panic events) or the limit domain (all others). */
    String subject();

    /** A human-readable summary. */
    String detail();

    /** An endpoint's breaker changed state. */
    record BreakerTransitioned(long at, String exchange, String endpoint, BreakerState from, BreakerState to,
                               TransitionCause cause) implements ReliabilityEvent {
        public Kind kind() {
            return Kind.BREAKER_TRANSITION;
        }

        public String subject() {
            return endpoint;
        }

        public String detail() {
            return from + " -> " + to + " (" + cause + ")";
        }
    }

    /** The balancer took {@code endpoint} out of rotation until {@code until}. */
    record EndpointEjected(long at, String exchange, String endpoint, EjectionReason reason, long until)
            implements ReliabilityEvent {
        public Kind kind() {
            return Kind.ENDPOINT_EJECTED;
        }

        public String subject() {
            return endpoint;
        }

        public String detail() {
            return reason + " until " + until;
        }
    }

    /** The balancer put {@code endpoint} back in rotation. */
    record EndpointRestored(long at, String exchange, String endpoint) implements ReliabilityEvent {
        public Kind kind() {
            return Kind.ENDPOINT_RESTORED;
        }

        public String subject() {
            return endpoint;
        }

        public String detail() {
            return "back in rotation";
        }
    }

    /** Too few endpoints were available, so the balancer ignores ejections. */
    record PanicEntered(long at, String exchange, int unavailable, int total) implements ReliabilityEvent {
        public Kind kind() {
            return Kind.PANIC_ENTERED;
        }

        public String subject() {
            return exchange;
        }

        public String detail() {
            return unavailable + " of " + total + " endpoints unavailable";
        }
    }

    /** Enough endpoints are available again. */
    record PanicLeft(long at, String exchange) implements ReliabilityEvent {
        public Kind kind() {
            return Kind.PANIC_LEFT;
        }

        public String subject() {
            return exchange;
        }

        public String detail() {
            return "ejections respected again";
        }
    }

    /** The exchange banned the limit domain until {@code until} after an answer with {@code status}. */
    record BanStarted(long at, String exchange, String domain, long until, int status) implements ReliabilityEvent {
        public Kind kind() {
            return Kind.BAN_STARTED;
        }

        public String subject() {
            return domain;
        }

        public String detail() {
            return "HTTP " + status + ", banned until " + until;
        }
    }

    /** The domain's ban is over. */
    record BanEnded(long at, String exchange, String domain) implements ReliabilityEvent {
        public Kind kind() {
            return Kind.BAN_ENDED;
        }

        public String subject() {
            return domain;
        }

        public String detail() {
            return "ban over";
        }
    }

    /** A 429 cut the domain's refill rate to {@code rateFactor} of the full rate. */
    record RateCut(long at, String exchange, String domain, double previousRateFactor, double rateFactor)
            implements ReliabilityEvent {
        public Kind kind() {
            return Kind.RATE_CUT;
        }

        public String subject() {
            return domain;
        }

        public String detail() {
            return "rate " + previousRateFactor + " -> " + rateFactor;
        }
    }

    /** The limiter dropped {@code taskId}: a newcomer, or a waiting task displaced by a higher newcomer. */
    record TaskShed(long at, String exchange, String domain, String taskId, Priority priority, ShedReason reason)
            implements ReliabilityEvent {
        public Kind kind() {
            return Kind.TASK_SHED;
        }

        public String subject() {
            return domain;
        }

        public String detail() {
            return taskId + " (" + priority + ") " + reason;
        }
    }

    /**
     * A component's clock was {@code aheadMillis} ahead of the engine's time, beyond the configured tolerance: saved
     * by an instance whose clock ran fast, or this instance's clock stepped back. Its instants were moved back to
     * {@code at} (see {@code ReliabilityConfig.clockSkewToleranceMillis}), so nothing waits for the future clock.
     *
     * @param subject   the endpoint (breakers), the exchange (balancers) or the limit domain (limiters, budgets)
     * @param component which component
     */
    record ClockSkewed(long at, String exchange, String subject, StateKind component, long aheadMillis)
            implements ReliabilityEvent {
        public Kind kind() {
            return Kind.CLOCK_SKEW;
        }

        public String detail() {
            return component + " clock was " + aheadMillis + " ms ahead; moved back to now";
        }
    }

    /**
     * Saved state of a component could not be used (written by an earlier release in another format, damaged, or not
     * fitting the configuration) and was replaced by fresh state.
     *
     * @param subject   the endpoint (breakers), the exchange (balancers) or the limit domain (limiters, budgets)
     * @param component which component
     * @param reason    why the saved state was not used
     */
    record StateDiscarded(long at, String exchange, String subject, StateKind component, String reason)
            implements ReliabilityEvent {
        public Kind kind() {
            return Kind.STATE_DISCARDED;
        }

        public String detail() {
            return component + " state replaced by fresh state: " + reason;
        }
    }

    /** {@code taskId} is given up; {@code errorClass} is null when no call failed (expired before sending). */
    record TaskGivenUp(long at, String exchange, String domain, String taskId, GiveUpReason reason,
                       ErrorClass errorClass, String why) implements ReliabilityEvent {
        public Kind kind() {
            return Kind.TASK_GIVEN_UP;
        }

        public String subject() {
            return domain;
        }

        public String detail() {
            return taskId + " " + reason + (errorClass == null ? "" : " after " + errorClass) + ": " + why;
        }
    }
}
