package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 4: a backlog of tasks worked off while the group scales 1 → 2 → 3 → 2 → 1 instances, each step taken once
 * another fifth of the tasks has ended; instances leave by a clean stop. Every task must end once.
 */
public final class ScalingUnderLoad implements Scenario {

    @Override
    public String name() {
        return "scaling";
    }

    @Override
    public String title() {
        return "scaling under load 1 → 2 → 3 → 2 → 1 instances (clean stops)";
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        int tasks = run.scale().pick(60_000, 10_000);
        run.stack().exchange().setFaults(FaultProfile.builder().fixedLatency(Duration.ofMillis(2)).build());
        Map<String, String> settings = run.settings(Map.of());
        List<ServiceInstance> running = new ArrayList<>(run.startInstances(1, settings));
        run.feed().produceTasks(tasks);
        run.log("produced " + tasks + " tasks");
        int[] sizes = {2, 3, 2, 1};
        for (int step = 0; step < sizes.length; step++) {
            run.awaitTerminalProgress((long) tasks * (step + 1) / (sizes.length + 1), Duration.ofMinutes(10));
            if (sizes[step] > running.size()) {
                running.addAll(run.startInstances(1, settings));
                run.fault("scale up to " + running.size() + " instances");
            } else {
                ServiceInstance leaving = running.remove(running.size() - 1);
                leaving.stop();
                run.fault("scale down to " + running.size() + " instances (clean stop of " + leaving.name() + ")");
            }
        }
        Verdict verdict = run.verify(Duration.ofMinutes(run.scale().pick(10, 4)));
        run.expectNoFailedAttempts(verdict);
        return run.report(Expectation.EXACTLY_ONCE, verdict);
    }
}
