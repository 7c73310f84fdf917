package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.exchange.ServedRequest;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.schemas.DeadLetterReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario 9: a rolling upgrade. Three instances serve OKX on endpoints {@code www} and {@code aws} and Deribit on
 * {@code www}; one by one, while tasks flow at 200 a second, each is stopped cleanly and started again with OKX on
 * {@code www} only and Deribit on {@code www} and {@code edge}: an endpoint removed, one added, every exchange still
 * served. Every task must end once, none as {@code EXCHANGE_REMOVED}; once the last instance of the old
 * configuration has stopped no call reaches the removed endpoint, and the added one gets calls.
 */
public final class RollingUpgrade implements Scenario {

    private static final int INSTANCES = 3;
    private static final Duration RESTART_ALLOWANCE = Duration.ofSeconds(30);
    private static final String REMOVED = "okx/aws";
    private static final String ADDED = "deribit/edge";
    private static final String KEPT = "deribit/www";

    @Override
    public String name() {
        return "rolling-upgrade";
    }

    @Override
    public String title() {
        return "rolling upgrade of three instances, one by one while tasks flow, to a configuration with an endpoint "
                + "removed (" + REMOVED + ") and one added (" + ADDED + ")";
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        var exchange = run.stack().exchange();
        exchange.setFaults(FaultProfile.builder().fixedLatency(Duration.ofMillis(2)).build());
        Map<String, String> before = run.settings(Map.of(
                "exchange.okx.endpoints", SimulatedSettings.endpointList(exchange, "okx", List.of("www", "aws")),
                "exchange.deribit.endpoints", SimulatedSettings.endpointList(exchange, "deribit", List.of("www"))));
        Map<String, String> after = run.settings(Map.of(
                "exchange.okx.endpoints", SimulatedSettings.endpointList(exchange, "okx", List.of("www")),
                "exchange.deribit.endpoints", SimulatedSettings.endpointList(exchange, "deribit",
                        List.of("www", "edge"))));
        List<ServiceInstance> instances = run.startInstances(INSTANCES, before);
        Duration step = Duration.ofSeconds(run.scale().pick(20, 10));
        Instant[] firstUpgraded = new Instant[1];
        Instant[] lastOldStopped = new Instant[1];
        // Tasks keep coming through the roll (a restart and the rebalance after it take up to half a minute on a
        // busy machine) and a step after it.
        SteadyFlow.around(run, step, step.plus(RESTART_ALLOWANCE).multipliedBy(INSTANCES), () -> {
            for (int i = 0; i < INSTANCES; i++) {
                ServiceInstance instance = instances.get(i);
                if (i > 0) {
                    Thread.sleep(step.toMillis());   // the time between two steps of the roll
                }
                instance.stop();
                if (i == INSTANCES - 1) {
                    lastOldStopped[0] = Instant.now();
                }
                instance.restartWith(after);
                if (i == 0) {
                    firstUpgraded[0] = Instant.now();
                }
                run.awaitMembers(after, INSTANCES);
                run.fault("instance " + instance.name() + " restarted with the new configuration");
            }
        });

        Verdict verdict = run.verify(Duration.ofMinutes(run.scale().pick(5, 3)));
        run.expectNoFailedAttempts(verdict);
        Long removedExchange = verdict.deadLetters().get(DeadLetterReason.EXCHANGE_REMOVED);
        if (removedExchange != null) {
            run.fail(removedExchange + " tasks dead-lettered EXCHANGE_REMOVED, though every exchange stayed served");
        }
        List<ServedRequest> served = exchange.requests();
        String removed = servedId(exchange, REMOVED);
        String added = servedId(exchange, ADDED);
        long removedBefore = calls(served, removed, Instant.MIN, firstUpgraded[0], false);
        long removedAfter = calls(served, removed, lastOldStopped[0], Instant.MAX, true);
        long addedAfter = calls(served, added, firstUpgraded[0], Instant.MAX, false);
        long addedAfterRoll = calls(served, added, lastOldStopped[0], Instant.MAX, false);
        long deribitAfterRoll = addedAfterRoll + calls(served, servedId(exchange, KEPT), lastOldStopped[0],
                Instant.MAX, false);
        run.figure("market-data calls to the removed " + REMOVED + " before the upgrade", Long.toString(removedBefore));
        run.figure("calls (health checks included) to the removed " + REMOVED + " after the last old instance stopped",
                Long.toString(removedAfter));
        run.figure("market-data calls to the added " + ADDED + " after the first upgrade", Long.toString(addedAfter));
        run.figure("share of Deribit's market-data calls on " + ADDED + " after the roll", String.format(Locale.ROOT,
                "%.1f %%", deribitAfterRoll == 0 ? 0.0 : 100.0 * addedAfterRoll / deribitAfterRoll));
        if (removedBefore == 0) {
            run.fail("the endpoint to remove got no calls before the upgrade: nothing to move off");
        }
        if (removedAfter > 0) {
            run.fail(removedAfter + " calls reached the removed endpoint after no instance had it configured");
        }
        if (addedAfter == 0) {
            run.fail("the added endpoint got no calls");
        }
        return run.report(Expectation.EXACTLY_ONCE, verdict);
    }

    /** What the simulator records as the endpoint of calls to {@code hostSetAndEndpoint}, e.g. {@code okx/aws}. */
    private static String servedId(SimulatedExchange exchange, String hostSetAndEndpoint) {
        String[] parts = hostSetAndEndpoint.split("/", 2);
        return SimulatedSettings.endpointId(exchange, parts[0], parts[1]);
    }

    /** Calls to {@code endpoint} that arrived in [{@code from}, {@code until}), health checks only if asked. */
    private static long calls(List<ServedRequest> served, String endpoint, Instant from, Instant until,
                              boolean withHealthChecks) {
        return served.stream().filter(r -> r.endpointId().equals(endpoint) && (withHealthChecks || !r.healthCheck())
                && !r.time().isBefore(from) && r.time().isBefore(until)).count();
    }
}
