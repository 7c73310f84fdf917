package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 6, second half: on a {@link BrokerCluster} of three (replication factor 3, min ISR 2 for every topic,
 * internal ones included), the worst broker to lose is killed with SIGKILL while tasks flow at 200 a second to three
 * instances, and not restarted: the active controller, made the leader of every partition of the service's input and
 * output topics and of the group and transaction coordinators' topics. The remaining two elect a new controller and
 * new leaders (after the controller misses the dead broker's heartbeats: {@code broker.session.timeout.ms}, 9 s by
 * default, {@code KRaftConfigs.BROKER_SESSION_TIMEOUT_MS_DEFAULT} in Kafka 4.4) and, two replicas being the minimum in sync, take writes on: every task ends once, and the time until
 * results flow again is measured from the kill.
 */
public final class BrokerFailover implements Scenario {

    /** The consumer offsets and transaction state, one partition each: their leaders coordinate group and commits. */
    private static final List<String> COORDINATOR_TOPICS = List.of("__consumer_offsets", "__transaction_state");

    @Override
    public String name() {
        return "broker-failover";
    }

    @Override
    public String title() {
        return "three brokers (replication factor 3, min ISR 2): kill -9 of the active controller, leading the input "
                + "and output partitions and the group and transaction coordinators, not restarted: time until results "
                + "flow again";
    }

    @Override
    public ChaosStack.Brokers brokers() {
        return ChaosStack.Brokers.THREE;
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        BrokerCluster cluster = run.stack().cluster();
        List<String> serviceTopics = new ArrayList<>(List.of(ChaosStack.TASKS));
        serviceTopics.addAll(ChaosStack.OUTPUT_TOPICS);
        Map<String, String> settings = run.settings(Map.of());
        int victim = cluster.activeController();
        cluster.createTopicsLedBy(victim, serviceTopics, Integer.parseInt(settings.get("topic.partitions")));
        run.stack().exchange().setFaults(FaultProfile.builder().fixedLatency(Duration.ofMillis(2)).build());
        run.startInstances(3, settings);
        // The instances' group and transactions have created the coordinators' topics by now.
        cluster.moveLeadersTo(victim, COORDINATOR_TOPICS);

        Instant killed = SteadyFlow.around(run, Duration.ofSeconds(run.scale().pick(30, 15)),
                Duration.ofSeconds(run.scale().pick(60, 30)), () -> {
                    Map<Integer, Long> leaders = cluster.leaders(serviceTopics);
                    Map<Integer, Long> coordinators = cluster.leaders(COORDINATOR_TOPICS);
                    int controller = cluster.activeController();
                    cluster.kill(victim);
                    run.fault("kill -9 broker " + victim + ", not restarted (partitions of the service's topics "
                            + "led per broker: " + leaders + "; of the group and transaction coordinators' topics: "
                            + coordinators + "; active controller: broker " + controller + ")");
                });

        Verdict verdict = run.verify(Duration.ofMinutes(run.scale().pick(5, 3)));
        run.expectNoFailedAttempts(verdict);
        KillWithoutRestart.Stall stall = KillWithoutRestart.stall(run, killed);
        run.figure("results flowing again after the kill (longest stall)", ChaosRun.seconds(stall.longest()));
        run.figure("longest task latency in the 5 s before the kill", ChaosRun.seconds(stall.longestBefore()));
        Map<Integer, Long> after = cluster.leaders(serviceTopics);
        run.figure("partitions of the service's topics led per broker after the kill", after.toString());
        if (after.containsKey(victim)) {
            run.fail("the killed broker " + victim + " still leads partitions: " + after);
        }
        return run.report(Expectation.EXACTLY_ONCE, verdict);
    }
}
