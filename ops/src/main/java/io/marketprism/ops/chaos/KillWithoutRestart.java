package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;

/**
 * Scenario 3: a steady flow of tasks over three instances, one killed with SIGKILL and not restarted, with 0 or 1
 * standby replica. The failover time is the longest stall any task suffered from the kill: for the tasks created
 * around and after it, their completion time less the later of their creation and the kill. That is how long the
 * dead instance's partitions stopped producing.
 */
public final class KillWithoutRestart implements Scenario {

    private static final int TASKS_PER_SECOND = 200;
    /** The time before the kill whose latencies show the normal pace (the start has rebalances of its own). */
    private static final Duration CALM = Duration.ofSeconds(5);

    private final int standbys;

    public KillWithoutRestart(int standbys) {
        this.standbys = standbys;
    }

    @Override
    public String name() {
        return "failover-" + standbys + "-standby";
    }

    @Override
    public String title() {
        return "kill -9 of one of three instances, not restarted, " + standbys + " standby replica(s): time until "
                + "its partitions produce again";
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        Duration before = Duration.ofSeconds(run.scale().pick(30, 15));
        Duration after = Duration.ofSeconds(run.scale().pick(60, 30));
        run.stack().exchange().setFaults(FaultProfile.builder().fixedLatency(Duration.ofMillis(2)).build());
        List<ServiceInstance> instances = run.startInstances(3, run.settings(Map.of(
                "kafka.num.standby.replicas", Integer.toString(standbys))));
        TaskFeed feed = run.feed();
        int tasks = (int) (before.plus(after).toSeconds() * TASKS_PER_SECOND);
        CompletableFuture<?> producing = CompletableFuture.runAsync(() ->
                feed.produceTasks(tasks, Duration.ofSeconds(1).dividedBy(TASKS_PER_SECOND), task -> { }));
        Thread.sleep(before.toMillis());
        Instant killed = Instant.now();
        instances.get(0).kill();
        run.fault("kill -9 instance " + instances.get(0).name() + ", not restarted");
        producing.get();

        Verdict verdict = run.verify(Duration.ofMinutes(run.scale().pick(5, 3)));
        run.expectNoFailedAttempts(verdict);
        Stall stall = stall(run, killed);
        run.figure("failover (longest stall from the kill)", ChaosRun.seconds(stall.longest()));
        run.figure("longest task latency in the 5 s before the kill", ChaosRun.seconds(stall.longestBefore()));
        return run.report(Expectation.EXACTLY_ONCE, verdict);
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
