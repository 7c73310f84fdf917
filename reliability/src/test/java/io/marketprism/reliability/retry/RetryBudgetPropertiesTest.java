package io.marketprism.reliability.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class RetryBudgetPropertiesTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long WINDOW = 2_000;
    private static final int BUCKETS = 4;

    /** A request or a retry, {@code advanceMillis} after the previous event. */
    record Event(boolean retry, long advanceMillis) {
    }

    @Property
    void retriesNeverExceedTheirShareBeyondTheMinimumAndAreGrantedUpToIt(
            @ForAll @DoubleRange(min = 0.0, max = 1.0) double ratio,
            @ForAll @IntRange(min = 0, max = 5) int minimum,
            @ForAll("events") List<Event> events) {
        RetryBudget budget = RetryBudget.create(RetryBudgetConfig.builder().retryRatio(ratio).windowMillis(WINDOW)
                .buckets(BUCKETS).minRetriesPerWindow(minimum).build(), T0);
        List<Long> requests = new ArrayList<>();
        List<Long> grantedRetries = new ArrayList<>();
        long now = T0;
        for (Event event : events) {
            now += event.advanceMillis();
            if (!event.retry()) {
                budget.recordRequest(now);
                requests.add(now);
                continue;
            }
            long windowStart = Math.floorDiv(now, WINDOW / BUCKETS) * (WINDOW / BUCKETS) - WINDOW + WINDOW / BUCKETS;
            long requestsInWindow = requests.stream().filter(at -> at >= windowStart).count();
            long retriesInWindow = grantedRetries.stream().filter(at -> at >= windowStart).count();
            long allowance = Math.max(minimum, (long) Math.floor(ratio * requestsInWindow));

            boolean granted = budget.tryAcquireRetry(now);

            assertThat(granted).isEqualTo(retriesInWindow < allowance);
            if (granted) {
                grantedRetries.add(now);
                assertThat(retriesInWindow + 1).isLessThanOrEqualTo(allowance);
            }
        }
    }

    @Property
    void savesStateThatReadsBackEqualAndEncodesToTheSameBytesAfterEveryEvent(@ForAll("events") List<Event> events) {
        RetryBudget budget = RetryBudget.create(RetryBudgetConfig.builder().retryRatio(0.5).windowMillis(WINDOW)
                .buckets(BUCKETS).minRetriesPerWindow(1).build(), T0);
        long now = T0;
        for (Event event : events) {
            now += event.advanceMillis();
            if (event.retry()) {
                budget.tryAcquireRetry(now);
            } else {
                budget.recordRequest(now);
            }

            byte[] saved = RetryBudgetCodec.INSTANCE.encode(budget.snapshot());
            RetryBudgetSnapshot read = RetryBudgetCodec.INSTANCE.decode(saved);

            assertThat(read).as("after %s", event).isEqualTo(budget.snapshot());
            assertThat(RetryBudgetCodec.INSTANCE.encode(read)).as("after %s", event).isEqualTo(saved);
            assertThat(RetryBudgetCodec.INSTANCE.encode(budget)).as("from the live budget, after %s", event)
                    .isEqualTo(saved);
        }
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.longs().between(0, 700))
                .as(Event::new).list().ofMaxSize(200);
    }
}
