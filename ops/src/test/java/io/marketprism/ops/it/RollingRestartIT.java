package io.marketprism.ops.it;

import static io.marketprism.ops.exchange.SimulatedExchange.Mode.LENIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.chaos.ServiceProcess;
import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.TaskResult;
import io.marketprism.topology.MarketPrismService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy removes Binance's endpoint {@code api} while calls to it are in flight (it answers after three seconds):
 * the instance serving {@code api} and {@code api1} stops, cleanly or by SIGKILL, and the instance that takes over
 * knows {@code api1} only. The calls it restores from the ledger go to {@code api1}; every task ends exactly once,
 * none with a processing error, and the new instance's stream threads stay alive.
 */
class RollingRestartIT {

    private static final int TASKS = 200;
    private static final Duration REMOVED_ENDPOINT_LATENCY = Duration.ofSeconds(3);
    private static final String APPLICATION_ID = "rolling-restart-it";

    @TempDir
    Path dir;

    @Test
    void shouldEndEveryTaskOnceWhenARollingRestartRemovesAnEndpointWithCallsInFlight() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = slowApiExchange()) {
            String bootstrap = kafka.bootstrapServers();
            Path stateDir = dir.resolve("state");
            Instant stopped;
            Set<String> expected;
            try (MarketPrismService before = MarketPrismService.withHttp(Workloads.serviceConfig(
                    settings(exchange, "api", "api1"), bootstrap, APPLICATION_ID, stateDir))) {
                before.start();
                before.awaitRunning(Duration.ofSeconds(60));
                expected = produceBinanceTasks(bootstrap);
                awaitCallsTo(exchange, "api");
                IsolationChecks.assertThreadsAlive(before);
            }
            stopped = Instant.now();

            restartWithoutApiAndCheck(kafka, exchange, stateDir, expected, stopped);
        }
    }

    @Test
    void shouldEndEveryTaskOnceWhenAnInstanceIsKilledAndReplacedWithoutTheEndpointItWasCalling() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = slowApiExchange()) {
            String bootstrap = kafka.bootstrapServers();
            Path stateDir = dir.resolve("state");
            Map<String, String> settings = settings(exchange, "api", "api1");
            settings.put("application.id", APPLICATION_ID);
            settings.put("state.dir", stateDir.toString());
            Path logs = Files.createDirectories(Path.of("target", "it-logs"));
            Set<String> expected;
            try (ServiceProcess before = ServiceProcess.start(bootstrap, settings,
                    logs.resolve("rolling-restart-killed.log"))) {
                KafkaChecks.awaitGroupMembers(bootstrap, APPLICATION_ID, 1);
                expected = produceBinanceTasks(bootstrap);
                awaitCallsTo(exchange, "api");
                before.kill();
            }
            Instant stopped = Instant.now();

            restartWithoutApiAndCheck(kafka, exchange, stateDir, expected, stopped);
        }
    }

    /** Starts an instance that knows {@code api1} only and checks how the tasks of the stopped one ended. */
    private static void restartWithoutApiAndCheck(EmbeddedKafka kafka, SimulatedExchange exchange, Path stateDir,
                                                  Set<String> expected, Instant stopped) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        Set<String> inFlightAtStop = exchange.requests().stream()
                .filter(r -> r.endpointId().equals("binance/api") && !r.healthCheck()
                        && r.time().plus(REMOVED_ENDPOINT_LATENCY).isAfter(stopped))
                .map(Workloads::taskIdOf).collect(Collectors.toCollection(TreeSet::new));
        assertThat(inFlightAtStop).as("calls to api in flight when the instance stopped").isNotEmpty();

        try (MarketPrismService after = MarketPrismService.withHttp(Workloads.serviceConfig(
                settings(exchange, "api1"), bootstrap, APPLICATION_ID, stateDir))) {
            after.start();
            after.awaitRunning(Duration.ofSeconds(60));
            Instant restarted = Instant.now();

            TerminalRecords terminal = IsolationChecks.awaitEachTaskEndedOnce(bootstrap, expected,
                    Duration.ofMinutes(1));

            assertThat(terminal.deadLetters()).as("dead letters").isEmpty();
            assertThat(terminal.results()).filteredOn(r -> inFlightAtStop.contains(r.getTaskId()))
                    .extracting(TaskResult::getEndpoint).containsOnly("binance-spot/api1");
            assertThat(exchange.requests()).as("calls to the removed endpoint after the restart")
                    .noneMatch(r -> r.endpointId().equals("binance/api") && r.time().isAfter(restarted));
            IsolationChecks.assertThreadsAlive(after);
        }
    }

    /** A simulated exchange whose Binance endpoint {@code api} answers after {@link #REMOVED_ENDPOINT_LATENCY}. */
    private static SimulatedExchange slowApiExchange() {
        SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(23).build().start();
        exchange.setFaults("binance", "api", FaultProfile.builder().fixedLatency(REMOVED_ENDPOINT_LATENCY).build());
        return exchange;
    }

    /** Generous budgets; Binance served by {@code endpoints} in turn, slow calls not held against an endpoint. */
    private static Map<String, String> settings(SimulatedExchange exchange, String... endpoints) {
        Map<String, String> settings = Workloads.generousSettings(exchange);
        settings.put("exchange.binance-spot.endpoints", Workloads.endpoints(exchange, "binance", List.of(endpoints)));
        settings.put("exchange.binance-spot.balancer.strategy", "ROUND_ROBIN");
        settings.put("exchange.binance-spot.breaker.slow.call.duration.ms", "60000");
        settings.put("topic.partitions", "3");
        settings.put("kafka.session.timeout.ms", "6000");
        settings.put("kafka.heartbeat.interval.ms", "1000");
        return settings;
    }

    private static Set<String> produceBinanceTasks(String bootstrap) {
        List<byte[]> tasks = new ArrayList<>();
        Set<String> ids = new TreeSet<>();
        DataType[] types = {DataType.TRADES, DataType.TICKER, DataType.ORDER_BOOK};
        for (int i = 0; i < TASKS; i++) {
            String id = "roll-" + i;
            ids.add(id);
            tasks.add(Workloads.task(id, "binance", "BTCUSDT", types[i % types.length], Priority.NORMAL, i % 2 == 0,
                    Workloads.tagged(id), null));
        }
        Workloads.produce(bootstrap, "collector.tasks", tasks, true);
        return ids;
    }

    /** Waits until the endpoint has received a handful of market-data calls, which it has not answered yet. */
    private static void awaitCallsTo(SimulatedExchange exchange, String endpoint) {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50)).until(() ->
                exchange.requests().stream().filter(r -> r.endpointId().equals("binance/" + endpoint)
                        && !r.healthCheck()).count() >= 10);
    }
}
