package io.marketprism.reliability.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class EndpointBreakerPropertiesTest {

    private static final BreakerCodec CODEC = BreakerCodec.INSTANCE;

    private static final long T0 = 1_700_000_000_000L;
    private static final long SLOW = 101;
    private static final long FAST = 5;

    // ---- thresholds ---------------------------------------------------------------------------------------

    @Property
    void opensAtTheFirstCallThatBringsTheFailureRateToTheThreshold(
            @ForAll @IntRange(min = 1, max = 20) int windowSize,
            @ForAll @IntRange(min = 1, max = 20) int minimumCalls,
            @ForAll @IntRange(min = 1, max = 100) int thresholdPercent,
            @ForAll @Size(max = 60) List<Boolean> failed) {
        int minimum = Math.min(minimumCalls, windowSize);
        BreakerConfig config = rateOnly(windowSize, minimum).failureRateThreshold(thresholdPercent).build();
        List<boolean[]> calls = new ArrayList<>();
        failed.forEach(f -> calls.add(new boolean[] {f, false}));

        assertOpensExactlyWhereTheOracleSays(config, calls, windowSize, minimum, thresholdPercent, 101);
    }

    @Property
    void opensAtTheFirstCallThatBringsTheSlowCallRateToTheThreshold(
            @ForAll @IntRange(min = 1, max = 20) int windowSize,
            @ForAll @IntRange(min = 1, max = 20) int minimumCalls,
            @ForAll @IntRange(min = 1, max = 100) int thresholdPercent,
            @ForAll @Size(max = 60) List<Boolean> slow) {
        int minimum = Math.min(minimumCalls, windowSize);
        BreakerConfig config = rateOnly(windowSize, minimum).slowCallRateThreshold(thresholdPercent).build();
        List<boolean[]> calls = new ArrayList<>();
        slow.forEach(s -> calls.add(new boolean[] {false, s}));

        assertOpensExactlyWhereTheOracleSays(config, calls, windowSize, minimum, 101, thresholdPercent);
    }

    @Property
    void opensAtTheFirstRunOfConsecutiveFailuresOfTheThreshold(
            @ForAll @IntRange(min = 1, max = 8) int threshold,
            @ForAll @Size(max = 80) List<Boolean> failed) {
        BreakerConfig config = rateOnly(1_000, 1_000).consecutiveFailuresThreshold(threshold).build();
        EndpointBreaker breaker = EndpointBreaker.create("e", config, BreakerListener.NONE, T0);
        int run = 0;
        for (boolean failure : failed) {
            run = failure ? run + 1 : 0;
            record(breaker, failure, false, T0);
            assertThat(breaker.state()).isEqualTo(run >= threshold ? BreakerState.OPEN : BreakerState.CLOSED);
            if (run >= threshold) {
                return;
            }
        }
    }

    @Property
    void halfOpenAdmitsExactlyThePermittedProbes(
            @ForAll @IntRange(min = 1, max = 30) int permitted,
            @ForAll @IntRange(min = 1, max = 10) int extraRequests) {
        BreakerConfig config = rateOnly(10, 10).consecutiveFailuresThreshold(1).permittedCallsInHalfOpen(permitted)
                .waitInOpenMillis(1_000).build();
        EndpointBreaker breaker = EndpointBreaker.create("e", config, BreakerListener.NONE, T0);
        breaker.onFailure(FAST, T0);

        int admitted = 0;
        for (int i = 0; i < permitted + extraRequests; i++) {
            boolean permit = breaker.tryAcquire(T0 + 1_001 + i);
            assertThat(permit).isEqualTo(i < permitted);
            admitted += permit ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(permitted);
        assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
    }

    /** A window-only breaker: slow above 100 ms, thresholds out of reach until a test sets one. */
    private static BreakerConfig.Builder rateOnly(int windowSize, int minimumCalls) {
        return BreakerConfig.builder()
                .window(BreakerConfig.WindowType.COUNT_BASED, windowSize)
                .minimumNumberOfCalls(minimumCalls)
                .failureRateThreshold(100)
                .slowCallRateThreshold(100)
                .slowCallDurationThresholdMillis(100)
                .consecutiveFailuresThreshold(0);
    }

    /**
     * Feeds {failed, slow} calls and checks the breaker is open exactly from the first call after which the last
     * {@code windowSize} calls hold at least {@code minimum} calls and reach a threshold (above 100 = never).
     */
    private static void assertOpensExactlyWhereTheOracleSays(BreakerConfig config, List<boolean[]> calls,
            int windowSize, int minimum, int failurePercent, int slowPercent) {
        EndpointBreaker breaker = EndpointBreaker.create("e", config, BreakerListener.NONE, T0);
        for (int i = 0; i < calls.size(); i++) {
            record(breaker, calls.get(i)[0], calls.get(i)[1], T0 + i);
            int from = Math.max(0, i + 1 - windowSize);
            int count = i + 1 - from;
            int failures = 0;
            int slow = 0;
            for (int j = from; j <= i; j++) {
                failures += calls.get(j)[0] ? 1 : 0;
                slow += calls.get(j)[1] ? 1 : 0;
            }
            boolean shouldOpen = count >= minimum
                    && (100 * failures >= failurePercent * count || 100 * slow >= slowPercent * count);
            assertThat(breaker.state()).as("after call %d", i)
                    .isEqualTo(shouldOpen ? BreakerState.OPEN : BreakerState.CLOSED);
            if (shouldOpen) {
                return;
            }
        }
    }

    private static void record(EndpointBreaker breaker, boolean failure, boolean slow, long now) {
        long latency = slow ? SLOW : FAST;
        if (failure) {
            breaker.onFailure(latency, now);
        } else {
            breaker.onSuccess(latency, now);
        }
    }

    // ---- snapshot and restore ------------------------------------------------------------------------------

    enum Kind { ACQUIRE, SUCCESS, SLOW_SUCCESS, FAILURE, SLOW_FAILURE, WAIT, FORCE_OPEN, DISABLE, CLOSE, RESET, LATE }

    /** One event: {@code advanceMillis} after the previous one (LATE: that far before the current time). */
    record Step(Kind kind, long advanceMillis) {
    }

    @Property(tries = 1_000, edgeCases = EdgeCasesMode.NONE)
    void aRestoredBreakerMakesTheSameDecisionsAsTheOriginal(
            @ForAll("configs") BreakerConfig config,
            @ForAll("steps") List<Step> before,
            @ForAll("steps") List<Step> after) {
        List<BreakerTransition> originalTransitions = new ArrayList<>();
        EndpointBreaker original = EndpointBreaker.create("binance/api2", config, originalTransitions::add, T0);
        long now = T0;
        for (Step step : before) {
            now = apply(original, step, now).now;
        }
        originalTransitions.clear();

        List<BreakerTransition> restoredTransitions = new ArrayList<>();
        EndpointBreaker restored = EndpointBreaker.restore(
                CODEC.decode(CODEC.encode(original.snapshot())), config, restoredTransitions::add);
        assertThat(restored.snapshot()).isEqualTo(original.snapshot());

        for (Step step : after) {
            Outcome expected = apply(original, step, now);
            Outcome actual = apply(restored, step, now);
            assertThat(actual).as("after %s", step).isEqualTo(expected);
            assertThat(restored.snapshot()).isEqualTo(original.snapshot());
            now = expected.now;
        }
        assertThat(restoredTransitions).isEqualTo(originalTransitions);
    }

    @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
    void savesStateThatReadsBackEqualAndEncodesToTheSameBytesAfterEveryStep(
            @ForAll("configs") BreakerConfig config,
            @ForAll("steps") List<Step> steps) {
        EndpointBreaker breaker = EndpointBreaker.create("binance/api2", config, transition -> { }, T0);
        long now = T0;
        for (Step step : steps) {
            now = apply(breaker, step, now).now;

            byte[] saved = CODEC.encode(breaker.snapshot());
            BreakerSnapshot read = CODEC.decode(saved);

            assertThat(read).as("after %s", step).isEqualTo(breaker.snapshot());
            assertThat(CODEC.encode(read)).as("after %s", step).isEqualTo(saved);
            assertThat(CODEC.encode(breaker)).as("from the live breaker, after %s", step).isEqualTo(saved);
            assertThat(EndpointBreaker.restore(read, config, transition -> { }).snapshot()).isEqualTo(read);
        }
    }

    /** What a step returned and left behind. */
    record Outcome(long now, boolean permitted, BreakerState state) {
    }

    private static Outcome apply(EndpointBreaker breaker, Step step, long previous) {
        long now = previous + (step.kind() == Kind.LATE ? 0 : step.advanceMillis());
        boolean permitted = false;
        switch (step.kind()) {
            case ACQUIRE -> permitted = breaker.tryAcquire(now);
            case SUCCESS -> breaker.onSuccess(FAST, now);
            case SLOW_SUCCESS -> breaker.onSuccess(SLOW, now);
            case FAILURE -> breaker.onFailure(FAST, now);
            case SLOW_FAILURE -> breaker.onFailure(SLOW, now);
            case WAIT -> { }
            case FORCE_OPEN -> breaker.forceOpen(now);
            case DISABLE -> breaker.disable(now);
            case CLOSE -> breaker.close(now);
            case RESET -> breaker.reset(now);
            case LATE -> breaker.onFailure(FAST, now - step.advanceMillis());
            default -> throw new IllegalStateException();
        }
        return new Outcome(now, permitted, breaker.state());
    }

    /** Event sequences, some of a healthy endpoint (rare failures) that keeps full windows closed. */
    @Provide
    Arbitrary<List<Step>> steps() {
        return Arbitraries.integers().between(1, 20).flatMap(failureWeight -> {
            Arbitrary<Kind> kinds = Arbitraries.frequency(
                    Tuple.of(20, Kind.ACQUIRE), Tuple.of(14, Kind.SUCCESS), Tuple.of(5, Kind.SLOW_SUCCESS),
                    Tuple.of(failureWeight, Kind.FAILURE), Tuple.of(5, Kind.SLOW_FAILURE), Tuple.of(6, Kind.WAIT),
                    Tuple.of(1, Kind.FORCE_OPEN), Tuple.of(1, Kind.DISABLE), Tuple.of(2, Kind.CLOSE),
                    Tuple.of(1, Kind.RESET), Tuple.of(2, Kind.LATE));
            Arbitrary<Long> advances = Arbitraries.frequencyOf(
                    Tuple.of(6, Arbitraries.longs().between(0, 200)),
                    Tuple.of(3, Arbitraries.longs().between(0, 1_500)),
                    Tuple.of(1, Arbitraries.longs().between(0, 12_000)));
            return Combinators.combine(kinds, advances).as(Step::new).list().ofMaxSize(80);
        });
    }

    @Provide
    Arbitrary<BreakerConfig> configs() {
        Arbitrary<BreakerConfig.WindowType> types = Arbitraries.of(BreakerConfig.WindowType.class);
        Arbitrary<Integer> sizes = Arbitraries.integers().between(1, 8);
        Arbitrary<Integer> minimums = Arbitraries.integers().between(1, 8);
        Arbitrary<Integer> failurePercents = Arbitraries.integers().between(1, 100);
        Arbitrary<Integer> slowPercents = Arbitraries.integers().between(1, 100);
        Arbitrary<Integer> probes = Arbitraries.integers().between(1, 5);
        Arbitrary<Integer> consecutive = Arbitraries.integers().between(0, 6);
        Arbitrary<Integer> waitShape = Arbitraries.integers().between(0, 3);
        return Combinators.combine(types, sizes, minimums, failurePercents, slowPercents, probes, consecutive, waitShape)
                .as((type, size, minimum, failurePercent, slowPercent, probeCount, consecutiveFailures, shape) ->
                        BreakerConfig.builder()
                                .window(type, size)
                                .minimumNumberOfCalls(type == BreakerConfig.WindowType.COUNT_BASED
                                        ? Math.min(minimum, size) : minimum)
                                .failureRateThreshold(failurePercent)
                                .slowCallRateThreshold(slowPercent)
                                .slowCallDurationThresholdMillis(100)
                                .permittedCallsInHalfOpen(probeCount)
                                .consecutiveFailuresThreshold(consecutiveFailures)
                                .waitInOpenMillis(700)
                                .waitMultiplier((shape & 1) == 0 ? 1.0 : 2.0)
                                .maxWaitInOpenMillis(5_000)
                                .automaticTransitionToHalfOpen(shape != 3)
                                .build());
    }
}
