package io.marketprism.reliability.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.engine.DomainEntry;
import io.marketprism.reliability.engine.DomainEntryCodec;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class PriorityRateLimiterPropertiesTest {

    private static final int BUCKET = 20;
    private static final int REFILL_PER_SECOND = 50;
    private static final WindowLimit WEIGHT_WINDOW = WindowLimit.weight(40, 1000).withSlots(10);
    private static final WindowLimit REQUEST_WINDOW = WindowLimit.requests(15, 500).withSlots(5);

    private static LimiterConfig config(boolean withHeader) {
        return LimiterConfig.builder()
                .bucketCapacity(BUCKET)
                .refillPerSecond(REFILL_PER_SECOND)
                .windows(WEIGHT_WINDOW, REQUEST_WINDOW)
                .usedWeightWindowMillis(withHeader ? 1000 : 0)
                .criticalReserveShare(0.1)
                .queueCapacity(12)
                .defaultBanMillis(700)
                .build();
    }

    /** One step of a random run: offer, drain or an exchange answer, after {@code dt} milliseconds. */
    record Op(int kind, Priority priority, int weight, int dt, Long retryAfter, Long usedWeight) {
    }

    @Provide
    Arbitrary<List<Op>> runs() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 11),
                        Arbitraries.of(Priority.class),
                        Arbitraries.integers().between(1, 12),
                        Arbitraries.integers().between(0, 150),
                        Arbitraries.longs().between(0, 2000).injectNull(0.7),
                        Arbitraries.longs().between(0, 60).injectNull(0.7))
                .as(Op::new)
                .list().ofMinSize(1).ofMaxSize(200);
    }

    /** Plays a run, recording every decision and event; at step {@code restoreAt} swaps in a restored copy. */
    private static final class Driver {
        final List<Object> decisions = new ArrayList<>();
        final List<LimiterEvent> events = new ArrayList<>();
        final List<long[]> admitted = new ArrayList<>();
        final LimiterConfig config;
        PriorityRateLimiter limiter;
        InMemoryWaitQueue queue = new InMemoryWaitQueue();
        long now = 1_700_000_000_000L;
        int nextId;

        Driver(LimiterConfig config) {
            this.config = config;
            this.limiter = PriorityRateLimiter.create("d", config, events::add);
        }

        void play(List<Op> ops, int restoreAt, StepCheck check) {
            for (int i = 0; i < ops.size(); i++) {
                if (i == restoreAt) {
                    byte[] bytes = DomainEntryCodec.INSTANCE.encode(new DomainEntry("x", limiter.snapshot()));
                    limiter = PriorityRateLimiter.restore("d", config, DomainEntryCodec.INSTANCE.decode(bytes).limiter(),
                            events::add);
                    queue = InMemoryWaitQueue.copyOf(queue);
                }
                Op op = ops.get(i);
                now += op.dt();
                if (op.kind() <= 5) {
                    List<Waiting> before = queue.contents();
                    AdmissionRequest request = new AdmissionRequest("t" + nextId++, op.priority(), op.weight(), null);
                    Admission admission = limiter.offer(request, queue, now);
                    decisions.add(admission);
                    if (admission instanceof Admission.Admit) {
                        admitted.add(new long[] {now, op.weight()});
                        check.admittedOnOffer(request, before);
                    }
                } else if (op.kind() <= 8) {
                    List<Waiting> drained = limiter.drain(queue, now);
                    decisions.add(drained);
                    drained.forEach(w -> admitted.add(new long[] {now, w.weight()}));
                    check.drained(drained, queue.contents());
                } else {
                    int status = op.kind() == 9 ? 429 : op.kind() == 10 ? 200 : 418;
                    limiter.onResponse(status, op.retryAfter(), op.usedWeight(), now);
                }
                decisions.add(limiter.nextDrainAt(queue, now));
                check.afterStep(i, limiter);
            }
        }
    }

    private interface StepCheck {
        StepCheck NONE = new StepCheck() {
        };

        default void admittedOnOffer(AdmissionRequest request, List<Waiting> waitingBefore) {
        }

        default void drained(List<Waiting> admitted, List<Waiting> stillWaiting) {
        }

        default void afterStep(int step, PriorityRateLimiter limiter) {
        }
    }

    @Property
    void shouldNeverAdmitMoreThanAnyWindowOrTheBucketAllows(@ForAll("runs") List<Op> ops) {
        Driver driver = new Driver(config(false));

        driver.play(ops, -1, StepCheck.NONE);

        List<long[]> admitted = driver.admitted;
        for (int i = 0; i < admitted.size(); i++) {
            long start = admitted.get(i)[0];
            long weightInWeightWindow = 0;
            long requestsInRequestWindow = 0;
            long weightSinceStart = 0;
            for (int j = i; j < admitted.size(); j++) {
                long at = admitted.get(j)[0];
                long weight = admitted.get(j)[1];
                weightInWeightWindow += at < start + WEIGHT_WINDOW.lengthMillis() ? weight : 0;
                requestsInRequestWindow += at < start + REQUEST_WINDOW.lengthMillis() ? 1 : 0;
                weightSinceStart += weight;
                long bucketBudget = BUCKET + (at - start) * REFILL_PER_SECOND / 1000;
                assertThat(weightSinceStart).as("bucket budget over [%d, %d]", start, at)
                        .isLessThanOrEqualTo(bucketBudget);
            }
            assertThat(weightInWeightWindow).as("weight in window from %d", start)
                    .isLessThanOrEqualTo(WEIGHT_WINDOW.limit());
            assertThat(requestsInRequestWindow).as("requests in window from %d", start)
                    .isLessThanOrEqualTo(REQUEST_WINDOW.limit());
        }
    }

    @Property
    void shouldNeverLetTaskPassWaitingTaskOfEqualOrHigherPriority(@ForAll("runs") List<Op> ops) {
        Driver driver = new Driver(config(true));

        driver.play(ops, -1, new StepCheck() {
            @Override
            public void admittedOnOffer(AdmissionRequest request, List<Waiting> waitingBefore) {
                assertThat(waitingBefore).noneMatch(w -> !request.priority().outranks(w.priority()));
            }

            @Override
            public void drained(List<Waiting> admitted, List<Waiting> stillWaiting) {
                for (int i = 1; i < admitted.size(); i++) {
                    Waiting previous = admitted.get(i - 1);
                    Waiting next = admitted.get(i);
                    assertThat(next.priority().outranks(previous.priority())
                            || next.priority() == previous.priority() && next.arrivalSeq() < previous.arrivalSeq())
                            .as("%s drained after %s", next, previous).isFalse();
                }
                for (Waiting task : admitted) {
                    assertThat(stillWaiting).noneMatch(w -> w.priority().outranks(task.priority())
                            || w.priority() == task.priority() && w.arrivalSeq() < task.arrivalSeq());
                }
            }
        });
    }

    @Property
    void shouldDecideIdenticallyAfterSnapshotBytesRestore(@ForAll("runs") List<Op> ops,
                                                           @ForAll @IntRange(min = 0, max = 200) int restoreAt) {
        Driver uninterrupted = new Driver(config(true));
        Driver restored = new Driver(config(true));

        uninterrupted.play(ops, -1, StepCheck.NONE);
        restored.play(ops, restoreAt, StepCheck.NONE);

        assertThat(restored.decisions).isEqualTo(uninterrupted.decisions);
        assertThat(restored.events).isEqualTo(uninterrupted.events);
    }

    @Property
    void shouldSaveStateThatReadsBackEqualAndEncodesToTheSameBytesWheneverAsked(@ForAll("runs") List<Op> ops,
                                                         @ForAll @IntRange(min = 0, max = 200) int restoreAt,
                                                         @ForAll @IntRange(min = 1, max = 4) int saveEvery,
                                                         @ForAll boolean withHeader) {
        Driver driver = new Driver(config(withHeader));

        driver.play(ops, restoreAt, new StepCheck() {
            @Override
            public void afterStep(int step, PriorityRateLimiter limiter) {
                if (step % saveEvery == 0) {
                    byte[] saved = DomainEntryCodec.INSTANCE.encode(new DomainEntry("x", limiter.snapshot()));
                    DomainEntry read = DomainEntryCodec.INSTANCE.decode(saved);
                    assertThat(DomainEntryCodec.INSTANCE.encode(read)).as("after step %s", step).isEqualTo(saved);
                    assertThat(DomainEntryCodec.INSTANCE.encode("x", limiter)).as("from the live limiter, after step %s",
                            step).isEqualTo(saved);
                    assertThat(DomainEntryCodec.INSTANCE.encode(new DomainEntry("x", PriorityRateLimiter.restore("d",
                            limiter.config(), read.limiter(), LimiterListener.IGNORE).snapshot())))
                            .as("restored, after step %s", step).isEqualTo(saved);
                }
            }
        });
    }
}
