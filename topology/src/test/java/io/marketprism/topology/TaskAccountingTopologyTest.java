package io.marketprism.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.topology.admin.AdminMailbox;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.errors.DeadLetterExceptionHandler;
import io.marketprism.topology.metrics.MetricNames;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import io.marketprism.topology.processor.OutputHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accounting counters through the whole topology: every accepted task ends once (a result, a dead letter or a
 * rejection), every retry written is read back, and bytes that are no task are not accepted; dead letters of the
 * exception handler are counted too.
 */
class TaskAccountingTopologyTest {

    private static final long START = 1_000_000;

    private final FakeExecutor executor = new FakeExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ServiceConfig config;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> tasks;

    /** Its own state directory: the default one is shared by every process on the machine. */
    @TempDir
    Path stateDir;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldEndEveryAcceptedTaskOnceAndReadBackEveryRetry() {
        // Given an exchange that fails every first attempt of a task named retry-* with a server error
        executor.answering((task, endpoint) -> task.getTaskId().startsWith("retry") && task.getAttempt() == 0
                ? FakeExecutor.status(503, "{\"code\":-1001,\"msg\":\"Internal error\"}")
                : FakeExecutor.ok("{}"));
        startDriver();

        // When five tasks arrive: two plain, one retried, one for an exchange not served, one past its deadline,
        // and a record that is no task at all
        send("{\"taskId\":\"a\",\"exchange\":\"binance\",\"dataType\":\"TICKER\",\"symbol\":\"BTCUSDT\"}");
        send("{\"taskId\":\"b\",\"exchange\":\"binance\",\"dataType\":\"TRADES\",\"symbol\":\"BTCUSDT\"}");
        send("{\"taskId\":\"retry-1\",\"exchange\":\"binance\",\"dataType\":\"TICKER\",\"symbol\":\"ETHUSDT\"}");
        send("{\"taskId\":\"c\",\"exchange\":\"kraken\",\"dataType\":\"TICKER\",\"symbol\":\"XBTUSD\"}");
        send("{\"taskId\":\"d\",\"exchange\":\"binance\",\"dataType\":\"TICKER\",\"symbol\":\"BTCUSDT\","
                + "\"createdAt\":" + (START - 10_000) + ",\"deadline\":" + (START - 1) + "}");
        tasks.pipeInput(null, new byte[] {1, 2, 3});
        driver.advanceWallClockTime(Duration.ofMillis(10));
        driver.advanceWallClockTime(Duration.ofMillis(1100));
        driver.advanceWallClockTime(Duration.ofMillis(10));

        // Then the books balance: five accepted, five ended, one retry written and read back
        assertThat(count(MetricNames.TASKS_ACCEPTED)).isEqualTo(5);
        assertThat(count(MetricNames.TASKS_TERMINAL)).isEqualTo(5);
        assertThat(terminal("binance", "TICKER", "result", "none")).isEqualTo(2);
        assertThat(terminal("binance", "TRADES", "result", "none")).isEqualTo(1);
        assertThat(terminal("binance", "TICKER", "dead_letter", "missed")).as("expired").isEqualTo(1);
        assertThat(terminal("unknown", "TICKER", "rejected", "none")).isEqualTo(1);
        assertThat(count(MetricNames.RETRIES)).isEqualTo(1);
        assertThat(count(MetricNames.RETRIES_READ)).isEqualTo(1);
        assertThat(registry.get(MetricNames.DEAD_LETTERS).tags("exchange", "unknown", "reason", "MALFORMED")
                .counter().count()).as("counted as a dead letter, not as a task").isEqualTo(1);
    }

    @Test
    void shouldCountTheDeadLetterOfAnUndecodableRepartitionedRecord() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver();
        TestInputTopic<String, byte[]> repartition = driver.createInputTopic(
                config.applicationId() + "-by-domain-repartition", new StringSerializer(), new ByteArraySerializer());

        // When a record the reliability processor cannot decode reaches it
        repartition.pipeInput(new TestRecord<>("binance", new byte[] {(byte) 0xC3, 0x01, 0, 5},
                OutputHeaders.of("bad-1", "binance", null, null)));

        // Then its dead letter, which carries no task (so no exchange), is counted like the others
        assertThat(registry.get(MetricNames.DEAD_LETTERS).tags("exchange", "unknown", "reason", "PROCESSING_ERROR")
                .counter().count()).isEqualTo(1);
    }

    private void startDriver() {
        config = ServiceConfig.builder().exchanges(java.util.List.of("binance"))
                .exchange("binance-spot", "api=http://127.0.0.1:1/binance/api")
                .stateDir(stateDir)
                .reliability("retry.strategy", "FIXED")
                .reliability("retry.jitter", "NONE")
                .reliability("retry.base.delay.ms", "1000")
                .build();
        ReliabilityMetrics metrics = new ReliabilityMetrics(registry, config);
        Properties props = MarketPrismService.streamsProperties(config);
        props.put(DeadLetterExceptionHandler.METRICS_CONFIG, metrics);
        driver = new TopologyTestDriver(ReliabilityTopology.build(config, executor, metrics, new AdminMailbox(),
                ReliabilityTopology.NO_WALL_CLOCK),
                props, Instant.ofEpochMilli(START));
        tasks = driver.createInputTopic(config.topics().tasks(), new ByteArraySerializer(), new ByteArraySerializer(),
                Instant.ofEpochMilli(START), Duration.ZERO);
    }

    private void send(String json) {
        tasks.pipeInput(null, json.getBytes(StandardCharsets.UTF_8));
    }

    private double count(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private double terminal(String exchange, String dataType, String outcome, String deadline) {
        return registry.get(MetricNames.TASKS_TERMINAL).tags(MetricNames.TAG_EXCHANGE, exchange,
                MetricNames.TAG_DATA_TYPE, dataType, MetricNames.TAG_OUTCOME, outcome,
                MetricNames.TAG_DEADLINE, deadline).counter().count();
    }
}
