package io.marketprism.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.RecordCodec;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.processor.OutputHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code output.format=json} on TopologyTestDriver: results and dead letters are JSON text carrying the records'
 * fields, and a retry written as JSON comes back through the retry topic with its attempt history.
 */
class JsonOutputTopologyTest {

    private static final long START = 1_000_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final FakeExecutor executor = new FakeExecutor();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> tasks;
    private TestOutputTopic<String, String> results;
    private TestOutputTopic<String, String> retries;
    private TestOutputTopic<String, String> deadLetters;
    private ServiceConfig config;

    @TempDir
    Path stateDir;

    private void startDriver() {
        config = ServiceConfig.builder()
                .stateDir(stateDir)
                .exchanges(java.util.List.of("binance"))
                .exchange("binance-spot", "api=http://127.0.0.1:1/binance/api")
                .reliability("retry.strategy", "FIXED")
                .reliability("retry.jitter", "NONE")
                .reliability("retry.base.delay.ms", "1000")
                .outputFormat("json")
                .build();
        driver = new TopologyTestDriver(ReliabilityTopology.build(config, executor),
                MarketPrismService.streamsProperties(config), Instant.ofEpochMilli(START));
        tasks = driver.createInputTopic(config.topics().tasks(), new ByteArraySerializer(), new ByteArraySerializer(),
                Instant.ofEpochMilli(START), Duration.ZERO);
        results = driver.createOutputTopic(config.topics().results(), new StringDeserializer(),
                new StringDeserializer());
        retries = driver.createOutputTopic(config.topics().retry(), new StringDeserializer(), new StringDeserializer());
        deadLetters = driver.createOutputTopic(config.topics().deadLetters(), new StringDeserializer(),
                new StringDeserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void send(String json) {
        tasks.pipeInput(null, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldWriteResultsAsJsonText() throws Exception {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{\"price\":\"1.5\"}"));
        startDriver();

        send("{\"taskId\":\"t-1\",\"exchange\":\"binance\",\"dataType\":\"TICKER\",\"symbol\":\"BTCUSDT\"}");
        driver.advanceWallClockTime(config.executionTick());

        TestRecord<String, String> out = results.readRecord();
        JsonNode result = JSON.readTree(out.value());
        assertThat(result.get("taskId").textValue()).isEqualTo("t-1");
        assertThat(result.get("body").textValue()).isEqualTo("{\"price\":\"1.5\"}");
        assertThat(result.get("endpoint").textValue()).isEqualTo("binance-spot/api");
        assertThat(result.at("/attempts/0/outcome").textValue()).isEqualTo("SUCCESS");
        assertThat(Instant.parse(result.get("completedAt").textValue())).isAfterOrEqualTo(Instant.ofEpochMilli(START));
        assertThat(OutputHeaders.get(out.headers(), OutputHeaders.OUTCOME)).isEqualTo("SUCCESS");
    }

    @Test
    void shouldReadAJsonRetryBackWithItsAttemptHistory() throws Exception {
        executor.answering((task, endpoint) -> task.getAttempt() == 0
                ? FakeExecutor.status(503, "{\"code\":-1001,\"msg\":\"Internal error\"}")
                : FakeExecutor.ok("{\"ok\":true}"));
        startDriver();

        send("{\"taskId\":\"r-1\",\"exchange\":\"binance\",\"market\":\"perp\",\"dataType\":\"FUNDING_RATE\",\"symbol\":\"BTCUSDT\"}");
        driver.advanceWallClockTime(config.executionTick());
        JsonNode retry = JSON.readTree(retries.readValue());
        assertThat(retry.get("attempt").intValue()).isEqualTo(1);
        assertThat(retry.at("/attempts/0/httpStatus").intValue()).isEqualTo(503);
        assertThat(retry.at("/origin/topic").textValue()).isEqualTo(config.topics().tasks());
        driver.advanceWallClockTime(Duration.ofMillis(1_100));
        driver.advanceWallClockTime(config.executionTick());

        byte[] written = results.readValue().getBytes(StandardCharsets.UTF_8);
        TaskResult result = RecordCodec.results().decode(written);
        assertThat(result.getAttempts()).hasSize(2);
        assertThat(result.getAttempts().get(0).getHttpStatus()).isEqualTo(503);
        assertThat(result.getAttempts().get(0).getDelayBeforeNextMs()).isEqualTo(1000L);
        assertThat(executor.calls()).hasSize(2);
    }

    @Test
    void shouldWriteDeadLettersAsJsonWithTheRawBytesInBase64() throws Exception {
        startDriver();

        send("{\"exchange\":\"binance\",\"dataType\":\"TICKER\"}");

        JsonNode letter = JSON.readTree(deadLetters.readValue());
        assertThat(letter.get("reason").textValue()).isEqualTo("INVALID");
        assertThat(letter.get("detail").textValue()).contains("symbol");
        assertThat(new String(java.util.Base64.getDecoder().decode(letter.get("rawValue").textValue()),
                StandardCharsets.UTF_8)).isEqualTo("{\"exchange\":\"binance\",\"dataType\":\"TICKER\"}");
        assertThat(letter.get("sourceOffset").longValue()).isZero();
    }
}
