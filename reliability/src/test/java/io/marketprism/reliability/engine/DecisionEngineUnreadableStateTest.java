package io.marketprism.reliability.engine;

import static io.marketprism.reliability.engine.EngineFixture.T0;
import static io.marketprism.reliability.engine.EngineFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.EndpointId;
import io.marketprism.reliability.state.InMemoryStateStorage;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.reliability.state.StateKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Saved state the engine cannot read: bytes in the hand-written formats of the release before the Avro state format
 * (a rolling deploy), or damaged ones. It is replaced by fresh state, reported, and saved anew; nothing throws.
 */
class DecisionEngineUnreadableStateTest {

    /** The start of what the previous release wrote: a version byte, then its fields. */
    private static final byte[] PREVIOUS_RELEASE = {1, 0, 2, 'e', 'x', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    private final List<ReliabilityEvent> events = new ArrayList<>();
    private final InMemoryStateStorage storage = new InMemoryStateStorage();
    private final InMemoryWaitQueue queue = new InMemoryWaitQueue();

    private DecisionEngine engine() {
        return new DecisionEngine(EngineFixture.config(), storage, events::add);
    }

    private void savePreviousReleaseState() {
        storage.save(StateKey.limiter(new DomainId("ex")), PREVIOUS_RELEASE);
        storage.save(StateKey.retryBudget(new DomainId("ex")), PREVIOUS_RELEASE);
        storage.save(StateKey.balancer("ex"), PREVIOUS_RELEASE);
        storage.save(StateKey.breaker(new EndpointId("ex", "a")), PREVIOUS_RELEASE);
        storage.save(StateKey.breaker(new EndpointId("ex", "b")), new byte[] {(byte) 0xC3, 0x01, 9});
    }

    private List<ReliabilityEvent.StateDiscarded> discarded() {
        return events.stream().filter(ReliabilityEvent.StateDiscarded.class::isInstance)
                .map(ReliabilityEvent.StateDiscarded.class::cast).toList();
    }

    @Test
    void shouldDecideWithFreshStateAndReportEachComponentWhoseSavedStateItCannotRead() {
        savePreviousReleaseState();

        Decision decision = engine().decide(task("t1"), queue, T0);

        assertThat(decision).isInstanceOf(Decision.Dispatch.class);
        assertThat(discarded()).extracting(ReliabilityEvent.StateDiscarded::component)
                .containsExactlyInAnyOrder(StateKind.LIMITER, StateKind.RETRY_BUDGET, StateKind.BALANCER,
                        StateKind.BREAKER, StateKind.BREAKER);
        assertThat(discarded()).allSatisfy(e -> assertThat(e.kind()).isEqualTo(ReliabilityEvent.Kind.STATE_DISCARDED));
    }

    @Test
    void shouldSaveTheFreshStateSoTheNextEngineReadsItWithoutReports() {
        savePreviousReleaseState();
        DecisionEngine first = engine();
        first.decide(task("t1"), queue, T0);
        first.saveChanges();
        events.clear();

        engine().decide(task("t2"), queue, T0 + 1_000);

        assertThat(discarded()).isEmpty();
        assertThat(SavedStateView.domain(storage.load(StateKey.limiter(new DomainId("ex"))))).isPresent();
        assertThat(SavedStateView.breaker(storage.load(StateKey.breaker(new EndpointId("ex", "b"))))).isPresent();
    }

    @Test
    void shouldDrainADomainWhoseSavedLimiterItCannotReadWhenTheDomainIsNamedLikeAnExchange() {
        storage.save(StateKey.limiter(new DomainId("ex")), PREVIOUS_RELEASE);

        List<Decision.Dispatch> drained = engine().drain("ex", queue, T0);

        assertThat(drained).isEmpty();
        assertThat(discarded()).extracting(ReliabilityEvent.StateDiscarded::component)
                .containsExactly(StateKind.LIMITER);
    }

    @Test
    void shouldForgetAPerInstrumentDomainWhoseSavedLimiterItCannotRead() {
        String instrument = PerInstrumentDomainsTest.domainOf("A");
        StateKey limiter = StateKey.limiter(new DomainId(instrument));
        storage.save(limiter, PREVIOUS_RELEASE);
        DecisionEngine engine = new DecisionEngine(PerInstrumentDomainsTest.config(), storage, events::add);

        boolean forgotten = engine.forgetIfIdle(instrument, T0);

        assertThat(forgotten).isTrue();
        assertThat(storage.load(limiter)).isNull();
        assertThat(discarded()).singleElement().satisfies(e -> {
            assertThat(e.component()).isEqualTo(StateKind.LIMITER);
            assertThat(e.subject()).isEqualTo(instrument);
        });
    }
}
