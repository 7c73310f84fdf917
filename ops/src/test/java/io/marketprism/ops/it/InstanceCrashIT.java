package io.marketprism.ops.it;

import static io.marketprism.ops.exchange.SimulatedExchange.Mode.LENIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.chaos.ServiceProcess;
import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances share the work; one is killed with SIGKILL mid-run (open transactions, no clean close). The survivor
 * takes over its partitions, restores their state from the changelogs and re-executes what was in flight: every task
 * still ends in exactly one terminal record and no transaction stays open.
 */
class InstanceCrashIT {

    private static final int TASKS = 20_000;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryTaskExactlyOnceWhenAnInstanceIsKilledMidRun() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(3)
                     .faults(FaultProfile.builder().errorRate(0.1).fixedLatency(Duration.ofMillis(2)).build())
                     .build().start()) {
            String bootstrap = kafka.bootstrapServers();
            String applicationId = "crash-it";
            Map<String, String> settings = new LinkedHashMap<>(Workloads.generousSettings(exchange));
            settings.put("application.id", applicationId);
            settings.put("topic.partitions", "6");
            settings.put("kafka.session.timeout.ms", "6000");
            settings.put("kafka.heartbeat.interval.ms", "1000");
            settings.put("kafka.commit.interval.ms", "1000");

            Path logs = Files.createDirectories(Path.of("target", "it-logs"));
            try (ServiceProcess first = ServiceProcess.start(bootstrap, with(settings, "state.dir", dir.resolve("a")),
                         logs.resolve("crash-instance-a.log"));
                 ServiceProcess second = ServiceProcess.start(bootstrap, with(settings, "state.dir", dir.resolve("b")),
                         logs.resolve("crash-instance-b.log"))) {
                KafkaChecks.awaitGroupMembers(bootstrap, applicationId, 2);
                Set<String> expected = Workloads.produceTasks(bootstrap, "collector.tasks", TASKS, "crash");

                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() ->
                        KafkaChecks.readCommitted(bootstrap, "collector.results").size() >= TASKS / 5);
                first.kill();

                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).until(() ->
                        TerminalRecords.of(KafkaChecks.readCommitted(bootstrap, "collector.results"),
                                KafkaChecks.readCommitted(bootstrap, "collector.tasks.dlq"))
                                .missing(expected).isEmpty());
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        KafkaChecks.openTransactionLag(bootstrap, Workloads.OUTPUT_TOPICS).isEmpty());

                TerminalRecords terminal = TerminalRecords.of(
                        KafkaChecks.readCommitted(bootstrap, "collector.results"),
                        KafkaChecks.readCommitted(bootstrap, "collector.tasks.dlq"));
                assertThat(terminal.missing(expected)).isEmpty();
                assertThat(terminal.duplicated()).isEmpty();
                assertThat(terminal.unexpected(expected)).isEmpty();
                assertThat(terminal.total()).isEqualTo(TASKS);
                assertThat(second.isAlive()).isTrue();
            }
        }
    }

    private static Map<String, String> with(Map<String, String> settings, String key, Path value) {
        Map<String, String> copy = new LinkedHashMap<>(settings);
        copy.put(key, value.toString());
        return copy;
    }
}
