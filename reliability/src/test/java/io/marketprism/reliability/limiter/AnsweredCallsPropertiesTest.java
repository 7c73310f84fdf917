package io.marketprism.reliability.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.exchange.LimitRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What the exchange sees: a call arrives at some time between its admission and its answer, and the exchange counts
 * it in a rolling window from its arrival. However the arrivals fall, no window of the exchange's holds more calls
 * than its limit, as long as every answer is reported before the next admission and comes within a window.
 */
class AnsweredCallsPropertiesTest {

    private static final int LIMIT = 3;
    private static final long WINDOW_MILLIS = 1_000;

    /**
     * One step: time passes, answers that came meanwhile are reported, one call is offered. If admitted, it is
     * answered {@code flightMillis} later and arrives at {@code arrivalShare} of its flight.
     */
    record Step(int gapMillis, int flightMillis, double arrivalShare) {
    }

    private record Call(long admittedAt, long answeredAt, long arrivedAt) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, 150), Arbitraries.integers().between(0, 990),
                Arbitraries.doubles().between(0, 1)).as(Step::new).list().ofMaxSize(400);
    }

    @Property
    void shouldNeverLetTheExchangeCountMoreThanItsLimitWhereverBetweenAdmissionAndAnswerACallArrives(
            @ForAll("steps") List<Step> steps) {
        LimiterConfig config = LimiterConfig.builder().bucketCapacity(1_000).refillPerSecond(1_000)
                .criticalReserveShare(0.0).usedWeightWindowMillis(0)
                .windows(new LimitRule(WindowMeasure.REQUESTS, LIMIT, WINDOW_MILLIS, false, false, "").window())
                .build();
        PriorityRateLimiter limiter = PriorityRateLimiter.create("okx.trades.direct", config, event -> { });
        InMemoryWaitQueue queue = new InMemoryWaitQueue();
        List<Call> inFlight = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        long now = 1_000_000;
        int n = 0;
        for (Step step : steps) {
            now += step.gapMillis();
            long at = now;
            inFlight.stream().filter(call -> call.answeredAt() <= at).sorted(Comparator.comparing(Call::answeredAt))
                    .forEach(call -> limiter.onAnswered(1, call.admittedAt(), call.answeredAt(), at));
            inFlight.removeIf(call -> call.answeredAt() <= at);
            Admission admission = limiter.offer(new AdmissionRequest("t" + n++, Priority.NORMAL, 1, null), queue, now);
            if (admission instanceof Admission.Admit) {
                Call call = new Call(now, now + step.flightMillis(),
                        now + Math.round(step.arrivalShare() * step.flightMillis()));
                inFlight.add(call);
                arrivals.add(call.arrivedAt());
            } else if (queue.totalDepth() > 0) {
                queue.removeHead(Priority.NORMAL);
            }
        }

        for (long start : arrivals) {
            assertThat(arrivals.stream().filter(t -> t >= start && t < start + WINDOW_MILLIS).count())
                    .as("arrivals in the window from %d", start).isLessThanOrEqualTo(LIMIT);
        }
    }
}
