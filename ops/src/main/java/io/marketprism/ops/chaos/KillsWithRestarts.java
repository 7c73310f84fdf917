package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Tasks through repeated SIGKILLs of service instances, each restarted at once on its old state directory, the way
 * Kafka's EOS system test kills and restarts its instances with transactions open. Under exactly-once every task
 * must end once; run under at-least-once it is the negative control, where the verifier must find duplicates or
 * losses (a verifier that cannot fail proves nothing).
 */
public final class KillsWithRestarts implements Scenario {

    /** How long the control's output may stand still before its verdict is read. */
    private static final Duration CONTROL_SETTLED = Duration.ofSeconds(30);

    private final String name;
    private final String guarantee;
    private final int instanceCount;
    private final int fullTasks;
    private final int fastTasks;
    private final int fullKills;
    private final int fastKills;

    private KillsWithRestarts(String name, String guarantee, int instanceCount, int fullTasks, int fastTasks,
                              int fullKills, int fastKills) {
        this.name = name;
        this.guarantee = guarantee;
        this.instanceCount = instanceCount;
        this.fullTasks = fullTasks;
        this.fastTasks = fastTasks;
        this.fullKills = fullKills;
        this.fastKills = fastKills;
    }

    /** Scenario 2: 100,000 tasks through five kill -9 on three instances (fast: 12,000 through two). */
    public static KillsWithRestarts exactlyOnce() {
        return new KillsWithRestarts("kills", "exactly_once_v2", 3, 100_000, 12_000, 5, 2);
    }

    /**
     * Scenario 1, the negative control: the same under at_least_once (30,000 tasks, three kills; fast: 6,000, three,
     * as two at times left a fast run without a duplicate).
     */
    public static KillsWithRestarts atLeastOnceControl() {
        return new KillsWithRestarts("at-least-once-control", "at_least_once", 2, 30_000, 6_000, 3, 3);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String title() {
        return "tasks through kill -9 of instances, each restarted at once (" + guarantee + ", " + instanceCount
                + " instances)";
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        int tasks = run.scale().pick(fullTasks, fastTasks);
        int kills = run.scale().pick(fullKills, fastKills);
        run.stack().exchange().setFaults(FaultProfile.builder().fixedLatency(Duration.ofMillis(2)).build());
        Map<String, String> settings = run.settings(Map.of("kafka.processing.guarantee", guarantee));
        List<ServiceInstance> instances = run.startInstances(instanceCount, settings);

        run.feed().produceTasks(tasks);
        run.log("produced " + tasks + " tasks");
        for (int k = 1; k <= kills; k++) {
            run.awaitTerminalProgress((long) tasks * k / (kills + 1), Duration.ofMinutes(10));
            ServiceInstance victim = instances.get(k % instances.size());
            victim.kill();
            run.fault("kill -9 instance " + victim.name());
            victim.start();
            run.log("restarted instance " + victim.name());
        }
        Duration within = Duration.ofMinutes(run.scale().pick(15, 4));
        boolean control = guarantee.equals("at_least_once");
        // the control can lose tasks (README: overriding the guarantee), which no wait brings back
        Verdict verdict = run.verify(within, control ? CONTROL_SETTLED : within);
        run.expectNoFailedAttempts(verdict);
        return run.report(control ? Expectation.VIOLATIONS : Expectation.EXACTLY_ONCE, verdict);
    }
}
