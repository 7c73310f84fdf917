package io.marketprism.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.processor.OutputHeaders;
import io.marketprism.topology.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReliabilityTopologyTest {

    private static final ServiceConfig CONFIG = ServiceConfig.builder()
            .clearExchanges()
            .exchange("binance", "api=http://127.0.0.1:1/binance/api,api1=http://127.0.0.1:1/binance/api1")
            .exchange("okx", "www=http://127.0.0.1:1/okx/www")
            .maxInFlightPerEndpoint(2)
            .build();

    private final FakeExecutor executor = new FakeExecutor();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> tasks;
    private TestOutputTopic<String, TaskResult> results;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    private void startDriver() {
        Properties props = MarketPrismService.streamsProperties(CONFIG);
        driver = new TopologyTestDriver(ReliabilityTopology.build(CONFIG, executor), props, Instant.ofEpochMilli(1_000_000));
        tasks = driver.createInputTopic(CONFIG.topics().tasks(), new ByteArraySerializer(), new ByteArraySerializer());
        results = driver.createOutputTopic(CONFIG.topics().results(), new StringDeserializer(),
                AvroSerde.results().deserializer());
        deadLetters = driver.createOutputTopic(CONFIG.topics().deadLetters(), new StringDeserializer(),
                AvroSerde.deadLetters().deserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void sendJson(String json) {
        tasks.pipeInput(null, json.getBytes(StandardCharsets.UTF_8));
    }

    private void tick() {
        driver.advanceWallClockTime(CONFIG.executionTick());
    }

    @Test
    void shouldPublishResultWithHeadersForJsonTask() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{\"bids\":[],\"asks\":[]}"));
        startDriver();

        sendJson("{\"taskId\":\"t-1\",\"exchange\":\"binance\",\"dataType\":\"ORDER_BOOK\",\"symbol\":\"BTCUSDT\","
                + "\"priority\":\"HIGH\",\"params\":{\"limit\":\"100\"}}");
        tick();

        TestRecord<String, TaskResult> out = results.readRecord();
        assertThat(out.key()).isEqualTo("t-1");
        assertThat(out.value().getBody()).isEqualTo("{\"bids\":[],\"asks\":[]}");
        assertThat(out.value().getPriority()).isEqualTo(Priority.HIGH);
        assertThat(out.value().getAttempts()).singleElement()
                .satisfies(a -> assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.SUCCESS));
        assertThat(OutputHeaders.get(out.headers(), OutputHeaders.TASK_ID)).isEqualTo("t-1");
        assertThat(OutputHeaders.get(out.headers(), OutputHeaders.EXCHANGE)).isEqualTo("binance");
        assertThat(OutputHeaders.get(out.headers(), OutputHeaders.OUTCOME)).isEqualTo("SUCCESS");
        assertThat(executor.calls()).singleElement()
                .satisfies(c -> assertThat(c.task().getParams()).containsEntry("limit", "100"));
        assertThat(results.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldPublishResultForAvroTask() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver();
        CollectorTask task = CollectorTask.newBuilder()
                .setTaskId("avro-1").setExchange("okx").setDataType(DataType.TICKER).setSymbol("BTC-USDT")
                .setCreatedAt(Instant.ofEpochMilli(5)).build();

        tasks.pipeInput(null, AvroCodec.tasks().encode(task));
        tick();

        TestRecord<String, TaskResult> out = results.readRecord();
        assertThat(out.key()).isEqualTo("avro-1");
        assertThat(out.value().getEndpoint()).isEqualTo("okx/www");
    }

    @Test
    void shouldDeadLetterMalformedBytesWithReasonAndRawValue() {
        startDriver();
        byte[] garbage = {0x01, 0x02, 0x03};

        tasks.pipeInput(null, garbage);

        TestRecord<String, DeadLetter> out = deadLetters.readRecord();
        assertThat(out.value().getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(out.value().getRawValue().array()).isEqualTo(garbage);
        assertThat(out.value().getSourceTopic()).isEqualTo(CONFIG.topics().tasks());
        assertThat(out.value().getSourceOffset()).isZero();
        assertThat(OutputHeaders.get(out.headers(), OutputHeaders.REASON)).isEqualTo("MALFORMED");
        assertThat(OutputHeaders.get(out.headers(), OutputHeaders.OUTCOME)).isEqualTo("DEAD_LETTER");
        assertThat(executor.calls()).isEmpty();
    }

    @Test
    void shouldDeadLetterJsonMissingRequiredFieldAsInvalid() {
        startDriver();

        sendJson("{\"exchange\":\"binance\",\"dataType\":\"TRADES\"}");

        DeadLetter dead = deadLetters.readValue();
        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(dead.getDetail()).contains("symbol");
        assertThat(dead.getTaskId()).isEqualTo(CONFIG.topics().tasks() + "-0-0");
    }

    @Test
    void shouldDeadLetterTaskForUnknownExchange() {
        startDriver();

        sendJson("{\"taskId\":\"k-1\",\"exchange\":\"kraken\",\"dataType\":\"TRADES\",\"symbol\":\"XBTUSD\"}");

        DeadLetter dead = deadLetters.readValue();
        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(dead.getDetail()).contains("unknown exchange 'kraken'");
        assertThat(dead.getTask().getTaskId()).isEqualTo("k-1");
    }

    @Test
    void shouldDeadLetterNonRetryableFailureWithAttemptHistory() {
        executor.answering((task, endpoint) -> FakeExecutor.status(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"));
        startDriver();

        sendJson("{\"taskId\":\"bad-1\",\"exchange\":\"binance\",\"dataType\":\"TICKER\",\"symbol\":\"NOPE\"}");
        tick();

        DeadLetter dead = deadLetters.readValue();
        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
        assertThat(dead.getTask().getAttempts()).singleElement().satisfies(a -> {
            assertThat(a.getHttpStatus()).isEqualTo(400);
            assertThat(a.getMessage()).contains("-1121");
        });
        assertThat(dead.getSourceTopic()).isEqualTo(CONFIG.topics().tasks());
        assertThat(results.isEmpty()).isTrue();
    }

    @Test
    void shouldTreatOkxNonZeroCodeAsFailureEvenWithStatus200() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{\"code\":\"51001\",\"msg\":\"Instrument ID does not exist\",\"data\":[]}"));
        startDriver();

        sendJson("{\"taskId\":\"o-1\",\"exchange\":\"okx\",\"dataType\":\"TICKER\",\"symbol\":\"NOPE\"}");
        tick();

        assertThat(results.isEmpty()).isTrue();
        assertThat(deadLetters.readValue().getTask().getAttempts().get(0).getMessage()).contains("51001");
    }

    @Test
    void shouldBoundCallsInFlightPerEndpointAndDispatchWaitingTasksAsCallsFinish() {
        executor.holding();
        startDriver();

        for (int i = 0; i < 7; i++) {
            sendJson("{\"taskId\":\"h-" + i + "\",\"exchange\":\"binance\",\"dataType\":\"TRADES\",\"symbol\":\"BTCUSDT\"}");
        }
        tick();

        // two endpoints, two calls each
        assertThat(executor.calls()).hasSize(4);
        assertThat(executor.calls()).extracting(c -> c.endpoint().name()).containsOnly("api", "api1");
        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));
        tick();
        assertThat(executor.calls()).hasSize(5);
        assertThat(results.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("h-0");

        executor.calls().forEach(c -> c.future().complete(FakeExecutor.ok("{}")));
        tick();
        executor.calls().forEach(c -> c.future().complete(FakeExecutor.ok("{}")));
        tick();
        assertThat(results.readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactlyInAnyOrder("h-1", "h-2", "h-3", "h-4", "h-5", "h-6");
    }

    @Test
    void shouldNotEmitAnythingWhileTheCallIsPending() {
        executor.holding();
        startDriver();

        sendJson("{\"taskId\":\"p-1\",\"exchange\":\"okx\",\"dataType\":\"TRADES\",\"symbol\":\"BTC-USDT\"}");
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(results.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(driver.getKeyValueStore("in-flight-ledger").get("p-1")).isNotNull();
        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));
        tick();
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("p-1");
        assertThat(driver.getKeyValueStore("in-flight-ledger").get("p-1")).isNull();
    }
}
