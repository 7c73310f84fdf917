package io.marketprism.reliability.limiter;

import static io.marketprism.reliability.Priority.CRITICAL;
import static io.marketprism.reliability.Priority.HIGH;
import static io.marketprism.reliability.Priority.LOW;
import static io.marketprism.reliability.Priority.NORMAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.engine.DomainEntry;
import io.marketprism.reliability.engine.DomainEntryCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PriorityRateLimiterTest {

    private final List<LimiterEvent> events = new ArrayList<>();
    private final InMemoryWaitQueue queue = new InMemoryWaitQueue();

    /** Bucket of 10 refilling 10 per second (one token per 100 ms); windows far away unless a test sets them. */
    private static LimiterConfig.Builder smallBucket() {
        return LimiterConfig.builder()
                .bucketCapacity(10)
                .refillPerSecond(10)
                .windows(WindowLimit.weight(1_000_000, 60_000))
                .usedWeightWindowMillis(0)
                .criticalReserveShare(0.0);
    }

    private PriorityRateLimiter limiter(LimiterConfig config) {
        return PriorityRateLimiter.create("binance", config, events::add);
    }

    private static AdmissionRequest task(String id, Priority priority, int weight) {
        return new AdmissionRequest(id, priority, weight, null);
    }

    private static List<String> ids(List<Waiting> tasks) {
        return tasks.stream().map(Waiting::taskId).toList();
    }

    @Test
    void shouldAdmitWhileBucketHoldsTheWeightAndQueueTheRest() {
        PriorityRateLimiter limiter = limiter(smallBucket().build());

        Admission first = limiter.offer(task("a", NORMAL, 6), queue, 0);
        Admission second = limiter.offer(task("b", NORMAL, 4), queue, 0);
        Admission third = limiter.offer(task("c", NORMAL, 1), queue, 0);

        assertThat(first).isInstanceOf(Admission.Admit.class);
        assertThat(second).isInstanceOf(Admission.Admit.class);
        assertThat(third).isInstanceOf(Admission.Enqueued.class);
        assertThat(ids(queue.contents())).containsExactly("c");
    }

    @Test
    void shouldNumberArrivalsAfterTheTasksStillWaitingWhenTheLimiterStartsFresh() {
        PriorityRateLimiter before = limiter(smallBucket().build());
        before.offer(task("burst", NORMAL, 10), queue, 0);
        before.offer(task("w1", NORMAL, 1), queue, 0);
        before.offer(task("w2", LOW, 1), queue, 0);
        before.offer(task("w3", NORMAL, 1), queue, 0);

        // its saved state is lost (unreadable, or written by another release): the queue outlives it
        PriorityRateLimiter fresh = limiter(smallBucket().build());
        Admission newcomer = fresh.offer(task("w4", NORMAL, 1), queue, 0);

        assertThat(((Admission.Enqueued) newcomer).waiting().arrivalSeq()).isEqualTo(3);
        assertThat(queue.maxArrivalSeq()).isEqualTo(3);
        assertThat(ids(queue.contents())).containsExactly("w1", "w3", "w4", "w2");
    }

    @Test
    void shouldRefillBucketAtConfiguredRateAndDrainWhenEnoughAccrued() {
        PriorityRateLimiter limiter = limiter(smallBucket().build());
        limiter.offer(task("burst", NORMAL, 10), queue, 0);

        Admission waiting = limiter.offer(task("w", NORMAL, 3), queue, 0);

        assertThat(((Admission.Enqueued) waiting).retryHintAt()).isEqualTo(300);
        assertThat(limiter.drain(queue, 299)).isEmpty();
        assertThat(ids(limiter.drain(queue, 300))).containsExactly("w");
        assertThat(queue.totalDepth()).isZero();
    }

    @Test
    void shouldKeepCriticalReserveOfBucketFromLowerPriorities() {
        PriorityRateLimiter limiter = limiter(smallBucket().criticalReserveShare(0.2).build());
        limiter.offer(task("a", HIGH, 8), queue, 0);

        Admission high = limiter.offer(task("b", HIGH, 1), queue, 0);
        Admission critical = limiter.offer(task("c", CRITICAL, 2), queue, 0);

        assertThat(high).isInstanceOf(Admission.Enqueued.class);
        assertThat(critical).isInstanceOf(Admission.Admit.class);
    }

    @Test
    void shouldKeepCriticalReserveOfEveryWindowFromLowerPriorities() {
        PriorityRateLimiter limiter = limiter(LimiterConfig.builder()
                .bucketCapacity(1000).refillPerSecond(1000).criticalReserveShare(0.1)
                .windows(WindowLimit.requests(10, 1000)).usedWeightWindowMillis(0).build());
        for (int i = 0; i < 9; i++) {
            assertThat(limiter.offer(task("low" + i, LOW, 1), queue, 0)).isInstanceOf(Admission.Admit.class);
        }

        Admission tenthLow = limiter.offer(task("low9", LOW, 1), queue, 0);
        Admission critical = limiter.offer(task("crit", CRITICAL, 1), queue, 0);

        assertThat(tenthLow).isInstanceOf(Admission.Enqueued.class);
        assertThat(critical).isInstanceOf(Admission.Admit.class);
    }

    /** Two requests a second in 100 ms slots, a bucket that never binds. */
    private static LimiterConfig twoRequestsASecond() {
        return LimiterConfig.builder().bucketCapacity(1000).refillPerSecond(1000).criticalReserveShare(0.0)
                .windows(WindowLimit.requests(2, 1000).withSlots(10)).usedWeightWindowMillis(0).build();
    }

    @Test
    void shouldHoldAnAnsweredCallInTheWindowForAWindowAfterItsAnswer() {
        // Given two calls admitted at 0, the second answered at 900 (sent late, or slow to travel)
        PriorityRateLimiter limiter = limiter(twoRequestsASecond());
        limiter.offer(task("a", NORMAL, 1), queue, 0);
        limiter.offer(task("b", NORMAL, 1), queue, 0);
        limiter.onAnswered(1, 0, 900, 900);

        // When the slot they were admitted in leaves the window
        Admission third = limiter.offer(task("c", NORMAL, 1), queue, 1100);
        Admission fourth = limiter.offer(task("d", NORMAL, 1), queue, 1100);

        // Then the answered one still counts, where the exchange may have counted it, until a window after 900
        assertThat(third).isInstanceOf(Admission.Admit.class);
        assertThat(((Admission.Enqueued) fourth).retryHintAt()).isEqualTo(2000);
        assertThat(limiter.drain(queue, 1999)).isEmpty();
        assertThat(ids(limiter.drain(queue, 2000))).containsExactly("d");
    }

    @Test
    void shouldCountACallAnsweredAfterItsAdmissionLeftTheWindowOnceFromItsAnswer() {
        PriorityRateLimiter limiter = limiter(twoRequestsASecond());
        limiter.offer(task("slow", NORMAL, 1), queue, 0);
        limiter.offer(task("other", NORMAL, 1), queue, 1500);

        limiter.onAnswered(1, 0, 1500, 1500);

        // the answer counts it once more, taking nothing from the call admitted at 1500
        assertThat(limiter.offer(task("full", NORMAL, 1), queue, 1500)).isInstanceOf(Admission.Enqueued.class);
        assertThat(limiter.nextDrainAt(queue, 1500)).isEqualTo(2600);
    }

    @Test
    void shouldCountACallItDidNotAdmitOnceMoreWhenItIsAnswered() {
        // Given a call carried on after a restart, which the limiter did not admit, answered beside a new one
        PriorityRateLimiter limiter = limiter(twoRequestsASecond());
        limiter.offer(task("new", NORMAL, 1), queue, 100);

        limiter.onAnswered(1, Long.MIN_VALUE, 100, 100);

        // Then both count, and nothing is taken from the new one's slot
        assertThat(limiter.offer(task("full", NORMAL, 1), queue, 100)).isInstanceOf(Admission.Enqueued.class);
        assertThat(limiter.nextDrainAt(queue, 100)).isEqualTo(1200);
    }

    @Test
    void shouldCountAnAnswerTimedBeforeItsAdmissionAtItsAdmission() {
        // Given two calls admitted at 500, one answered by a clock behind the limiter's, at 0
        PriorityRateLimiter limiter = limiter(twoRequestsASecond());
        limiter.offer(task("a", NORMAL, 1), queue, 500);
        limiter.offer(task("b", NORMAL, 1), queue, 500);

        limiter.onAnswered(1, 500, 0, 600);

        // Then both count until the slot of 500 leaves the window, at 1600
        assertThat(limiter.offer(task("c", NORMAL, 1), queue, 1599)).isInstanceOf(Admission.Enqueued.class);
        assertThat(limiter.nextDrainAt(queue, 1599)).isEqualTo(1600);
    }

    @Test
    void shouldCountAnAnswerTimedAfterTheLatestTimeSeenAtThatTime() {
        // Given two calls admitted at 500, one answered by a clock ahead of the limiter's, at 5000, seen at 600
        PriorityRateLimiter limiter = limiter(twoRequestsASecond());
        limiter.offer(task("a", NORMAL, 1), queue, 500);
        limiter.offer(task("b", NORMAL, 1), queue, 500);

        limiter.onAnswered(1, 500, 5_000, 600);

        // Then it counts from 600, not from 5000
        assertThat(limiter.offer(task("c", NORMAL, 1), queue, 1600)).isInstanceOf(Admission.Admit.class);
        assertThat(limiter.offer(task("d", NORMAL, 1), queue, 1600)).isInstanceOf(Admission.Enqueued.class);
        assertThat(limiter.nextDrainAt(queue, 1600)).isEqualTo(1700);
    }

    @Test
    void shouldEnforceRequestWindowUntilItsOldestSlotLeaves() {
        PriorityRateLimiter limiter = limiter(LimiterConfig.builder()
                .bucketCapacity(1000).refillPerSecond(1000).criticalReserveShare(0.0)
                .windows(WindowLimit.requests(3, 1000).withSlots(10)).usedWeightWindowMillis(0).build());
        limiter.offer(task("a", NORMAL, 1), queue, 0);
        limiter.offer(task("b", NORMAL, 1), queue, 150);
        limiter.offer(task("c", NORMAL, 1), queue, 250);

        Admission fourth = limiter.offer(task("d", NORMAL, 1), queue, 300);

        // slot [0, 100) stays counted while the ring reaches back to it: until slot 11 starts at 1100
        assertThat(((Admission.Enqueued) fourth).retryHintAt()).isEqualTo(1100);
        assertThat(limiter.drain(queue, 1099)).isEmpty();
        assertThat(ids(limiter.drain(queue, 1100))).containsExactly("d");
    }

    @Test
    void shouldRequireEveryWindowToAllowTheWeight() {
        PriorityRateLimiter limiter = limiter(LimiterConfig.builder()
                .bucketCapacity(1000).refillPerSecond(1000).criticalReserveShare(0.0)
                .windows(WindowLimit.weight(10, 1000), WindowLimit.requests(100, 1000))
                .usedWeightWindowMillis(0).build());
        limiter.offer(task("a", NORMAL, 6), queue, 0);

        assertThat(limiter.offer(task("b", NORMAL, 5), queue, 0)).isInstanceOf(Admission.Enqueued.class);
        assertThat(limiter.offer(task("c", HIGH, 4), queue, 0)).isInstanceOf(Admission.Admit.class);
    }

    @Test
    void shouldNotLetNewcomerOvertakeWaitingTaskOfEqualOrHigherPriority() {
        PriorityRateLimiter limiter = limiter(smallBucket().build());
        limiter.offer(task("burst", NORMAL, 10), queue, 0);
        limiter.offer(task("heavy", NORMAL, 5), queue, 0);

        Admission sameLevel = limiter.offer(task("light", NORMAL, 1), queue, 100);
        Admission lower = limiter.offer(task("low", LOW, 1), queue, 100);
        Admission higher = limiter.offer(task("high", HIGH, 1), queue, 100);

        assertThat(sameLevel).isInstanceOf(Admission.Enqueued.class);
        assertThat(lower).isInstanceOf(Admission.Enqueued.class);
        assertThat(higher).isInstanceOf(Admission.Admit.class);
    }

    @Test
    void shouldDrainStrictlyByPriorityAndFifoWithinOne() {
        PriorityRateLimiter limiter = limiter(smallBucket().build());
        limiter.offer(task("burst", CRITICAL, 10), queue, 0);
        for (String id : List.of("low1", "normal1", "crit1", "normal2", "crit2", "high1")) {
            Priority priority = Priority.valueOf(id.replaceAll("\\d", "")
                    .replace("crit", "critical").toUpperCase());
            limiter.offer(task(id, priority, 1), queue, 0);
        }

        List<Waiting> admitted = limiter.drain(queue, 10_000);

        assertThat(ids(admitted)).containsExactly("crit1", "crit2", "high1", "normal1", "normal2", "low1");
    }

    @Test
    void shouldStopDrainingAtFirstHeadThatDoesNotFit() {
        PriorityRateLimiter limiter = limiter(smallBucket().build());
        limiter.offer(task("burst", CRITICAL, 10), queue, 0);
        limiter.offer(task("critHeavy", CRITICAL, 8), queue, 0);
        limiter.offer(task("lowLight", LOW, 1), queue, 0);

        List<Waiting> at500 = limiter.drain(queue, 500);
        List<Waiting> at800 = limiter.drain(queue, 800);

        assertThat(at500).isEmpty();
        assertThat(ids(at800)).containsExactly("critHeavy");
        assertThat(ids(queue.contents())).containsExactly("lowLight");
    }

    @Test
    void shouldShedNewcomerWhenQueueIsFullAndNothingWaitingRanksBelowIt() {
        PriorityRateLimiter limiter = limiter(smallBucket().queueCapacity(2).build());
        limiter.offer(task("burst", NORMAL, 10), queue, 0);
        limiter.offer(task("a", NORMAL, 1), queue, 0);
        limiter.offer(task("b", NORMAL, 1), queue, 0);

        Admission low = limiter.offer(task("c", LOW, 1), queue, 1);
        Admission normal = limiter.offer(task("d", NORMAL, 1), queue, 2);

        assertThat(low).isEqualTo(new Admission.Shed("c", ShedReason.QUEUE_FULL));
        assertThat(normal).isEqualTo(new Admission.Shed("d", ShedReason.QUEUE_FULL));
        assertThat(events).containsExactly(
                new LimiterEvent.Shed("binance", "c", LOW, ShedReason.QUEUE_FULL, 1),
                new LimiterEvent.Shed("binance", "d", NORMAL, ShedReason.QUEUE_FULL, 2));
        assertThat(ids(queue.contents())).containsExactly("a", "b");
    }

    @Test
    void shouldDisplaceNewestOfLowestWaitingPriorityForHigherNewcomerWhenQueueIsFull() {
        PriorityRateLimiter limiter = limiter(smallBucket().queueCapacity(3).build());
        limiter.offer(task("burst", NORMAL, 10), queue, 0);
        limiter.offer(task("low1", LOW, 1), queue, 0);
        limiter.offer(task("low2", LOW, 1), queue, 0);
        limiter.offer(task("normal", NORMAL, 1), queue, 0);

        Admission high = limiter.offer(task("high", HIGH, 1), queue, 5);

        assertThat(high).isInstanceOfSatisfying(Admission.Enqueued.class, enqueued -> {
            assertThat(enqueued.waiting().taskId()).isEqualTo("high");
            assertThat(enqueued.displaced().map(Waiting::taskId)).contains("low2");
        });
        assertThat(ids(queue.contents())).containsExactly("high", "normal", "low1");
        assertThat(events).containsExactly(new LimiterEvent.Shed("binance", "low2", LOW, ShedReason.DISPLACED, 5));
    }

    @Test
    void shouldShedTaskHeavierThanAnyBudgetItsPriorityMayUse() {
        PriorityRateLimiter limiter = limiter(smallBucket().criticalReserveShare(0.1).build());

        Admission normal = limiter.offer(task("n", NORMAL, 10), queue, 0);
        Admission critical = limiter.offer(task("c", CRITICAL, 10), queue, 0);

        assertThat(normal).isEqualTo(new Admission.Shed("n", ShedReason.EXCEEDS_BUDGET));
        assertThat(critical).isInstanceOf(Admission.Admit.class);
    }

    @Test
    void shouldTakeAHigherUsedWeightFromTheExchangeButNeverALowerOne() {
        LimiterConfig config = smallBucket().bucketCapacity(1_000).refillPerSecond(1_000)
                .windows(WindowLimit.weight(100, 60_000)).usedWeightWindowMillis(60_000).build();
        PriorityRateLimiter limiter = limiter(config);
        assertThat(limiter.offer(task("a", Priority.NORMAL, 50), queue, 0)).isEqualTo(Admission.Admit.INSTANCE);

        // Another client on the same address used 30 more: the exchange reports 80
        limiter.onResponse(200, null, 80L, 1);
        // A report that misses calls still in flight must not give their weight back
        limiter.onResponse(200, null, 10L, 2);

        assertThat(limiter.offer(task("b", Priority.NORMAL, 20), queue, 3)).isEqualTo(Admission.Admit.INSTANCE);
        assertThat(limiter.offer(task("c", Priority.NORMAL, 1), queue, 4)).isInstanceOf(Admission.Enqueued.class);
    }

    @Test
    void shouldCutRateMultiplicativelyOn429AndRaiseItAdditivelyOnSuccess() {
        PriorityRateLimiter limiter = limiter(smallBucket()
                .rateCutFactor(0.5).rateIncreasePerSuccess(0.25).rateFloor(0.2).build());

        limiter.onResponse(429, null, null, 0);
        double afterOneCut = limiter.rateFactor();
        limiter.onResponse(429, null, null, 1);
        limiter.onResponse(429, null, null, 2);
        double atFloor = limiter.rateFactor();
        limiter.onResponse(200, null, null, 3);
        double afterSuccess = limiter.rateFactor();
        for (int i = 0; i < 10; i++) {
            limiter.onResponse(200, null, null, 4 + i);
        }

        assertThat(afterOneCut).isEqualTo(0.5);
        assertThat(atFloor).isEqualTo(0.2);
        assertThat(afterSuccess).isEqualTo(0.45);
        assertThat(limiter.rateFactor()).isEqualTo(1.0);
        assertThat(events).containsExactly(
                new LimiterEvent.RateCut("binance", 1.0, 0.5, 0),
                new LimiterEvent.RateCut("binance", 0.5, 0.25, 1),
                new LimiterEvent.RateCut("binance", 0.25, 0.2, 2));
    }

    @Test
    void shouldRefillSlowerAfterRateCut() {
        PriorityRateLimiter limiter = limiter(smallBucket().rateCutFactor(0.5).build());
        limiter.offer(task("burst", NORMAL, 10), queue, 0);

        limiter.onResponse(429, null, null, 0);
        Admission waiting = limiter.offer(task("w", NORMAL, 1), queue, 0);

        assertThat(((Admission.Enqueued) waiting).retryHintAt()).isEqualTo(200);
    }

    @Test
    void shouldBanDomainFor418WithoutRetryAfterForDefaultBanTime() {
        PriorityRateLimiter limiter = limiter(smallBucket().defaultBanMillis(5000).build());

        limiter.onResponse(418, null, null, 1000);
        Admission during = limiter.offer(task("a", CRITICAL, 1), queue, 2000);

        assertThat(limiter.bannedUntil()).isEqualTo(6000);
        assertThat(((Admission.Enqueued) during).retryHintAt()).isEqualTo(6000);
        assertThat(limiter.drain(queue, 5999)).isEmpty();
        assertThat(ids(limiter.drain(queue, 6000))).containsExactly("a");
        assertThat(events).containsExactly(
                new LimiterEvent.BanStarted("binance", 6000, 418, 1000),
                new LimiterEvent.BanEnded("binance", 6000));
    }

    @Test
    void shouldBanUntilRetryAfterOn429AndNotBanOn429WithoutIt() {
        PriorityRateLimiter withoutHeader = limiter(smallBucket().build());
        PriorityRateLimiter withHeader = limiter(smallBucket().build());

        withoutHeader.onResponse(429, null, null, 1000);
        withHeader.onResponse(429, 3000L, null, 1000);

        assertThat(withoutHeader.offer(task("a", NORMAL, 1), queue, 1000)).isInstanceOf(Admission.Admit.class);
        assertThat(withHeader.bannedUntil()).isEqualTo(4000);
        assertThat(withHeader.offer(task("b", NORMAL, 1), queue, 3999)).isInstanceOf(Admission.Enqueued.class);
    }

    @Test
    void shouldOnlyLengthenNotShortenAnActiveBan() {
        PriorityRateLimiter limiter = limiter(smallBucket().build());

        limiter.onResponse(418, 10_000L, null, 0);
        limiter.onResponse(418, 2_000L, null, 1000);

        assertThat(limiter.bannedUntil()).isEqualTo(10_000);
        assertThat(events).hasSize(1);
    }

    @Test
    void shouldIgnoreUsedWeightHeaderWhenNotConfigured() {
        PriorityRateLimiter limiter = limiter(LimiterConfig.builder()
                .bucketCapacity(1000).refillPerSecond(1000).criticalReserveShare(0.0)
                .windows(WindowLimit.weight(100, 60_000)).usedWeightWindowMillis(0).build());

        limiter.onResponse(200, null, 100L, 0);

        assertThat(limiter.offer(task("a", NORMAL, 10), queue, 1)).isInstanceOf(Admission.Admit.class);
    }

    @Test
    void shouldReportNoDrainTimeForEmptyQueueAndNowWhenHeadFits() {
        PriorityRateLimiter limiter = limiter(smallBucket().build());
        limiter.offer(task("burst", NORMAL, 10), queue, 0);
        limiter.offer(task("w", NORMAL, 2), queue, 0);

        assertThat(limiter.nextDrainAt(queue, 100)).isEqualTo(200);
        assertThat(limiter.nextDrainAt(queue, 250)).isEqualTo(250);
        assertThat(limiter.nextDrainAt(new InMemoryWaitQueue(), 250)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldTreatTimeGoingBackwardsAsLatestTimeSeen() {
        PriorityRateLimiter limiter = limiter(smallBucket().build());
        limiter.offer(task("burst", NORMAL, 10), queue, 1000);

        Admission late = limiter.offer(task("a", NORMAL, 1), queue, 500);

        assertThat(late).isInstanceOfSatisfying(Admission.Enqueued.class,
                enqueued -> assertThat(enqueued.waiting().enqueuedAt()).isEqualTo(1000));
    }

    @Test
    void shouldRestoreFromBytesToTheSameDecisions() {
        LimiterConfig config = smallBucket().build();
        PriorityRateLimiter original = limiter(config);
        original.offer(task("burst", NORMAL, 9), queue, 0);
        original.onResponse(429, null, null, 0);
        byte[] bytes = DomainEntryCodec.INSTANCE.encode(new DomainEntry("binance", original.snapshot()));

        PriorityRateLimiter restored = PriorityRateLimiter.restore("binance", config,
                DomainEntryCodec.INSTANCE.decode(bytes).limiter(), LimiterListener.IGNORE);
        InMemoryWaitQueue restoredQueue = InMemoryWaitQueue.copyOf(queue);

        assertThat(restored.offer(task("x", NORMAL, 2), restoredQueue, 100))
                .isEqualTo(original.offer(task("x", NORMAL, 2), queue, 100));
        assertThat(restored.rateFactor()).isEqualTo(0.5);
    }

    @Test
    void shouldKeepWindowCountsByAgeWhenMovedBackToAnEarlierNow() {
        LimiterConfig config = smallBucket().windows(WindowLimit.requests(10, 1_000).withSlots(10)).build();
        PriorityRateLimiter original = limiter(config);
        original.offer(task("a", NORMAL, 1), queue, 10_050);
        original.offer(task("b", NORMAL, 1), queue, 10_250);

        LimiterSnapshot moved = original.snapshot().rebasedTo(5_000);
        PriorityRateLimiter restored = PriorityRateLimiter.restore("binance", config, moved, LimiterListener.IGNORE);

        assertThat(moved.clock()).isEqualTo(5_000);
        assertThat(moved.windowUsage()).containsValue(2L);
        assertThat(restored.snapshot().windowUsage()).as("one window length later both have left")
                .isEqualTo(original.snapshot().windowUsage());
        restored.drain(new InMemoryWaitQueue(), 6_100);
        assertThat(restored.snapshot().windowUsage()).containsValue(0L);
    }

    @Test
    void shouldStartNewlyConfiguredWindowEmptyWhenRestoring() {
        PriorityRateLimiter original = limiter(smallBucket().build());
        original.offer(task("a", NORMAL, 5), queue, 0);
        LimiterConfig changed = smallBucket().windows(WindowLimit.requests(1, 60_000)).build();

        PriorityRateLimiter restored = PriorityRateLimiter.restore("binance", changed, original.snapshot(),
                LimiterListener.IGNORE);

        assertThat(restored.offer(task("b", NORMAL, 5), new InMemoryWaitQueue(), 0))
                .isInstanceOf(Admission.Admit.class);
        assertThat(restored.offer(task("c", NORMAL, 1), new InMemoryWaitQueue(), 0))
                .isInstanceOf(Admission.Enqueued.class);
    }

    @Test
    void inMemoryQueueShouldRemoveNewestAndRejectOutOfOrderArrivals() {
        InMemoryWaitQueue fifo = new InMemoryWaitQueue();
        fifo.add(new Waiting("a", LOW, 1, 1, 0, null));
        fifo.add(new Waiting("b", LOW, 1, 2, 0, null));

        assertThat(fifo.removeNewest(LOW).map(Waiting::taskId)).contains("b");
        assertThat(fifo.removeNewest(HIGH)).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> fifo.add(new Waiting("c", LOW, 1, 1, 0, null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCarryTheEndpointToAvoidIntoTheQueueAndItsCopy() {
        PriorityRateLimiter limiter = limiter(smallBucket().build());
        limiter.offer(task("burst", NORMAL, 10), queue, 0);

        limiter.offer(new AdmissionRequest("retried", NORMAL, 1, "api1"), queue, 0);
        limiter.offer(task("fresh", NORMAL, 1), queue, 0);
        InMemoryWaitQueue copy = InMemoryWaitQueue.copyOf(queue);

        assertThat(queue.contents()).extracting(Waiting::taskId, Waiting::avoidEndpoint)
                .containsExactly(tuple("retried", "api1"), tuple("fresh", null));
        assertThat(limiter.drain(copy, 200)).extracting(Waiting::taskId, Waiting::avoidEndpoint)
                .containsExactly(tuple("retried", "api1"), tuple("fresh", null));
    }
}
