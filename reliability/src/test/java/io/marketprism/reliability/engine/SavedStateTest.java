package io.marketprism.reliability.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.balancer.BalancerSnapshot;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.limiter.LimiterSnapshot;
import org.junit.jupiter.api.Test;

/** The read-only accessors tools use on saved engine state, and the ban lift they may write back. */
class SavedStateTest {

    private static final long NOW = 1_700_000_000_000L;
    private final InMemoryStateStorage storage = new InMemoryStateStorage();
    private final DecisionEngine engine = new DecisionEngine(ReliabilityConfig.ofDefaults(), storage,
            EventListener.IGNORE);

    @Test
    void shouldExposeTheLimiterAndBalancerAsSavedAfterADispatch() {
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(TaskView.of("t1", "okx", "TICKER"),
                new InMemoryWaitQueue(), NOW);
        engine.saveChanges();

        byte[] saved = storage.load(StateKind.LIMITER, "okx");
        LimiterSnapshot limiter = SavedState.limiter(saved);
        assertThat(SavedState.exchangeOfLimiter(saved)).isEqualTo("okx");
        assertThat(limiter.tokens()).isLessThan(20.0);
        assertThat(limiter.windowUsage()).containsValue(1L);
        assertThat(BalancerSnapshot.fromBytes(storage.load(StateKind.BALANCER, "okx")).endpointStatuses())
                .filteredOn(e -> e.endpoint().equals(dispatch.endpoint()))
                .singleElement().satisfies(e -> assertThat(e.inFlight()).isEqualTo(1));
    }

    @Test
    void shouldLetANewEngineDispatchOnceABanIsRemovedFromTheSavedLimiter() {
        TaskView first = TaskView.of("t1", "okx", "TICKER");
        Decision.Dispatch dispatch = (Decision.Dispatch) engine.decide(first, new InMemoryWaitQueue(), NOW);
        engine.record(CallReport.status(first, dispatch.endpoint(), 418, null, 60_000L, 5), NOW + 5);
        engine.saveChanges();
        LimiterSnapshot banned = SavedState.limiter(storage.load(StateKind.LIMITER, "okx"));
        assertThat(banned.bannedUntil()).isGreaterThan(NOW + 5);

        storage.save(StateKind.LIMITER, "okx", SavedState.limiterValue("okx", banned.withoutBan()));
        DecisionEngine fresh = new DecisionEngine(ReliabilityConfig.ofDefaults(), storage, EventListener.IGNORE);

        assertThat(fresh.decide(TaskView.of("t2", "okx", "TICKER"), new InMemoryWaitQueue(), NOW + 6))
                .isInstanceOf(Decision.Dispatch.class);
    }

    @Test
    void shouldReportDamagedLimiterValuesAsIllegalArguments() {
        assertThatThrownBy(() -> SavedState.limiter(new byte[] {1, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SavedState.exchangeOfLimiter(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
