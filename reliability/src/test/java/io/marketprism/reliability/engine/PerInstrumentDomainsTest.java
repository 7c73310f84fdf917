package io.marketprism.reliability.engine;

import static io.marketprism.reliability.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.InMemoryStateStorage;
import io.marketprism.reliability.state.StateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Limit domains per instrument ({@link DomainId#ofInstrument}): each instrument has the whole limits of its group,
 * bans of the group's address reach it, and it is forgotten, in memory and in storage, once it is idle.
 */
class PerInstrumentDomainsTest {

    /** The group's domain on route r1; its instruments' domains are {@code ex.funding.r1/<instrument>}. */
    static final String GROUP = "ex.funding.r1";
    /** The per-instrument limit: 10 requests per 2 s (OKX's funding rate), budgeted over 2,020 ms. */
    static final int LIMIT = 10;
    static final long WINDOW = 2_020;
    /** The retry budget's window (the fixture's default): the longest any idle domain keeps counts. */
    static final long RETRY_WINDOW = 10_000;

    private final InMemoryStateStorage storage = new InMemoryStateStorage();
    private final List<ReliabilityEvent> events = new ArrayList<>();
    private DecisionEngine engine = new DecisionEngine(config(), storage, events::add);

    /** The fixture's exchange "ex" with 10 requests per 2,020 ms and a bucket of 10, and the group's domain on r1. */
    static ReliabilityConfig config() {
        return ReliabilityConfig.of(EngineFixture.config().exchange("ex").toBuilder()
                .limiter(LimiterConfig.builder().bucketCapacity(LIMIT).refillPerSecond(LIMIT * 1000.0 / WINDOW)
                        .windows(WindowLimit.requests(LIMIT, WINDOW)).usedWeightWindowMillis(0)
                        .criticalReserveShare(0).queueCapacity(1_000).defaultBanMillis(10_000).build())
                .build()).withDomains(Map.of(GROUP, "ex"));
    }

    static String domainOf(String instrument) {
        return DomainId.ofInstrument("ex", "funding", "r1", instrument).name();
    }

    static TaskView task(String id, String instrument) {
        return new TaskView(id, "ex", domainOf(instrument), "FUNDING_RATE", Map.of(), Priority.NORMAL, null, 1, null,
                null, null, null);
    }

    @Test
    void shouldGiveEveryInstrumentTheWholeLimitOfItsGroup() {
        InMemoryWaitQueue queueA = new InMemoryWaitQueue();
        InMemoryWaitQueue queueB = new InMemoryWaitQueue();
        for (int i = 0; i < LIMIT; i++) {
            assertThat(engine.decide(task("a" + i, "A"), queueA, T0)).isInstanceOf(Decision.Dispatch.class);
            assertThat(engine.decide(task("b" + i, "B"), queueB, T0)).isInstanceOf(Decision.Dispatch.class);
        }

        assertThat(engine.decide(task("a-over", "A"), queueA, T0)).as("A's limit is spent")
                .isInstanceOf(Decision.Queued.class);
        assertThat(engine.decide(task("b-over", "B"), queueB, T0)).as("B's limit is spent")
                .isInstanceOf(Decision.Queued.class);
    }

    @Test
    void shouldForgetAnIdleInstrumentDomainInMemoryAndInStorageOnceItsWindowsAreEmpty() {
        TaskView call = task("a1", "A");
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(call, new InMemoryWaitQueue(), T0);
        engine.countAnswered(call, T0, T0 + 50, T0 + 50);
        engine.record(CallReport.success(call, dispatch.endpoint(), 50), T0 + 50);
        engine.saveChanges();
        assertThat(storage.load(StateKey.limiter(new DomainId(domainOf("A"))))).isNotNull();

        boolean withinTheWindow = engine.forgetIfIdle(domainOf("A"), T0 + 50 + WINDOW - 1);
        boolean withinTheRetryWindow = engine.forgetIfIdle(domainOf("A"), T0 + 50 + WINDOW + 1_000);
        boolean afterBoth = engine.forgetIfIdle(domainOf("A"), T0 + RETRY_WINDOW + 1_000);

        assertThat(withinTheWindow).isFalse();
        assertThat(withinTheRetryWindow).as("the retry budget still counts the first attempt").isFalse();
        assertThat(afterBoth).isTrue();
        assertThat(engine.loadedDomains()).doesNotContain(domainOf("A"));
        assertThat(storage.load(StateKey.limiter(new DomainId(domainOf("A"))))).isNull();
        assertThat(storage.load(StateKey.retryBudget(new DomainId(domainOf("A"))))).isNull();
        engine.saveChanges();
        assertThat(storage.load(StateKey.limiter(new DomainId(domainOf("A"))))).as("not saved again").isNull();
    }

    @Test
    void shouldNotForgetAnInstrumentDomainWhileOneOfItsCallsIsInFlight() {
        TaskView call = task("a1", "A");
        engine.decide(call, new InMemoryWaitQueue(), T0);
        long late = T0 + RETRY_WINDOW + 1_000;

        boolean whileInFlight = engine.forgetIfIdle(domainOf("A"), late);
        engine.countAnswered(call, T0, late, late);
        boolean justAnswered = engine.forgetIfIdle(domainOf("A"), late);
        boolean aWindowAfterTheAnswer = engine.forgetIfIdle(domainOf("A"), late + WINDOW + 1_000);

        assertThat(whileInFlight).isFalse();
        assertThat(justAnswered).as("the answer counts the call a window on").isFalse();
        assertThat(aWindowAfterTheAnswer).isTrue();
    }

    @Test
    void shouldKeepTheGroupsDomainAndEveryConfiguredOne() {
        engine.decide(new TaskView("g1", "ex", GROUP, "FUNDING_RATE", Map.of(), Priority.NORMAL, null, 1, null, null,
                null, null), new InMemoryWaitQueue(), T0);

        assertThat(engine.forgetIfIdle(GROUP, T0 + 60_000)).isFalse();
        assertThat(engine.loadedDomains()).contains(GROUP);
    }

    @Test
    void shouldStartAnInstrumentDomainBannedWhileA418OnItsRouteLasts() {
        TaskView onA = task("a1", "A");
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(onA, new InMemoryWaitQueue(), T0);
        engine.record(CallReport.status(onA, dispatch.endpoint(), 418, null, 60_000L, 5), T0 + 5);

        Decision onB = engine.decide(task("b1", "B"), new InMemoryWaitQueue(), T0 + 10);

        assertThat(engine.bannedUntil(GROUP)).as("the address is banned").isEqualTo(T0 + 60_005);
        assertThat(onB).isEqualTo(new Decision.Hold("b1", T0 + 60_005, Decision.HoldReason.BANNED));
    }

    @Test
    void shouldBanTheLoadedInstrumentDomainsOfTheRouteOnA418() {
        TaskView onA = task("a1", "A");
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(onA, new InMemoryWaitQueue(), T0);
        engine.decide(task("b1", "B"), new InMemoryWaitQueue(), T0);

        engine.record(CallReport.status(onA, dispatch.endpoint(), 418, null, 60_000L, 5), T0 + 5);

        assertThat(engine.bannedUntil(domainOf("B"))).isEqualTo(T0 + 60_005);
    }

    @Test
    void shouldLiftTheBansOfTheGroupsInstrumentsWithTheGroupsBan() {
        TaskView onA = task("a1", "A");
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(onA, new InMemoryWaitQueue(), T0);
        engine.record(CallReport.status(onA, dispatch.endpoint(), 418, null, 60_000L, 5), T0 + 5);

        engine.apply(new OperatorCommand.LiftBan(new DomainId(GROUP)), T0 + 10);

        assertThat(engine.bannedUntil(domainOf("A"))).isLessThanOrEqualTo(T0 + 10);
        assertThat(engine.decide(task("a2", "A"), new InMemoryWaitQueue(), T0 + 20))
                .isInstanceOf(Decision.Dispatch.class);
    }

    @Test
    void shouldContinueAfterARestartWithTheSavedBudgetOfEachInstrument() {
        for (int i = 0; i < LIMIT; i++) {
            engine.decide(task("a" + i, "A"), new InMemoryWaitQueue(), T0);
        }
        engine.saveChanges();

        DecisionEngine restarted = new DecisionEngine(config(), InMemoryStateStorage.copyOf(storage), events::add);

        assertThat(restarted.decide(task("a-over", "A"), new InMemoryWaitQueue(), T0 + 100))
                .isInstanceOf(Decision.Queued.class);
        assertThat(restarted.decide(task("b1", "B"), new InMemoryWaitQueue(), T0 + 100))
                .isInstanceOf(Decision.Dispatch.class);
    }
}
