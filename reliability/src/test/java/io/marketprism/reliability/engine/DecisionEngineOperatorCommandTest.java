package io.marketprism.reliability.engine;

import static io.marketprism.reliability.engine.EngineFixture.T0;
import static io.marketprism.reliability.engine.EngineFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.breaker.BreakerState;
import io.marketprism.reliability.breaker.TransitionCause;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.EndpointId;
import io.marketprism.reliability.state.InMemoryStateStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Operator commands applied through {@link DecisionEngine#apply}, and what a new engine over the storage sees. */
class DecisionEngineOperatorCommandTest {

    private static final EndpointId A = new EndpointId("ex", "a");

    private final List<ReliabilityEvent> events = new ArrayList<>();
    private final InMemoryStateStorage storage = new InMemoryStateStorage();
    private final InMemoryWaitQueue queue = new InMemoryWaitQueue();
    private final DecisionEngine engine = new DecisionEngine(EngineFixture.config(), storage, events::add);

    private DecisionEngine restarted() {
        return new DecisionEngine(EngineFixture.config(), storage, events::add);
    }

    @Test
    void shouldRouteAroundABreakerForcedOpenInThisEngineAndAfterARestart() {
        String summary = engine.apply(new OperatorCommand.ForceOpenBreaker(A), T0);
        engine.saveChanges();

        assertThat(summary).isEqualTo("breaker ex/a is FORCED_OPEN");
        assertThat(events).containsExactly(new ReliabilityEvent.BreakerTransitioned(T0, "ex", "a",
                BreakerState.CLOSED, BreakerState.FORCED_OPEN, TransitionCause.FORCED_OPEN));
        assertThat(engine.decide(task("t1"), queue, T0)).isEqualTo(new Decision.Dispatch("t1", "b", false));
        assertThat(engine.decide(task("t2"), queue, T0 + 1_000)).isEqualTo(new Decision.Dispatch("t2", "b", false));
        assertThat(restarted().decide(task("t3"), queue, T0 + 2_000))
                .isEqualTo(new Decision.Dispatch("t3", "b", false));
    }

    @Test
    void shouldUseAnEndpointAgainOnceItsForcedOpenBreakerIsClosedOrReset() {
        engine.apply(new OperatorCommand.ForceOpenBreaker(A), T0);

        assertThat(engine.apply(new OperatorCommand.CloseBreaker(A), T0 + 1)).isEqualTo("breaker ex/a is CLOSED");
        engine.apply(new OperatorCommand.ForceOpenBreaker(A), T0 + 2);
        assertThat(engine.apply(new OperatorCommand.ResetBreaker(A), T0 + 3)).isEqualTo("breaker ex/a is CLOSED");
        assertThat(engine.decide(task("t1"), queue, T0 + 3)).isEqualTo(new Decision.Dispatch("t1", "a", false));
    }

    @Test
    void shouldDispatchAtOnceAfterABanIsLiftedWithoutANewEngine() {
        Decision.Dispatch first = (Decision.Dispatch) engine.decide(task("t1"), queue, T0);
        engine.record(CallReport.status(task("t1"), first.endpoint(), 418, null, 60_000L, 5), T0 + 5);
        assertThat(engine.decide(task("t2"), queue, T0 + 6)).isInstanceOf(Decision.Hold.class);
        events.clear();

        String summary = engine.apply(new OperatorCommand.LiftBan(new DomainId("ex")), T0 + 10);

        assertThat(summary).isEqualTo("ban of ex lifted (was until " + (T0 + 60_005) + ")");
        assertThat(events).containsExactly(new ReliabilityEvent.BanEnded(T0 + 10, "ex", "ex"));
        assertThat(engine.decide(task("t2"), queue, T0 + 10)).isInstanceOf(Decision.Dispatch.class);
    }

    @Test
    void shouldLiftABanSavedByAnEarlierEngine() {
        Decision.Dispatch first = (Decision.Dispatch) engine.decide(task("t1"), queue, T0);
        engine.record(CallReport.status(task("t1"), first.endpoint(), 418, null, 60_000L, 5), T0 + 5);
        engine.saveChanges();

        DecisionEngine next = restarted();
        next.apply(new OperatorCommand.LiftBan(new DomainId("ex")), T0 + 10);
        next.saveChanges();

        assertThat(restarted().decide(task("t2"), queue, T0 + 11)).isInstanceOf(Decision.Dispatch.class);
    }

    @Test
    void shouldRefuseCommandsNamingWhatDoesNotExistOrIsNotBanned() {
        assertThatThrownBy(() -> engine.apply(new OperatorCommand.LiftBan(new DomainId("ex")), T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("domain 'ex' is not banned");
        assertThatThrownBy(() -> engine.apply(new OperatorCommand.ResetBreaker(new EndpointId("ex", "zz")), T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown endpoint 'zz'");
        assertThatThrownBy(() -> engine.apply(new OperatorCommand.CloseBreaker(new EndpointId("nope", "a")), T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exchange 'nope' is not configured");
        assertThat(events).isEmpty();
    }
}
