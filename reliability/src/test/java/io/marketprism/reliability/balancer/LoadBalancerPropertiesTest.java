package io.marketprism.reliability.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.ErrorClass;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class LoadBalancerPropertiesTest {

    private static final List<String> IDS = List.of("e0", "e1", "e2", "e3", "e4");
    private static final double PANIC_THRESHOLD = 0.6;
    /** Outcomes by index: success, then the failure classes. */
    private static final ErrorClass[] OUTCOMES = {null, ErrorClass.SERVER, ErrorClass.NETWORK, ErrorClass.TIMEOUT,
        ErrorClass.NON_RETRYABLE, ErrorClass.RATE_LIMITED};

    private static BalancerConfig config(BalancingStrategy strategy) {
        BalancerConfig.Builder builder = BalancerConfig.builder()
                .strategy(strategy)
                .consecutiveFailuresToEject(2)
                .successRateCalls(5)
                .minSuccessRate(0.6)
                .baseEjectionMillis(100)
                .maxEjectionMillis(800)
                .maxEjectedShare(0.8)
                .panicThreshold(PANIC_THRESHOLD)
                .seed(7);
        for (int i = 0; i < IDS.size(); i++) {
            builder.endpoint(IDS.get(i), 1 + i % 3);
        }
        return builder.build();
    }

    /** One step: pick and dispatch, answer a call, or run due probes; {@code refusedMask} drives the gate. */
    record Op(int kind, int endpoint, int refusedMask, int excludeMask, int dt, int latency, int outcome) {
    }

    @Provide
    Arbitrary<List<Op>> runs() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 7),
                        Arbitraries.integers().between(0, IDS.size() - 1),
                        Arbitraries.integers().between(0, 31),
                        Arbitraries.integers().between(0, 31),
                        Arbitraries.integers().between(0, 120),
                        Arbitraries.integers().between(1, 500),
                        Arbitraries.integers().between(0, OUTCOMES.length - 1))
                .as(Op::new)
                .list().ofMinSize(1).ofMaxSize(150);
    }

    private static Set<String> endpointsIn(int mask) {
        Set<String> set = new HashSet<>();
        for (int i = 0; i < IDS.size(); i++) {
            if ((mask & (1 << i)) != 0) {
                set.add(IDS.get(i));
            }
        }
        return set;
    }

    private interface PickCheck {
        void check(LoadBalancer balancer, EndpointGate gate, Pick pick, long now);
    }

    /** Plays a run, recording decisions and events; at step {@code restoreAt} swaps in a restored copy. */
    private static final class Driver {
        final List<Object> decisions = new ArrayList<>();
        final List<BalancerEvent> events = new ArrayList<>();
        final BalancerConfig config;
        LoadBalancer balancer;
        long now = 1_000_000;
        /** Runs after every step. */
        Consumer<LoadBalancer> afterStep = balancer -> { };

        Driver(BalancerConfig config) {
            this.config = config;
            this.balancer = LoadBalancer.create("x", config, events::add);
        }

        void play(List<Op> ops, int restoreAt, PickCheck check) {
            for (int i = 0; i < ops.size(); i++) {
                if (i == restoreAt) {
                    byte[] bytes = BalancerCodec.INSTANCE.encode(balancer.snapshot());
                    balancer = LoadBalancer.restore("x", config, BalancerCodec.INSTANCE.decode(bytes), events::add);
                }
                Op op = ops.get(i);
                now += op.dt();
                String endpoint = IDS.get(op.endpoint());
                if (op.kind() <= 3) {
                    Set<String> refused = endpointsIn(op.refusedMask());
                    EndpointGate gate = (id, at) -> !refused.contains(id);
                    Pick pick = balancer.pick(gate, endpointsIn(op.excludeMask()), now);
                    check.check(balancer, gate, pick, now);
                    decisions.add(pick);
                    if (pick instanceof Pick.Picked picked) {
                        balancer.onDispatch(picked.endpoint());
                    }
                } else if (op.kind() <= 6) {
                    ErrorClass error = OUTCOMES[op.outcome()];
                    balancer.onResult(endpoint, error == null, op.latency(), error, now);
                } else {
                    List<String> due = balancer.probesDue(now);
                    decisions.add(due);
                    due.forEach(id -> balancer.onProbe(id, op.outcome() % 2 == 0, now));
                }
                decisions.add(balancer.inFlight(endpoint));
                afterStep.accept(balancer);
            }
        }
    }

    @Property
    void shouldNeverPickRefusedEndpointNorEjectedOneOutsidePanic(@ForAll("runs") List<Op> ops,
                                                                  @ForAll BalancingStrategy strategy) {
        Driver driver = new Driver(config(strategy));

        driver.play(ops, -1, (balancer, gate, pick, now) -> {
            long unavailable = IDS.stream().filter(id -> !gate.permits(id, now) || balancer.isEjected(id)).count();
            boolean expectPanic = unavailable > PANIC_THRESHOLD * IDS.size();
            if (pick instanceof Pick.Picked picked) {
                assertThat(gate.permits(picked.endpoint(), now)).as("gate permits %s", picked).isTrue();
                assertThat(picked.panic()).isEqualTo(expectPanic);
                assertThat(picked.panic() || !balancer.isEjected(picked.endpoint()))
                        .as("%s is not ejected outside panic", picked).isTrue();
            } else {
                assertThat(IDS.stream().filter(id -> gate.permits(id, now) && (expectPanic || !balancer.isEjected(id))))
                        .as("nothing was usable").isEmpty();
            }
        });
    }

    @Property
    void shouldDecideIdenticallyAfterSnapshotBytesRestore(@ForAll("runs") List<Op> ops,
                                                           @ForAll BalancingStrategy strategy,
                                                           @ForAll @IntRange(min = 0, max = 150) int restoreAt) {
        Driver uninterrupted = new Driver(config(strategy));
        Driver restored = new Driver(config(strategy));
        PickCheck none = (balancer, gate, pick, now) -> { };

        uninterrupted.play(ops, -1, none);
        restored.play(ops, restoreAt, none);

        assertThat(restored.decisions).isEqualTo(uninterrupted.decisions);
        assertThat(restored.events).isEqualTo(uninterrupted.events);
    }

    @Property
    void shouldSaveStateThatReadsBackAndEncodesToTheSameBytesWheneverAsked(@ForAll("runs") List<Op> ops,
                                                                   @ForAll BalancingStrategy strategy,
                                                                   @ForAll @IntRange(min = 0, max = 150) int restoreAt,
                                                                   @ForAll @IntRange(min = 1, max = 4) int saveEvery) {
        Driver driver = new Driver(config(strategy));
        int[] step = {0};
        driver.afterStep = balancer -> {
            if (step[0]++ % saveEvery == 0) {
                byte[] saved = BalancerCodec.INSTANCE.encode(balancer.snapshot());
                BalancerSnapshot read = BalancerCodec.INSTANCE.decode(saved);
                assertThat(BalancerCodec.INSTANCE.encode(read)).as("after step %s", step[0]).isEqualTo(saved);
                assertThat(BalancerCodec.INSTANCE.encode(balancer)).as("from the live balancer, after step %s",
                        step[0]).isEqualTo(saved);
                assertThat(BalancerCodec.INSTANCE.encode(LoadBalancer.restore("x", balancer.config(), read,
                        BalancerListener.IGNORE).snapshot())).as("restored, after step %s", step[0]).isEqualTo(saved);
            }
        };

        driver.play(ops, restoreAt, (balancer, gate, pick, now) -> { });
    }
}
