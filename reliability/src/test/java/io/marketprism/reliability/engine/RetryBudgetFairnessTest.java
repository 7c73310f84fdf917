package io.marketprism.reliability.engine;

import static io.marketprism.reliability.engine.EngineFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.WindowLimit;
import io.marketprism.reliability.retry.GiveUpReason;
import io.marketprism.reliability.retry.RetryBudgetConfig;
import io.marketprism.reliability.state.InMemoryStateStorage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * A domain's retry budget goes to the retry that has waited longest: retries refused by it wait for its next bucket
 * together, and a retry that becomes due meanwhile waits behind them even when first attempts raised the budget.
 * The held tasks are replayed as the caller holds them ({@link Decision.Hold}): by due time, then by the time each
 * first became due (its notBefore), then by id.
 */
class RetryBudgetFairnessTest {

    private static final long TICK = 100;
    private static final long BUCKET = 1_000;

    /** A retry of the simulation: when it first became due, and its id; ordered so. */
    private record Retry(long firstDue, String id) implements Comparable<Retry> {
        @Override
        public int compareTo(Retry other) {
            return Comparator.comparingLong(Retry::firstDue).thenComparing(Retry::id).compare(this, other);
        }
    }

    /** A retry granted or given up, and when. */
    private record Outcome(Retry retry, long at) {
    }

    /** The held tasks as the caller keeps them: by due time, then first due time, then id. */
    private record HeldKey(long until, Retry retry) implements Comparable<HeldKey> {
        @Override
        public int compareTo(HeldKey other) {
            return Comparator.comparingLong(HeldKey::until).thenComparing(HeldKey::retry).compare(this, other);
        }
    }

    /** The exchange "ex" with a limiter that admits everything, and the given retry budget. */
    private static ReliabilityConfig config(double retryRatio, int minRetriesPerWindow) {
        return ReliabilityConfig.of(EngineFixture.config().exchange("ex").toBuilder()
                .limiter(LimiterConfig.builder().bucketCapacity(1_000_000_000L).refillPerSecond(1e9)
                        .windows(WindowLimit.requests(1_000_000_000L, 60_000)).usedWeightWindowMillis(0)
                        .criticalReserveShare(0).queueCapacity(1_000).build())
                .retryBudget(RetryBudgetConfig.builder().retryRatio(retryRatio).windowMillis(10 * BUCKET).buckets(10)
                        .minRetriesPerWindow(minRetriesPerWindow).build())
                .build());
    }

    private static TaskView retryOf(Retry retry, long deadline) {
        return EngineFixture.task(retry.id()).retry(2, retry.firstDue(), "a", ErrorClass.SERVER)
                .withDeadline(deadline);
    }

    /** Sends and answers a first attempt at {@code now}: the retry budget grows by it. */
    private static void firstAttempt(DecisionEngine engine, String id, long now) {
        TaskView task = EngineFixture.task(id);
        Decision.Dispatch sent = (Decision.Dispatch) engine.decide(task, new InMemoryWaitQueue(), now);
        engine.record(CallReport.success(task, sent.endpoint(), 1), now);
    }

    @Test
    void shouldGrantBudgetThatFirstAttemptsFreedToTheRetryWaitingLongestNotToOneThatBecameDueLater() {
        // Given a budget of one retry per first attempt and none yet, which refuses the retry "old"
        DecisionEngine engine = new DecisionEngine(config(1.0, 0), new InMemoryStateStorage(), event -> { });
        TaskView old = retryOf(new Retry(T0, "old"), T0 + 60_000);
        Decision oldWaits = engine.decide(old, new InMemoryWaitQueue(), T0);

        // When a first attempt raises the budget by one, and then the retry "new" becomes due
        firstAttempt(engine, "first", T0 + 300);
        Decision newWaits = engine.decide(retryOf(new Retry(T0 + 400, "new"), T0 + 60_000),
                new InMemoryWaitQueue(), T0 + 400);

        // Then "new" waits behind "old", and the budget's next bucket grants "old"
        assertThat(oldWaits).isEqualTo(new Decision.Hold("old", T0 + BUCKET, Decision.HoldReason.RETRY_BUDGET));
        assertThat(newWaits).isEqualTo(new Decision.Hold("new", T0 + BUCKET, Decision.HoldReason.RETRY_BUDGET));
        assertThat(engine.decide(old, new InMemoryWaitQueue(), T0 + BUCKET)).isInstanceOf(Decision.Dispatch.class);
    }

    @Test
    void shouldGrantARetryThatCannotWaitForTheNextBucketFromBudgetThatGrewMeanwhile() {
        // Given a retry waiting for the budget, and a first attempt that raised it by one
        DecisionEngine engine = new DecisionEngine(config(1.0, 0), new InMemoryStateStorage(), event -> { });
        engine.decide(retryOf(new Retry(T0, "old"), T0 + 60_000), new InMemoryWaitQueue(), T0);
        firstAttempt(engine, "first", T0 + 300);

        // When a retry whose deadline comes before the next bucket becomes due
        Decision urgent = engine.decide(retryOf(new Retry(T0 + 400, "urgent"), T0 + 900), new InMemoryWaitQueue(),
                T0 + 400);

        // Then it is sent rather than given up for a budget that has room
        assertThat(urgent).isInstanceOf(Decision.Dispatch.class);
    }

    @Test
    void shouldEndTheWaitForTheNextBucketWhenTheClockStepsBack() {
        // Given a retry refused at a time an hour ahead, by a clock that then steps back
        long ahead = T0 + 3_600_000;
        DecisionEngine engine = new DecisionEngine(config(1.0, 0).withClockSkewToleranceMillis(5_000),
                new InMemoryStateStorage(), event -> { });
        engine.decide(retryOf(new Retry(ahead, "ahead"), ahead + 7_200_000), new InMemoryWaitQueue(), ahead);

        // When a first attempt raises the budget at the earlier time, and a retry with a late deadline becomes due
        firstAttempt(engine, "first", T0);
        Decision later = engine.decide(retryOf(new Retry(T0 + 100, "later"), T0 + 7_200_000), new InMemoryWaitQueue(),
                T0 + 100);

        // Then it is granted: the wait the old clock timed is over
        assertThat(later).isInstanceOf(Decision.Dispatch.class);
    }

    /**
     * Retries become due at every tick, some first attempts are answered (each raises the budget), and the budget
     * admits fewer retries than are due. Whatever the load, retries are granted in the order they first became due,
     * and none is given up at its deadline after a retry that became due later was granted.
     */
    @Property(tries = 200)
    void shouldGrantRetriesInTheOrderTheyFirstBecameDue(
            @ForAll("retriesPerTick") List<Integer> retriesPerTick,
            @ForAll("firstAttemptsPerTick") List<Integer> firstAttemptsPerTick,
            @ForAll @DoubleRange(min = 0.0, max = 0.5) double retryRatio,
            @ForAll @IntRange(min = 0, max = 5) int minRetriesPerWindow,
            @ForAll @LongRange(min = 2 * BUCKET, max = 30 * BUCKET) long deadlineAfterDue) {
        DecisionEngine engine = new DecisionEngine(config(retryRatio, minRetriesPerWindow),
                new InMemoryStateStorage(), event -> { });
        TreeMap<HeldKey, Retry> held = new TreeMap<>();
        List<Outcome> granted = new ArrayList<>();
        List<Outcome> givenUp = new ArrayList<>();
        int ticks = Math.max(retriesPerTick.size(), firstAttemptsPerTick.size()) + 40;
        int nextId = 0;
        for (int tick = 0; tick < ticks; tick++) {
            long now = T0 + tick * TICK;
            for (int i = 0; i < at(firstAttemptsPerTick, tick); i++) {
                firstAttempt(engine, String.format("first-%06d", nextId++), now);
            }
            for (int i = 0; i < at(retriesPerTick, tick); i++) {
                Retry retry = new Retry(now, String.format("retry-%06d", nextId++));
                held.put(new HeldKey(now, retry), retry);
            }
            while (!held.isEmpty() && held.firstKey().until() <= now) {
                Retry retry = held.pollFirstEntry().getValue();
                TaskView task = retryOf(retry, retry.firstDue() + deadlineAfterDue);
                Decision decision = engine.decide(task, new InMemoryWaitQueue(), now);
                if (decision instanceof Decision.Dispatch sent) {
                    granted.add(new Outcome(retry, now));
                    engine.record(CallReport.success(task, sent.endpoint(), 1), now);
                } else if (decision instanceof Decision.Hold hold) {
                    assertThat(hold.reason()).isEqualTo(Decision.HoldReason.RETRY_BUDGET);
                    held.put(new HeldKey(hold.until(), retry), retry);
                } else {
                    assertThat(((Decision.DeadLetter) decision).reason()).isEqualTo(GiveUpReason.BUDGET_EXHAUSTED);
                    givenUp.add(new Outcome(retry, now));
                }
            }
        }

        for (int i = 1; i < granted.size(); i++) {
            assertThat(granted.get(i).retry()).as("granted after %s", granted.get(i - 1))
                    .isGreaterThan(granted.get(i - 1).retry());
        }
        for (Outcome dead : givenUp) {
            assertThat(granted).as("granted before %s was given up, though it became due later", dead)
                    .noneMatch(grant -> grant.at() <= dead.at() && grant.retry().compareTo(dead.retry()) > 0);
        }
        Statistics.label("some given up").collect(!givenUp.isEmpty());
        Statistics.label("some waited").collect(granted.stream().anyMatch(g -> g.at() > g.retry().firstDue()));
    }

    private static int at(List<Integer> counts, int tick) {
        return tick < counts.size() ? counts.get(tick) : 0;
    }

    @Provide
    Arbitrary<List<Integer>> retriesPerTick() {
        return Arbitraries.integers().between(0, 4).list().ofMinSize(20).ofMaxSize(300);
    }

    @Provide
    Arbitrary<List<Integer>> firstAttemptsPerTick() {
        return Arbitraries.integers().between(0, 6).list().ofMaxSize(300);
    }
}
