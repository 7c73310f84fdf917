package io.marketprism.reliability.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.state.UnreadableStateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {

    private final List<BalancerEvent> events = new ArrayList<>();

    private static BalancerConfig.Builder endpoints(BalancingStrategy strategy, String... ids) {
        BalancerConfig.Builder builder = BalancerConfig.builder().strategy(strategy).dynamicWeights(false);
        for (String id : ids) {
            builder.endpoint(id, 1);
        }
        return builder;
    }

    private LoadBalancer balancer(BalancerConfig config) {
        return LoadBalancer.create("binance", config, events::add);
    }

    private static String pickOpen(LoadBalancer balancer, long now) {
        return ((Pick.Picked) balancer.pick(EndpointGate.OPEN, Set.of(), now)).endpoint();
    }

    private static List<String> picks(LoadBalancer balancer, int count) {
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picked.add(pickOpen(balancer, i));
        }
        return picked;
    }

    private static void fail(LoadBalancer balancer, String endpoint, int times, long now) {
        for (int i = 0; i < times; i++) {
            balancer.onDispatch(endpoint);
            balancer.onResult(endpoint, false, 10, ErrorClass.SERVER, now);
        }
    }

    @Test
    void roundRobinShouldVisitEndpointsInTurn() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b", "c").build());

        assertThat(picks(balancer, 4)).containsExactly("a", "b", "c", "a");
    }

    @Test
    void weightedShouldInterleavePicksInProportionToWeights() {
        LoadBalancer balancer = balancer(BalancerConfig.builder().strategy(BalancingStrategy.WEIGHTED)
                .dynamicWeights(false).endpoint("a", 5).endpoint("b", 1).endpoint("c", 1).build());

        assertThat(picks(balancer, 7)).containsExactly("a", "a", "b", "a", "c", "a", "a");
    }

    @Test
    void dynamicWeightsShouldSendLessToSlowerEndpoint() {
        LoadBalancer balancer = balancer(BalancerConfig.builder().strategy(BalancingStrategy.WEIGHTED)
                .endpoint("fast", 1).endpoint("slow", 1).ewmaAlpha(1.0).build());
        balancer.onResult("fast", true, 100, null, 0);
        balancer.onResult("slow", true, 400, null, 0);

        Map<String, Integer> counts = new HashMap<>();
        picks(balancer, 100).forEach(e -> counts.merge(e, 1, Integer::sum));

        assertThat(counts).containsEntry("fast", 80).containsEntry("slow", 20);
    }

    @Test
    void leastInFlightShouldPickEndpointWithFewestCallsOutstanding() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.LEAST_IN_FLIGHT, "a", "b", "c").build());
        balancer.onDispatch("a");
        balancer.onDispatch("a");
        balancer.onDispatch("b");

        assertThat(pickOpen(balancer, 0)).isEqualTo("c");
    }

    @Test
    void responseTimeShouldPreferLowestLatencyEwma() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.RESPONSE_TIME, "a", "b", "c").build());
        balancer.onResult("a", true, 100, null, 0);
        balancer.onResult("b", true, 20, null, 0);
        balancer.onResult("c", true, 50, null, 0);

        assertThat(pickOpen(balancer, 0)).isEqualTo("b");
    }

    @Test
    void powerOfTwoChoicesShouldNeverPickTheBusiestOfThree() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.POWER_OF_TWO_CHOICES, "a", "b", "c").build());
        for (int i = 0; i < 5; i++) {
            balancer.onDispatch("a");
        }
        balancer.onDispatch("b");

        List<String> picked = picks(balancer, 60);

        assertThat(picked).doesNotContain("a").contains("b", "c");
    }

    @Test
    void powerOfTwoChoicesShouldRepeatForSameSeed() {
        BalancerConfig config = endpoints(BalancingStrategy.POWER_OF_TWO_CHOICES, "a", "b", "c", "d").seed(42).build();

        assertThat(picks(balancer(config), 30)).isEqualTo(picks(balancer(config), 30));
    }

    @Test
    void shouldNeverPickEndpointTheGateRefuses() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b", "c").build());
        EndpointGate refuseB = (endpoint, now) -> !endpoint.equals("b");

        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(((Pick.Picked) balancer.pick(refuseB, Set.of(), i)).endpoint());
        }

        assertThat(picked).containsExactly("a", "c", "a", "c", "a", "c");
    }

    @Test
    void shouldFailOverAwayFromExcludedEndpointButFallBackWhenItIsTheOnlyOne() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b").build());
        EndpointGate onlyA = (endpoint, now) -> endpoint.equals("a");

        Pick failover = balancer.pick(EndpointGate.OPEN, Set.of("a"), 0);
        Pick fallback = balancer.pick(onlyA, Set.of("a"), 0);

        assertThat(failover).isEqualTo(new Pick.Picked("b", false));
        assertThat(fallback).isEqualTo(new Pick.Picked("a", false));
    }

    @Test
    void shouldReportNoneAvailableWhenGateRefusesEverything() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b")
                .unavailableRetryMillis(500).build());

        Pick pick = balancer.pick((endpoint, now) -> false, Set.of(), 1000);

        assertThat(pick).isEqualTo(new Pick.NoneAvailable(1500, Pick.Reason.ALL_REFUSED_BY_GATE));
    }

    @Test
    void shouldEjectAfterConsecutiveFailuresAndStopPickingIt() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b", "c")
                .consecutiveFailuresToEject(3).baseEjectionMillis(1000).build());

        fail(balancer, "a", 2, 100);
        boolean ejectedAfterTwo = balancer.isEjected("a");
        fail(balancer, "a", 1, 100);

        assertThat(ejectedAfterTwo).isFalse();
        assertThat(balancer.isEjected("a")).isTrue();
        assertThat(events).containsExactly(
                new BalancerEvent.Ejected("binance", "a", EjectionReason.CONSECUTIVE_FAILURES, 1100, 100));
        assertThat(picks(balancer, 4)).containsExactly("b", "c", "b", "c");
    }

    @Test
    void shouldNotCountBadRequestsOrRateLimitsAgainstEndpoint() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b")
                .consecutiveFailuresToEject(2).build());

        for (int i = 0; i < 5; i++) {
            balancer.onResult("a", false, 10, ErrorClass.NON_RETRYABLE, i);
            balancer.onResult("a", false, 10, ErrorClass.RATE_LIMITED, i);
        }

        assertThat(balancer.isEjected("a")).isFalse();
    }

    @Test
    void shouldEjectWhenSuccessRateOverLastCallsDropsBelowMinimum() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b")
                .consecutiveFailuresToEject(100).successRateCalls(10).minSuccessRate(0.5).build());
        boolean[] outcomes = {false, false, true, false, false, true, false, false, true};

        for (boolean success : outcomes) {
            balancer.onResult("a", success, 10, success ? null : ErrorClass.TIMEOUT, 0);
        }
        boolean ejectedBeforeTenCalls = balancer.isEjected("a");
        balancer.onResult("a", false, 10, ErrorClass.NETWORK, 0);

        assertThat(ejectedBeforeTenCalls).isFalse();
        assertThat(balancer.isEjected("a")).isTrue();
        assertThat(events).singleElement().isInstanceOfSatisfying(BalancerEvent.Ejected.class,
                e -> assertThat(e.reason()).isEqualTo(EjectionReason.LOW_SUCCESS_RATE));
    }

    @Test
    void shouldProbeAfterEjectionTimeAndRestoreOnSuccessfulProbe() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b")
                .consecutiveFailuresToEject(1).baseEjectionMillis(1000).build());
        fail(balancer, "a", 1, 0);

        List<String> dueEarly = balancer.probesDue(999);
        List<String> dueLater = balancer.probesDue(1000);
        balancer.onProbe("a", true, 1000);

        assertThat(dueEarly).isEmpty();
        assertThat(dueLater).containsExactly("a");
        assertThat(balancer.isEjected("a")).isFalse();
        assertThat(events).last().isEqualTo(new BalancerEvent.Restored("binance", "a", 1000));
        assertThat(picks(balancer, 2)).containsExactly("a", "b");
    }

    @Test
    void shouldEjectAgainForAsLongOnEachFailedProbe() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b")
                .consecutiveFailuresToEject(1).baseEjectionMillis(1000).maxEjectionMillis(3000).build());
        fail(balancer, "a", 1, 0);

        balancer.onProbe("a", false, 1000);
        balancer.onProbe("a", false, 2000);

        assertThat(events).extracting(e -> ((BalancerEvent.Ejected) e).until()).containsExactly(1000L, 2000L, 3000L);
    }

    @Test
    void shouldDoubleTheEjectionOfAnEndpointThatFailsAgainSoonAfterItsRestoration() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b")
                .consecutiveFailuresToEject(1).baseEjectionMillis(1000).maxEjectionMillis(3000).build());
        fail(balancer, "a", 1, 0);
        balancer.onProbe("a", true, 1000);
        fail(balancer, "a", 1, 1500);
        balancer.onProbe("a", true, 3500);

        fail(balancer, "a", 1, 4000);

        assertThat(events).filteredOn(BalancerEvent.Ejected.class::isInstance)
                .extracting(e -> ((BalancerEvent.Ejected) e).until()).containsExactly(1000L, 3500L, 7000L);
    }

    @Test
    void shouldStartEjectionTimeFromBaseAgainAfterStayingHealthyForMaximum() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b")
                .consecutiveFailuresToEject(1).baseEjectionMillis(1000).maxEjectionMillis(4000).build());
        fail(balancer, "a", 1, 0);
        balancer.onProbe("a", true, 1000);
        fail(balancer, "a", 1, 2000);
        balancer.onProbe("a", true, 4000);

        fail(balancer, "a", 1, 8000);

        assertThat(events).filteredOn(BalancerEvent.Ejected.class::isInstance)
                .extracting(e -> ((BalancerEvent.Ejected) e).until()).containsExactly(1000L, 4000L, 9000L);
    }

    @Test
    void shouldNotEjectMoreThanMaxEjectedShare() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b", "c", "d")
                .consecutiveFailuresToEject(1).maxEjectedShare(0.5).build());

        fail(balancer, "a", 1, 0);
        fail(balancer, "b", 1, 0);
        fail(balancer, "c", 1, 0);

        assertThat(balancer.snapshot().ejectedEndpoints()).containsExactly("a", "b");
    }

    @Test
    void shouldEnterPanicAndSpreadOverEjectedEndpointsWhenTooFewAreAvailable() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b", "c", "d")
                .consecutiveFailuresToEject(1).maxEjectedShare(1.0).panicThreshold(0.5).build());
        fail(balancer, "a", 1, 0);
        fail(balancer, "b", 1, 0);
        Pick calm = balancer.pick(EndpointGate.OPEN, Set.of(), 1);
        fail(balancer, "c", 1, 2);

        List<Pick> panicking = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            panicking.add(balancer.pick(EndpointGate.OPEN, Set.of(), 3));
        }
        balancer.onProbe("a", true, 4);
        Pick recovered = balancer.pick(EndpointGate.OPEN, Set.of(), 5);

        assertThat(calm).isEqualTo(new Pick.Picked("c", false));
        assertThat(panicking).containsExactly(new Pick.Picked("d", true), new Pick.Picked("a", true),
                new Pick.Picked("b", true), new Pick.Picked("c", true));
        assertThat(recovered).isEqualTo(new Pick.Picked("d", false));
        assertThat(events).contains(new BalancerEvent.PanicEntered("binance", 3, 4, 3),
                new BalancerEvent.PanicLeft("binance", 5));
    }

    @Test
    void shouldNeverOverrideGateEvenInPanic() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b", "c")
                .consecutiveFailuresToEject(1).maxEjectedShare(1.0).panicThreshold(0.5).build());
        fail(balancer, "a", 1, 0);
        EndpointGate refuseBAndC = (endpoint, now) -> endpoint.equals("a");

        Pick pick = balancer.pick(refuseBAndC, Set.of(), 1);

        assertThat(pick).isEqualTo(new Pick.Picked("a", true));
        assertThat(balancer.pick((endpoint, now) -> false, Set.of(), 1))
                .isInstanceOf(Pick.NoneAvailable.class);
    }

    @Test
    void shouldReportEarliestEjectionEndWhenPanicIsOffAndAllAreEjected() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b")
                .consecutiveFailuresToEject(1).maxEjectedShare(1.0).panicThreshold(1.0)
                .baseEjectionMillis(1000).build());
        fail(balancer, "a", 1, 0);
        fail(balancer, "b", 1, 300);

        Pick pick = balancer.pick(EndpointGate.OPEN, Set.of(), 400);

        assertThat(pick).isEqualTo(new Pick.NoneAvailable(1000, Pick.Reason.ALL_PERMITTED_EJECTED));
    }

    @Test
    void shouldRejectUnknownEndpoint() {
        LoadBalancer balancer = balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a").build());

        assertThatThrownBy(() -> balancer.onDispatch("zz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown endpoint zz of binance");
    }

    @Test
    void shouldRestoreFromBytesAndKeepStateOfEndpointsStillConfigured() {
        BalancerConfig config = endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b", "c")
                .consecutiveFailuresToEject(1).build();
        LoadBalancer original = balancer(config);
        fail(original, "b", 1, 0);
        byte[] bytes = BalancerCodec.INSTANCE.encode(original.snapshot());
        BalancerConfig changed = endpoints(BalancingStrategy.ROUND_ROBIN, "b", "d")
                .consecutiveFailuresToEject(1).build();

        LoadBalancer same = LoadBalancer.restore("binance", config, BalancerCodec.INSTANCE.decode(bytes),
                BalancerListener.IGNORE);
        LoadBalancer evolved = LoadBalancer.restore("binance", changed, BalancerCodec.INSTANCE.decode(bytes),
                BalancerListener.IGNORE);

        assertThat(picks(same, 3)).isEqualTo(picks(original, 3));
        assertThat(evolved.isEjected("b")).isTrue();
        assertThat(evolved.isEjected("d")).isFalse();
    }

    @Test
    void shouldRefuseTheHandWrittenFormatOfEarlierReleasesAndDamagedValues() {
        byte[] bytes = BalancerCodec.INSTANCE.encode(balancer(endpoints(BalancingStrategy.ROUND_ROBIN, "a").build())
                .snapshot());
        byte[] unknownSchema = bytes.clone();
        unknownSchema[5] ^= 1;

        assertThatThrownBy(() -> BalancerCodec.INSTANCE.decode(new byte[] {2, 0, 0, 0, 0}))
                .isInstanceOf(UnreadableStateException.class).hasMessageContaining("not Avro single-object encoded");
        assertThatThrownBy(() -> BalancerCodec.INSTANCE.decode(unknownSchema))
                .isInstanceOf(UnreadableStateException.class).hasMessageContaining("does not know");
        assertThatThrownBy(() -> BalancerCodec.INSTANCE.decode(Arrays.copyOf(bytes, 14)))
                .isInstanceOf(UnreadableStateException.class).hasMessageContaining("damaged SavedBalancer");
    }

    @Test
    void shouldKeepTheTimeAnEjectionHadLeftWhenMovedBackToAnEarlierNow() {
        BalancerConfig config = endpoints(BalancingStrategy.ROUND_ROBIN, "a", "b").consecutiveFailuresToEject(1)
                .build();
        LoadBalancer original = balancer(config);
        fail(original, "a", 1, 3_600_000);
        long ejectedFor = original.snapshot().endpointStatuses().get(0).ejectedUntil() - 3_600_000;

        BalancerSnapshot moved = original.snapshot().rebasedTo(0);

        assertThat(moved.clock()).isZero();
        assertThat(moved.endpointStatuses().get(0).ejectedUntil()).isEqualTo(ejectedFor);
    }
}
