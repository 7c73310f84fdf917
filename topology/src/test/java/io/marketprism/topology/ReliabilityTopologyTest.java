package io.marketprism.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.engine.SavedStateView;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.EndpointId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.AttemptOutcome;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.schemas.codec.OutputFormat;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exec.CallResult;
import io.marketprism.topology.processor.DecidingPartitioner;
import io.marketprism.topology.processor.OutputHeaders;
import io.marketprism.topology.processor.ProcessorSettings;
import io.marketprism.topology.serde.RecordSerde;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every path of the topology on TopologyTestDriver, with a fake executor and driven wall-clock time: results,
 * dead letters for bad input, retries at their due times, breaker trips moving traffic, priority draining, bans and
 * expiry.
 */
class ReliabilityTopologyTest {

    private static final long START = 1_000_000;

    private final FakeExecutor executor = new FakeExecutor();
    private ServiceConfig config;
    private TopologyTestDriver driver;
    /** Its own state directory: the default one is shared by every build on the machine. */
    @TempDir
    Path stateDir;
    @TempDir
    Path definitionsDir;
    private TestInputTopic<byte[], byte[]> tasks;
    private TestOutputTopic<String, TaskResult> results;
    private TestOutputTopic<String, DeadLetter> deadLetters;
    private TestOutputTopic<String, String> events;

    private static ServiceConfig.Builder testConfig() {
        return TestConfigs.twoExchanges();
    }

    private void startDriver(ServiceConfig.Builder builder) {
        config = builder.stateDir(stateDir).build();
        Properties props = MarketPrismService.streamsProperties(config);
        driver = new TopologyTestDriver(ReliabilityTopology.build(config, executor), props, Instant.ofEpochMilli(START));
        tasks = driver.createInputTopic(config.topics().tasks(), new ByteArraySerializer(), new ByteArraySerializer(),
                Instant.ofEpochMilli(START), Duration.ZERO);
        results = driver.createOutputTopic(config.topics().results(), new StringDeserializer(),
                RecordSerde.results(OutputFormat.AVRO).deserializer());
        deadLetters = driver.createOutputTopic(config.topics().deadLetters(), new StringDeserializer(),
                RecordSerde.deadLetters(OutputFormat.AVRO).deserializer());
        events = driver.createOutputTopic(config.topics().events(), new StringDeserializer(), new StringDeserializer());
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

    private void send(String taskId, String exchange, String dataType, String symbol) {
        sendJson("{\"taskId\":\"" + taskId + "\",\"exchange\":\"" + exchange + "\",\"dataType\":\"" + dataType
                + "\",\"symbol\":\"" + symbol + "\"}");
    }

    private void tick() {
        driver.advanceWallClockTime(config.executionTick());
    }

    private void advance(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    @Test
    void shouldPublishResultWithHeadersForJsonTask() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{\"bids\":[],\"asks\":[]}"));
        startDriver(testConfig());

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
        assertThat(driver.getKeyValueStore(ProcessorSettings.LEDGER_STORE).get("t-1")).isNull();
    }

    @Test
    void shouldPublishResultForAvroTask() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver(testConfig());
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
    void shouldCallEachTaskOnItsMarketsHostSetWithTheRequestItsDefinitionBuilds() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{\"code\":\"0\"}"));
        startDriver(testConfig());

        sendJson("{\"taskId\":\"fr-1\",\"exchange\":\"binance\",\"market\":\"perp\",\"dataType\":\"FUNDING_RATE\","
                + "\"symbol\":\"BTCUSDT\"}");
        sendJson("{\"taskId\":\"oi-1\",\"exchange\":\"okx\",\"market\":\"perp\",\"dataType\":\"OPEN_INTEREST\","
                + "\"symbol\":\"BTC-USDT-SWAP\"}");
        sendJson("{\"taskId\":\"spot-fr\",\"exchange\":\"binance\",\"dataType\":\"FUNDING_RATE\","
                + "\"symbol\":\"BTCUSDT\"}");
        tick();

        assertThat(executor.calls()).extracting(c -> c.task().getTaskId() + " " + c.endpoint().id() + " "
                        + config.routes().urlOf(config.routes().resolve(c.task()), c.endpoint()))
                .containsExactlyInAnyOrder(
                        "fr-1 binance-usdm/fapi https://fapi.binance.com/fapi/v1/premiumIndex?symbol=BTCUSDT",
                        "oi-1 okx/www http://127.0.0.1:1/okx/www/api/v5/public/open-interest"
                                + "?instId=BTC-USDT-SWAP&instType=SWAP");
        assertThat(results.readKeyValuesToMap()).hasEntrySatisfying("fr-1", result -> {
            assertThat(result.getEndpoint()).isEqualTo("binance-usdm/fapi");
            assertThat(result.getMarket()).isEqualTo("perp");
        }).containsKey("oi-1");
        DeadLetter spot = deadLetters.readValue();
        assertThat(spot.getTaskId()).isEqualTo("spot-fr");
        assertThat(spot.getReason()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(spot.getDetail()).contains("binance spot has no FUNDING_RATE");
    }

    @Test
    void shouldServeAnExchangeAddedByADefinitionFileAlone() throws IOException {
        Path kraken = definitionsDir.resolve("kraken.json");
        Files.writeString(kraken, """
                {"exchange": "kraken",
                 "hostSets": {"kraken": {"endpoints": {"api": "https://api.kraken.com"}, "health": "/0/public/Time"}},
                 "limitGroups": {"public": {"hostSet": "kraken",
                   "rules": [{"measure": "requests", "limit": 1, "window": "1s", "clock": "rolling"}]}},
                 "markets": {"spot": {"hostSet": "kraken", "symbolParam": "pair", "limitGroup": "public",
                   "requests": {"TICKER": {"path": "/0/public/Ticker"}}}},
                 "errors": {"codeField": "/error/0"}}
                """);
        executor.answering((task, endpoint) -> FakeExecutor.ok("{\"error\":[],\"result\":{}}"));
        startDriver(testConfig().definitionFiles(List.of(kraken)).exchanges(List.of("binance", "okx", "kraken"))
                .reliability("exchange.kraken.limiter.critical.reserve", "0"));

        send("k-1", "kraken", "TICKER", "XBTUSD");
        send("k-2", "kraken", "TICKER", "ETHUSD");
        tick();

        assertThat(executor.calls()).singleElement().satisfies(call -> {
            assertThat(call.endpoint().id()).isEqualTo("kraken/api");
            assertThat(config.routes().urlOf(config.routes().resolve(call.task()), call.endpoint()))
                    .hasToString("https://api.kraken.com/0/public/Ticker?pair=XBTUSD");
        });
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("k-1");
        advance(Duration.ofMillis(1_100));
        assertThat(executor.tasksCalled()).as("its own budget: one request a second").containsExactly("k-1", "k-2");
    }

    @Test
    void shouldDeadLetterMalformedBytesWithReasonAndRawValue() {
        startDriver(testConfig());
        byte[] garbage = {0x01, 0x02, 0x03};

        tasks.pipeInput(null, garbage);

        TestRecord<String, DeadLetter> out = deadLetters.readRecord();
        assertThat(out.value().getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(out.value().getRawValue().array()).isEqualTo(garbage);
        assertThat(out.value().getSourceTopic()).isEqualTo(config.topics().tasks());
        assertThat(out.value().getSourceOffset()).isZero();
        assertThat(OutputHeaders.get(out.headers(), OutputHeaders.REASON)).isEqualTo("MALFORMED");
        assertThat(OutputHeaders.get(out.headers(), OutputHeaders.OUTCOME)).isEqualTo("DEAD_LETTER");
        assertThat(executor.calls()).isEmpty();
    }

    @Test
    void shouldDeadLetterJsonMissingRequiredFieldAsInvalid() {
        startDriver(testConfig());

        sendJson("{\"exchange\":\"binance\",\"dataType\":\"TRADES\"}");

        DeadLetter dead = deadLetters.readValue();
        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(dead.getDetail()).contains("symbol");
        assertThat(dead.getTaskId()).isEqualTo(config.topics().tasks() + "-0-0");
    }

    @Test
    void shouldDeadLetterTaskForUnknownExchange() {
        startDriver(testConfig());

        send("k-1", "kraken", "TRADES", "XBTUSD");

        DeadLetter dead = deadLetters.readValue();
        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(dead.getDetail()).contains("unknown exchange 'kraken'");
        assertThat(dead.getTask().getTaskId()).isEqualTo("k-1");
    }

    @Test
    void shouldDeadLetterNonRetryableFailureWithAttemptHistory() {
        executor.answering((task, endpoint) -> FakeExecutor.status(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"));
        startDriver(testConfig());

        send("bad-1", "binance", "TICKER", "NOPE");
        tick();

        DeadLetter dead = deadLetters.readValue();
        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
        assertThat(dead.getTask().getAttempts()).singleElement().satisfies(a -> {
            assertThat(a.getHttpStatus()).isEqualTo(400);
            assertThat(a.getMessage()).contains("-1121");
            assertThat(a.getErrorClass()).isEqualTo(io.marketprism.schemas.ErrorClass.NON_RETRYABLE);
        });
        assertThat(dead.getSourceTopic()).isEqualTo(config.topics().tasks());
        assertThat(results.isEmpty()).isTrue();
    }

    @Test
    void shouldTreatOkxNonZeroCodeAsFailureEvenWithStatus200() {
        executor.answering((task, endpoint) ->
                FakeExecutor.ok("{\"code\":\"51001\",\"msg\":\"Instrument ID does not exist\",\"data\":[]}"));
        startDriver(testConfig());

        send("o-1", "okx", "TICKER", "NOPE");
        tick();

        assertThat(results.isEmpty()).isTrue();
        DeadLetter dead = deadLetters.readValue();
        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
        assertThat(dead.getTask().getAttempts().get(0).getMessage()).contains("51001");
    }

    @Test
    void shouldBoundCallsInFlightPerEndpointAndStartWaitingCallsAsOthersFinish() {
        executor.holding();
        startDriver(testConfig());

        for (int i = 0; i < 7; i++) {
            send("h-" + i, "binance", "TICKER", "BTCUSDT");
        }
        tick();

        assertThat(executor.calls()).hasSize(4);
        assertThat(executor.endpointsCalled()).containsOnly("api", "api1");
        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));
        tick();
        assertThat(executor.calls()).hasSize(5);
        assertThat(results.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("h-0");

        for (int round = 0; round < 3; round++) {
            executor.calls().forEach(c -> c.future().complete(FakeExecutor.ok("{}")));
            tick();
        }
        assertThat(results.readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactlyInAnyOrder("h-1", "h-2", "h-3", "h-4", "h-5", "h-6");
    }

    @Test
    void shouldEmitNothingWhileTheCallIsPendingAndKeepTheTaskInTheLedger() {
        executor.holding();
        startDriver(testConfig());

        send("p-1", "okx", "TRADES", "BTC-USDT");
        advance(Duration.ofSeconds(1));

        assertThat(results.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(driver.getKeyValueStore(ProcessorSettings.LEDGER_STORE).get("p-1")).isNotNull();
        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));
        tick();
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("p-1");
        assertThat(driver.getKeyValueStore(ProcessorSettings.LEDGER_STORE).get("p-1")).isNull();
    }

    @Test
    void shouldStoreInTheLedgerTheTaskBytesTheRepartitionTopicCarried() {
        executor.holding();
        startDriver(testConfig());
        TestOutputTopic<String, byte[]> repartition = driver.createOutputTopic(repartitionTopic(),
                new StringDeserializer(), new ByteArrayDeserializer());

        send("p-1", "okx", "TRADES", "BTC-USDT");

        byte[] carried = repartition.readValue();
        byte[] ledgerEntry = (byte[]) driver.getKeyValueStore(ProcessorSettings.LEDGER_STORE).get("p-1");
        byte[] endpoint = "okx/www".getBytes(StandardCharsets.UTF_8);
        assertThat(ledgerEntry).hasSize(2 + endpoint.length + carried.length);
        assertThat(Arrays.copyOfRange(ledgerEntry, 2 + endpoint.length, ledgerEntry.length)).isEqualTo(carried);
        CollectorTask stored = AvroCodec.tasks().decode(carried);
        assertThat(stored.getTaskId()).isEqualTo("p-1");
        assertThat(stored.getOrigin().getTopic()).isEqualTo(config.topics().tasks());
        assertThat(executor.tasksCalled()).containsExactly("p-1");
    }

    @Test
    void shouldDecideATaskReadOnItsHostSetsPartitionInPlaceAndSendAnyOtherThroughTheRepartitionTopic() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver(testConfig());
        TestOutputTopic<String, byte[]> repartition = driver.createOutputTopic(repartitionTopic(),
                new StringDeserializer(), new ByteArrayDeserializer());
        // TopologyTestDriver reads every topic as partition 0: binance-spot is decided there, okx elsewhere
        DecidingPartitioner partitioner = DecidingPartitioner.of(config.topicPartitions(), config.routes());
        assertThat(partitioner.partitionOf("binance-spot")).isZero();
        assertThat(partitioner.partitionOf("okx")).isNotZero();

        send("here-1", "binance", "TRADES", "BTCUSDT");
        send("elsewhere-1", "okx", "TRADES", "BTC-USDT");
        tick();

        assertThat(repartition.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("okx");
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("here-1", "elsewhere-1");
        assertThat(executor.tasksCalled()).containsExactlyInAnyOrder("here-1", "elsewhere-1");
    }

    @Test
    void shouldDeadLetterAnUndecodableRepartitionRecordAndKeepProcessing() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver(testConfig());
        TestInputTopic<String, byte[]> repartition = driver.createInputTopic(repartitionTopic(),
                new StringSerializer(), new ByteArraySerializer());
        byte[] garbage = {(byte) 0xC3, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x05};
        Headers headers = OutputHeaders.of("bad-1", "okx", null, null);

        repartition.pipeInput(new TestRecord<>("okx", garbage, headers));
        send("good-1", "okx", "TRADES", "BTC-USDT");
        tick();

        TestRecord<String, DeadLetter> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("bad-1");
        assertThat(dead.value().getReason()).isEqualTo(DeadLetterReason.PROCESSING_ERROR);
        assertThat(dead.value().getRawValue().array()).isEqualTo(garbage);
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("good-1");
    }

    @Test
    void shouldEndTheLedgerChangelogOfAFinishedTaskWithATombstone() {
        executor.holding();
        startDriver(testConfig());
        TestOutputTopic<String, byte[]> changelog = driver.createOutputTopic(
                config.applicationId() + "-" + ProcessorSettings.LEDGER_STORE + "-changelog",
                new StringDeserializer(), new ByteArrayDeserializer());
        send("c-1", "okx", "TRADES", "BTC-USDT");
        tick();

        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));
        tick();

        List<TestRecord<String, byte[]>> logged = changelog.readRecordsToList();
        assertThat(logged).extracting(TestRecord::key).containsOnly("c-1");
        assertThat(logged.get(0).value()).isNotNull();
        assertThat(logged.get(logged.size() - 1).value()).isNull();
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("c-1");
    }

    /**
     * The registry's store bypasses the record cache: finished ids stay in it for the dedupe window, and cached they
     * would fill the cache and make room by evicting, and so flushing, the ledger's entries of calls in flight. Each
     * registry write reaches the changelog as it is made, even two writes of one key in one invocation.
     */
    @Test
    void shouldLogEveryTaskIdWriteAsItIsMadeBypassingTheRecordCache() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver(testConfig());
        TestOutputTopic<byte[], byte[]> changelog = driver.createOutputTopic(
                config.applicationId() + "-" + ProcessorSettings.TASK_ID_STORE + "-changelog",
                new ByteArrayDeserializer(), new ByteArrayDeserializer());

        // Taken up and dead-lettered EXPIRED in the same invocation: its id is written alive, then finished.
        sendJson("{\"taskId\":\"e-1\",\"exchange\":\"binance\",\"dataType\":\"TICKER\",\"symbol\":\"BTCUSDT\","
                + "\"createdAt\":900000,\"deadline\":999000}");

        assertThat(deadLetters.readValue().getReason()).isEqualTo(DeadLetterReason.EXPIRED);
        Map<String, Long> writesPerKey = changelog.readRecordsToList().stream().collect(Collectors.groupingBy(
                r -> Arrays.toString(r.key()), Collectors.counting()));
        assertThat(writesPerKey).containsValue(2L);
    }

    private String repartitionTopic() {
        return config.applicationId() + "-by-domain-repartition";
    }

    private static final String OKX_LIMITER = StateKey.limiter(new DomainId("okx.trades.direct")).asString();
    private static final String OKX_BALANCER = StateKey.balancer("okx").asString();

    @Test
    void shouldLeaveTheEngineStoreCurrentAfterEveryRecordAndTick() {
        executor.holding();
        startDriver(testConfig());
        KeyValueStore<String, byte[]> engineState = driver.getKeyValueStore(ProcessorSettings.ENGINE_STORE);

        send("s-1", "okx", "TRADES", "BTC-USDT");
        send("s-2", "okx", "TRADES", "ETH-USDT");

        assertThat(SavedStateView.domain(engineState.get(OKX_LIMITER)).orElseThrow().limiter().windowUsage())
                .containsValue(2L);
        assertThat(SavedStateView.balancer(engineState.get(OKX_BALANCER)).orElseThrow().endpointStatuses())
                .singleElement().satisfies(e -> assertThat(e.inFlight()).isEqualTo(2));

        executor.calls().forEach(call -> call.future().complete(FakeExecutor.status(503, "{}")));
        tick();

        assertThat(SavedStateView.breaker(engineState.get(StateKey.breaker(new EndpointId("okx", "www")).asString()))
                .orElseThrow().window()).hasSize(2);
        assertThat(SavedStateView.balancer(engineState.get(OKX_BALANCER)).orElseThrow().endpointStatuses())
                .singleElement().satisfies(e -> assertThat(e.inFlight()).isZero());
    }

    @Test
    void shouldRetryAtTheDueTimeAndRecordEveryAttempt() {
        executor.answering((task, endpoint) -> task.getAttempt() == 0
                ? FakeExecutor.status(503, "{\"code\":-1001,\"msg\":\"Internal error\"}")
                : FakeExecutor.ok("{\"ok\":true}"));
        startDriver(testConfig());

        send("r-1", "binance", "TICKER", "BTCUSDT");
        tick();
        assertThat(executor.calls()).hasSize(1);
        assertThat(results.isEmpty()).isTrue();

        advance(Duration.ofMillis(500));
        assertThat(executor.calls()).as("not before the due time").hasSize(1);
        advance(Duration.ofMillis(600));
        tick();

        assertThat(executor.calls()).hasSize(2);
        TaskResult result = results.readValue();
        assertThat(result.getAttempts()).hasSize(2);
        Attempt first = result.getAttempts().get(0);
        assertThat(first.getOutcome()).isEqualTo(AttemptOutcome.FAILURE);
        assertThat(first.getHttpStatus()).isEqualTo(503);
        assertThat(first.getErrorClass()).isEqualTo(io.marketprism.schemas.ErrorClass.SERVER);
        assertThat(first.getDelayBeforeNextMs()).isEqualTo(1000L);
        assertThat(result.getAttempts().get(1).getOutcome()).isEqualTo(AttemptOutcome.SUCCESS);
    }

    @Test
    void shouldDeadLetterWithTheWholeHistoryWhenAttemptsAreExhausted() {
        executor.answering((task, endpoint) -> FakeExecutor.status(500, "{}"));
        startDriver(testConfig().reliability("retry.max.attempts", "3"));

        send("x-1", "binance", "TICKER", "BTCUSDT");
        for (int i = 0; i < 6; i++) {
            tick();
            advance(Duration.ofMillis(1100));
        }

        assertThat(executor.calls()).hasSize(3);
        DeadLetter dead = deadLetters.readValue();
        assertThat(dead.getReason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(dead.getTask().getAttempts()).extracting(Attempt::getNumber).containsExactly(1, 2, 3);
        assertThat(dead.getTask().getAttempts()).extracting(Attempt::getHttpStatus).containsOnly(500);
        assertThat(dead.getSourceTopic()).isEqualTo(config.topics().tasks());
        assertThat(results.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAnExpiredTaskBeforeAnyCall() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver(testConfig());

        sendJson("{\"taskId\":\"e-1\",\"exchange\":\"binance\",\"dataType\":\"TICKER\",\"symbol\":\"BTCUSDT\","
                + "\"createdAt\":900000,\"deadline\":999000}");
        tick();

        assertThat(deadLetters.readValue().getReason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(executor.calls()).isEmpty();
    }

    @Test
    void shouldMoveTrafficToOtherEndpointsWhenOneBreakerOpens() {
        executor.answering((task, endpoint) -> endpoint.name().equals("api")
                ? FakeExecutor.status(500, "{}") : FakeExecutor.ok("{}"));
        startDriver(testConfig()
                .reliability("breaker.consecutive.failures", "3")
                .reliability("balancer.eject.consecutive.failures", "100"));

        for (int i = 0; i < 12; i++) {
            send("b-" + i, "binance", "TICKER", "BTCUSDT");
            tick();
        }
        for (int i = 0; i < 3; i++) {
            advance(Duration.ofMillis(1100));
            tick();
        }

        List<String> called = executor.endpointsCalled();
        assertThat(called.stream().filter("api"::equals).count()).as("calls to the failing endpoint").isEqualTo(3);
        int lastCallToApi = called.lastIndexOf("api");
        assertThat(called.subList(lastCallToApi + 1, called.size())).isNotEmpty().containsOnly("api1");
        assertThat(results.readKeyValuesToMap()).hasSize(12);
        assertThat(events.readValuesToList()).anySatisfy(event -> assertThat(event)
                .contains("\"kind\":\"BREAKER_TRANSITION\"").contains("\"subject\":\"api\"").contains("OPEN"));
    }

    @Test
    void shouldCallAnEjectedEndpointAgainOnlyAfterAProbeToItSucceeds() {
        AtomicBoolean apiDown = new AtomicBoolean(true);
        executor.answering((task, endpoint) -> endpoint.name().equals("api") && apiDown.get()
                        ? FakeExecutor.status(500, "{}") : FakeExecutor.ok("{}"))
                .probing(endpoint -> apiDown.get() ? FakeExecutor.status(503, "{}") : FakeExecutor.ok("{}"));
        startDriver(testConfig()
                .reliability("breaker.consecutive.failures", "100")
                .reliability("balancer.eject.consecutive.failures", "2")
                .reliability("balancer.eject.base.ms", "2000"));

        // Given api ejected for 2 s by two failures in a row, still down at its first two probes (each ejects it
        // again for as long)
        sendOneTaskEvery100Millis("down", 50);
        // When it is up again by its third probe
        apiDown.set(false);
        sendOneTaskEvery100Millis("up", 50);

        // Then it got no task call from its ejection until the successful probe, and calls again after it
        List<String> history = executor.history();
        int ejectingFailure = indexOfNth(history, "call:api", 2);
        int restoringProbe = history.lastIndexOf("probe:api");
        assertThat(executor.probedEndpoints()).containsExactly("api", "api", "api");
        assertThat(history.subList(ejectingFailure + 1, restoringProbe))
                .doesNotContain("call:api").contains("probe:api", "call:api1");
        assertThat(history.subList(restoringProbe + 1, history.size())).contains("call:api", "call:api1");
        assertThat(results.readKeyValuesToMap()).hasSize(100);
        assertThat(events.readValuesToList())
                .anySatisfy(e -> assertThat(e).contains("ENDPOINT_EJECTED").contains("PROBE_FAILED"))
                .anySatisfy(e -> assertThat(e).contains("ENDPOINT_RESTORED").contains("\"subject\":\"api\""));
    }

    private void sendOneTaskEvery100Millis(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            send(prefix + "-" + i, "binance", "TICKER", "BTCUSDT");
            advance(Duration.ofMillis(100));
        }
    }

    private static int indexOfNth(List<String> list, String element, int n) {
        int seen = 0;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).equals(element) && ++seen == n) {
                return i;
            }
        }
        throw new AssertionError(element + " occurs fewer than " + n + " times in " + list);
    }

    /**
     * Binance spot admits one task per second (a definition file gives its limit group a single rule of weight 1 per
     * second, no reserve), so further tasks queue. The rolling window counts in slots of 1/60 s and may count one
     * slot too many, so the next task passes a little more than a second after the previous one.
     */
    private ServiceConfig.Builder oneTaskPerSecondOnBinance() throws IOException {
        Path definition = definitionsDir.resolve("binance-one-per-second.json");
        Files.writeString(definition, """
                {"exchange": "binance", "limitGroups": {"spot": {"usedWeightHeader": null,
                  "rules": [{"measure": "weight", "limit": 1, "window": "1s", "clock": "rolling"}]}}}
                """);
        return testConfig()
                .definitionFiles(List.of(definition))
                .reliability("exchange.binance-spot.limiter.critical.reserve", "0");
    }

    @Test
    void shouldDrainTheQueueByPriorityThenArrival() throws IOException {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver(oneTaskPerSecondOnBinance());

        String[] priorities = {"NORMAL", "LOW", "NORMAL", "HIGH", "LOW", "CRITICAL"};
        for (int i = 0; i < priorities.length; i++) {
            sendJson("{\"taskId\":\"q-" + i + "-" + priorities[i] + "\",\"exchange\":\"binance\","
                    + "\"dataType\":\"TICKER\",\"symbol\":\"BTCUSDT\",\"weight\":1,\"priority\":\""
                    + priorities[i] + "\"}");
        }
        for (int i = 0; i < priorities.length; i++) {
            tick();
            advance(Duration.ofMillis(1_100));
        }

        assertThat(executor.tasksCalled()).containsExactly(
                "q-0-NORMAL", "q-5-CRITICAL", "q-3-HIGH", "q-2-NORMAL", "q-1-LOW", "q-4-LOW");
    }

    @Test
    void shouldShedTheNewestLowTasksOneAfterTheOtherWhenCriticalOnesArriveAtAFullQueue() throws IOException {
        // Given a queue of two that holds two LOW tasks behind a spent budget
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver(oneTaskPerSecondOnBinance().reliability("exchange.binance-spot.limiter.queue.capacity", "2"));
        sendJson(oneWeightTask("first"));
        for (String id : List.of("low-a", "low-b")) {
            sendJson(oneWeightTask(id).replace("}", ",\"priority\":\"LOW\"}"));
        }

        // When two CRITICAL tasks arrive one after the other, each displacing the newest LOW one
        sendJson(oneWeightTask("critical-c").replace("}", ",\"priority\":\"CRITICAL\"}"));
        sendJson(oneWeightTask("critical-d").replace("}", ",\"priority\":\"CRITICAL\"}"));

        // Then both LOW ones are shed, none fails
        assertThat(deadLetters.readValuesToList()).extracting(d -> d.getTaskId() + " " + d.getReason())
                .containsExactly("low-b SHED", "low-a SHED");
    }

    @Test
    void shouldRetryOnTheOtherEndpointAfterAConnectionErrorEvenWhenTheRetryWaitedInTheQueue() throws IOException {
        executor.answering((task, endpoint) -> task.getTaskId().equals("net-1") && task.getAttempt() == 0
                ? CallResult.failure(0, 3, new ConnectException("Connection refused"))
                : FakeExecutor.ok("{}"));
        startDriver(oneTaskPerSecondOnBinance());

        // Given net-1 failed to connect on its first endpoint, and a newer task waits for the empty bucket
        sendJson(oneWeightTask("net-1"));
        tick();
        sendJson(oneWeightTask("filler"));
        // When the retry of net-1 comes due behind it, queues, and is drained a second after the filler
        advance(Duration.ofMillis(1_100));
        assertThat(executor.tasksCalled()).as("calls before the retry left the queue")
                .containsExactly("net-1", "filler");
        advance(Duration.ofMillis(1_100));
        tick();

        // Then the retry went to the other endpoint, where round robin alone would have sent it back to the first
        List<String> endpoints = executor.endpointsCalled();
        assertThat(executor.tasksCalled()).containsExactly("net-1", "filler", "net-1");
        assertThat(endpoints.get(2)).isNotEqualTo(endpoints.get(0)).isEqualTo(endpoints.get(1));
        TaskResult retried = results.readKeyValuesToMap().get("net-1");
        assertThat(retried.getAttempts()).extracting(Attempt::getErrorClass)
                .containsExactly(io.marketprism.schemas.ErrorClass.NETWORK, null);
        assertThat(retried.getAttempts()).extracting(Attempt::getEndpoint)
                .containsExactly("binance-spot/" + endpoints.get(0), "binance-spot/" + endpoints.get(2));
    }

    private static String oneWeightTask(String taskId) {
        return "{\"taskId\":\"" + taskId + "\",\"exchange\":\"binance\",\"dataType\":\"TICKER\","
                + "\"symbol\":\"BTCUSDT\",\"weight\":1}";
    }

    @Test
    void shouldBanOnlyTheRouteThatGotThe418AndKeepCallingOnTheOther() {
        // Given two egress routes, and a symbol of each
        ServiceConfig twoRoutes = testConfig().routes(List.of("direct", "proxy-a")).build();
        String onDirect = symbolOnRoute(twoRoutes, "direct");
        String onProxy = symbolOnRoute(twoRoutes, "proxy-a");
        executor.answering((task, endpoint) -> task.getTaskId().equals("ban-0") && task.getAttempt() == 0
                ? FakeExecutor.retryAfter(418, 60_000) : FakeExecutor.ok("{}"));
        startDriver(testConfig().routes(List.of("direct", "proxy-a")));

        // When the direct route is banned by a 418
        send("ban-0", "binance", "TICKER", onDirect);
        tick();
        for (int i = 1; i <= 3; i++) {
            send("direct-" + i, "binance", "TICKER", onDirect);
            send("proxy-" + i, "binance", "TICKER", onProxy);
            advance(Duration.ofSeconds(1));
        }

        // Then calls go on for the other route's tasks only
        assertThat(events.readValuesToList()).anySatisfy(e -> assertThat(e).contains("BAN_STARTED")
                .contains("binance.spot.direct"));
        assertThat(executor.tasksCalled()).containsExactly("ban-0", "proxy-1", "proxy-2", "proxy-3");
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("proxy-1", "proxy-2", "proxy-3");
    }

    private static String symbolOnRoute(ServiceConfig config, String route) {
        for (int i = 0; ; i++) {
            String symbol = "S" + i + "USDT";
            CollectorTask task = CollectorTask.newBuilder().setTaskId("probe").setExchange("binance")
                    .setDataType(DataType.TICKER).setSymbol(symbol).setCreatedAt(Instant.EPOCH).build();
            if (config.routes().routeOf(task).name().equals(route)) {
                return symbol;
            }
        }
    }

    @Test
    void shouldMakeNoCallToABannedDomainUntilTheBanEnds() {
        executor.answering((task, endpoint) -> task.getTaskId().equals("ban-0") && task.getAttempt() == 0
                ? FakeExecutor.retryAfter(418, 5_000) : FakeExecutor.ok("{}"));
        startDriver(testConfig());

        send("ban-0", "binance", "TICKER", "BTCUSDT");
        tick();
        for (int i = 1; i <= 3; i++) {
            send("ban-" + i, "binance", "TICKER", "BTCUSDT");
            advance(Duration.ofSeconds(1));
        }
        assertThat(executor.calls()).as("calls during the ban").hasSize(1);
        assertThat(events.readValuesToList()).anySatisfy(e -> assertThat(e).contains("BAN_STARTED"));

        advance(Duration.ofMillis(2_100));
        tick();
        tick();

        assertThat(executor.tasksCalled()).hasSize(5).contains("ban-1", "ban-2", "ban-3");
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("ban-0", "ban-1", "ban-2", "ban-3");
    }

    @Test
    void shouldTakeBybitsBlockingAnswerForTheTenMinuteBanItsDefinitionSays() {
        // Bybit answers a broken IP limit with 403 "access too frequent" and no Retry-After: the IP waits 10 minutes
        executor.answering((task, endpoint) -> task.getTaskId().equals("blocked-0") && task.getAttempt() == 0
                ? FakeExecutor.status(403, "") : FakeExecutor.ok("{\"retCode\":0,\"result\":{}}"));
        startDriver(ServiceConfig.builder().exchanges(List.of("bybit"))
                .exchange("bybit", "api=http://127.0.0.1:1/bybit/api"));

        send("blocked-0", "bybit", "TICKER", "BTCUSDT");
        tick();
        send("blocked-1", "bybit", "TRADES", "BTCUSDT");
        advance(Duration.ofMinutes(9));
        tick();

        assertThat(executor.tasksCalled()).as("calls within the ten minutes").containsExactly("blocked-0");
        assertThat(events.readValuesToList()).anySatisfy(e -> assertThat(e).contains("BAN_STARTED"));

        advance(Duration.ofMinutes(1).plusSeconds(5));
        tick();
        tick();

        assertThat(executor.tasksCalled()).contains("blocked-1");
    }
}
