package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;

/**
 * Scenario 3: a steady flow of tasks over several instances, one killed with SIGKILL and not restarted, with 0 or 1
 * standby replica, on the documented failover settings. The failover time is the longest stall any task suffered from
 * the kill: for the tasks created around and after it, their completion time less the later of their creation and the
 * kill. That is how long the dead instance's partitions stopped producing. With a standby it must stay under
 * {@link #TARGET}.
 */
public final class KillWithoutRestart implements Scenario {

    /** The figure of the time until the group coordinator dropped the killed instance (its session timeout). */
    public static final String DROPPED_FIGURE = "group dropped the killed instance after";
    /** The figure of the time until the group had rebalanced onto the survivors. */
    public static final String REBALANCED_FIGURE = "group rebalanced onto the survivors after";
    /** The figure of the failover time. */
    public static final String FAILOVER_FIGURE = "failover (longest stall from the kill)";
    /** The figure of the normal pace before the kill. */
    public static final String CALM_FIGURE = "longest task latency in the 5 s before the kill";
    /** The failover time promised with a standby (issue 12's "fails over within 5 s"). */
    public static final Duration TARGET = Duration.ofSeconds(5);

    private static final int TASKS_PER_SECOND = 200;
    /** The time before the kill whose latencies show the normal pace (the start has rebalances of its own). */
    private static final Duration CALM = Duration.ofSeconds(5);

    private final String name;
    private final int instances;
    private final int standbys;

    private KillWithoutRestart(String name, int instances, int standbys) {
        this.name = name;
        this.instances = instances;
        this.standbys = standbys;
    }

    /** The chaos suite's scenario: one of three instances killed. */
    public static KillWithoutRestart ofThreeInstances(int standbys) {
        return new KillWithoutRestart("failover-" + standbys + "-standby", 3, standbys);
    }

    /** The failover benchmark's run: one of two instances killed, the survivor takes every task. */
    public static KillWithoutRestart ofTwoInstances(int standbys) {
        return new KillWithoutRestart("failover-of-two-" + standbys + "-standby", 2, standbys);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String title() {
        return "kill -9 of one of " + instances + " instances, not restarted, " + standbys + " standby replica(s): "
                + "time until its partitions produce again";
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        Duration before = Duration.ofSeconds(run.scale().pick(30, 15));
        Duration after = Duration.ofSeconds(run.scale().pick(60, 30));
        run.stack().exchange().setFaults(FaultProfile.builder().fixedLatency(Duration.ofMillis(2)).build());
        Map<String, String> settings = run.settings(Map.of("kafka.num.standby.replicas", Integer.toString(standbys)));
        // The service's own commit interval (Kafka Streams' 100 ms under exactly-once), as deployed.
        settings.remove(ChaosStack.COMMIT_INTERVAL);
        ServiceInstance victim = run.startInstances(instances, settings).get(0);
        TaskFeed feed = run.feed();
        int tasks = (int) (before.plus(after).toSeconds() * TASKS_PER_SECOND);
        CompletableFuture<?> producing = CompletableFuture.runAsync(() ->
                feed.produceTasks(tasks, Duration.ofSeconds(1).dividedBy(TASKS_PER_SECOND), task -> { }));
        Thread.sleep(before.toMillis());
        Instant killed = Instant.now();
        victim.kill();
        run.fault("kill -9 instance " + victim.name() + ", not restarted");
        Duration dropped = untilGroupHas(run, settings, killed, false);
        Duration rebalanced = untilGroupHas(run, settings, killed, true);
        producing.get();

        Verdict verdict = run.verify(Duration.ofMinutes(run.scale().pick(5, 3)));
        run.expectNoFailedAttempts(verdict);
        Stall stall = stall(run, killed);
        run.figure(DROPPED_FIGURE, ChaosRun.seconds(dropped));
        run.figure(REBALANCED_FIGURE, ChaosRun.seconds(rebalanced));
        run.figure(FAILOVER_FIGURE, ChaosRun.seconds(stall.longest()));
        run.figure(CALM_FIGURE, ChaosRun.seconds(stall.longestBefore()));
        if (standbys > 0 && stall.longest().compareTo(TARGET) >= 0) {
            run.fail("failover took " + ChaosRun.seconds(stall.longest()) + " with a standby; the target is under "
                    + ChaosRun.seconds(TARGET));
        }
        return run.report(Expectation.EXACTLY_ONCE, verdict);
    }

    /**
     * The time from the kill until the group has one member fewer and, when {@code settled}, has finished its
     * rebalance, polled every 100 ms.
     */
    private Duration untilGroupHas(ChaosRun run, Map<String, String> settings, Instant killed, boolean settled) {
        Deadline.within(Duration.ofMinutes(1)).await(() -> KafkaChecks.groupHas(run.stack().bootstrap(),
                settings.get("application.id"), instances - 1, settled), "the group to drop the killed instance");
        return Duration.between(killed, Instant.now());
    }

    /**
     * The longest stall from the kill (completion less the later of creation and kill, over the tasks completed after
     * the kill) and the longest latency of the tasks created in the {@link #CALM} before it and completed before it.
     */
    static Stall stall(ChaosRun run, Instant killed) {
        Instant calmFrom = killed.minus(CALM);
        long[] longest = {0, 0};
        KafkaChecks.forEach(run.stack().bootstrap(), ChaosStack.RESULTS, IsolationLevel.READ_COMMITTED, r -> {
            TaskResult result = AvroCodec.results().decode(r.value());
            Instant created = result.getCreatedAt();
            Instant completed = result.getCompletedAt();
            if (completed.isAfter(killed)) {
                Instant start = created.isAfter(killed) ? created : killed;
                longest[0] = Math.max(longest[0], Duration.between(start, completed).toMillis());
            } else if (!created.isBefore(calmFrom)) {
                longest[1] = Math.max(longest[1], Duration.between(created, completed).toMillis());
            }
        });
        return new Stall(Duration.ofMillis(longest[0]), Duration.ofMillis(longest[1]));
    }

    record Stall(Duration longest, Duration longestBefore) {
    }
}
