package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.kafka.EmbeddedKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Scenario 6, first half: the single broker stopped mid-run and started again on the same port and log after an
 * outage, while tasks keep coming at 200 a second to two instances. The instances ride it out (their clients retry and
 * reconnect; Kafka Streams' {@code task.timeout.ms}, 5 minutes, outlasts the outage): every task ends once, and the
 * time until results flow again is measured from the stop.
 */
public final class BrokerRestart implements Scenario {

    @Override
    public String name() {
        return "broker-restart";
    }

    @Override
    public String title() {
        return "the single broker stopped mid-run and started again on the same port and log: time until results "
                + "flow again";
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        Duration outage = Duration.ofSeconds(run.scale().pick(20, 10));
        run.stack().exchange().setFaults(FaultProfile.builder().fixedLatency(Duration.ofMillis(2)).build());
        run.startInstances(2, run.settings(Map.of()));
        EmbeddedKafka broker = run.stack().broker();
        Instant[] restarted = new Instant[1];
        Instant stopped = SteadyFlow.around(run, Duration.ofSeconds(run.scale().pick(30, 15)),
                Duration.ofSeconds(run.scale().pick(60, 30)), () -> {
                    broker.close();
                    run.fault("broker stopped (clean shutdown) for " + outage.toSeconds() + " s");
                    Thread.sleep(outage.toMillis());   // the outage itself
                    broker.start();
                    restarted[0] = Instant.now();
                    run.fault("broker started again on " + broker.bootstrapServers() + " and its old log");
                });

        Verdict verdict = run.verify(Duration.ofMinutes(run.scale().pick(5, 3)));
        run.expectNoFailedAttempts(verdict);
        KillWithoutRestart.Stall stall = KillWithoutRestart.stall(run, stopped);
        run.figure("longest stall from the stop", ChaosRun.seconds(stall.longest()));
        run.figure("results flowing again after the restart",
                ChaosRun.seconds(stall.longest().minus(Duration.between(stopped, restarted[0]))));
        run.figure("longest task latency in the 5 s before the stop", ChaosRun.seconds(stall.longestBefore()));
        return run.report(Expectation.EXACTLY_ONCE, verdict);
    }
}
