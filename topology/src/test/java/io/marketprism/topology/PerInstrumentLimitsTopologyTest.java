package io.marketprism.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.Priority;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.processor.Outcome;
import io.marketprism.topology.processor.ProcessorSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
 * OKX's funding rate is limited per IP and instrument (10 requests per 2 s): on TopologyTestDriver, each instrument
 * gets the whole limit, and an instrument's limit domain leaves the engine store, with a tombstone in its changelog,
 * once it is idle; on the processor alone, tasks a release that budgeted the group as a whole left in the group's
 * queue go on in their instruments' domains.
 */
class PerInstrumentLimitsTopologyTest {

    private static final long START = 1_000_000;
    /** OKX funding-rate: 10 requests per 2 s per IP and instrument (okx.json). */
    private static final int LIMIT_PER_INSTRUMENT = 10;
    private static final List<String> INSTRUMENTS = List.of("BTC-USDT-SWAP", "ETH-USDT-SWAP");

    private final FakeExecutor executor = new FakeExecutor().answering((task, endpoint) -> FakeExecutor.ok(
            "{\"code\":\"0\",\"data\":[]}"));
    @TempDir
    Path stateDir;
    @TempDir
    Path definitionsDir;
    private ServiceConfig config;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> tasks;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void startDriver() {
        config = TestConfigs.twoExchanges().maxInFlightPerEndpoint(100).stateDir(stateDir).build();
        driver = new TopologyTestDriver(ReliabilityTopology.build(config, executor),
                MarketPrismService.streamsProperties(config), Instant.ofEpochMilli(START));
        tasks = driver.createInputTopic(config.topics().tasks(), new ByteArraySerializer(), new ByteArraySerializer(),
                Instant.ofEpochMilli(START), Duration.ZERO);
    }

    /** A CRITICAL task, which may use the whole limit (other priorities leave the CRITICAL reserve). */
    private void sendFundingRate(String taskId, String instrument) {
        tasks.pipeInput(null, ("{\"taskId\":\"" + taskId + "\",\"exchange\":\"okx\",\"market\":\"perp\","
                + "\"dataType\":\"FUNDING_RATE\",\"symbol\":\"" + instrument + "\",\"priority\":\"CRITICAL\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String limiterKey(String instrument) {
        return StateKey.limiter(DomainId.ofInstrument("okx", "funding-rate", "direct", instrument)).asString();
    }

    @Test
    void shouldGiveEachInstrumentTheWholeLimitOfItsGroup() {
        startDriver();

        for (int i = 0; i < LIMIT_PER_INSTRUMENT + 5; i++) {
            for (String instrument : INSTRUMENTS) {
                sendFundingRate(instrument + "-" + i, instrument);
            }
        }
        for (int tick = 0; tick < 10; tick++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
        }

        Map<String, Long> callsByInstrument = executor.calls().stream()
                .collect(Collectors.groupingBy(c -> c.task().getSymbol(), Collectors.counting()));
        assertThat(callsByInstrument).as("calls within the first second").containsExactlyInAnyOrderEntriesOf(Map.of(
                INSTRUMENTS.get(0), (long) LIMIT_PER_INSTRUMENT, INSTRUMENTS.get(1), (long) LIMIT_PER_INSTRUMENT));
    }

    @Test
    void shouldMoveTasksTheGroupsQueueHoldsFromAReleaseThatBudgetedTheGroupAsAWholeToTheirInstruments()
            throws IOException {
        // Given a release that budgets OKX's funding rate per IP alone, and 5 tasks of B queued behind 10 of A
        Path perGroup = definitionsDir.resolve("okx-per-group.json");
        Files.writeString(perGroup, """
                {"exchange": "okx", "limitGroups": {"funding-rate": {"hostSet": "okx", "rules": [
                  {"measure": "requests", "limit": 10, "window": "2s", "clock": "rolling", "scope": "ip"}]}}}
                """);
        ServiceConfig.Builder current = TestConfigs.twoExchanges().maxInFlightPerEndpoint(100);
        ProcessorHarness harness = new ProcessorHarness(current.definitionFiles(List.of(perGroup)).build(), executor);
        for (int i = 0; i < LIMIT_PER_INSTRUMENT; i++) {
            harness.send(fundingRate("a-" + i, INSTRUMENTS.get(0)));
        }
        for (int i = 0; i < 5; i++) {
            harness.send(fundingRate("b-" + i, INSTRUMENTS.get(1)));
        }
        harness.tick(10);
        assertThat(executor.tasksCalled()).hasSize(LIMIT_PER_INSTRUMENT);

        // When this release takes over the same stores within the window
        harness.restart(TestConfigs.twoExchanges().maxInFlightPerEndpoint(100).build());
        harness.tick(100);
        harness.tick(100);

        // Then B's tasks are called in B's own domain at once, and nothing waits or is dead-lettered
        assertThat(executor.tasksCalled()).hasSize(LIMIT_PER_INSTRUMENT + 5);
        assertThat(harness.bytesStore(ProcessorSettings.QUEUE_STORE).approximateNumEntries()).isZero();
        assertThat(harness.outcomes(Outcome.DeadLettered.class)).isEmpty();
    }

    @Test
    void shouldRestoreAnInstrumentsSpentBudgetAndItsWaitingTasksAfterACrash() {
        // Given an instrument whose limit is spent, with 5 tasks waiting in its queue
        ServiceConfig restarted = TestConfigs.twoExchanges().maxInFlightPerEndpoint(100).build();
        ProcessorHarness harness = new ProcessorHarness(restarted, executor);
        for (int i = 0; i < LIMIT_PER_INSTRUMENT + 5; i++) {
            harness.send(fundingRate("a-" + i, INSTRUMENTS.get(0)));
        }
        harness.tick(10);
        assertThat(executor.tasksCalled()).hasSize(LIMIT_PER_INSTRUMENT);

        // When a new processor takes over its stores
        harness.restart(restarted);
        harness.tick(100);
        int withinTheWindow = executor.tasksCalled().size();
        harness.tick(2_100);

        // Then the restored window holds the waiting tasks back until it frees, and then they are called
        assertThat(withinTheWindow).isEqualTo(LIMIT_PER_INSTRUMENT);
        assertThat(executor.tasksCalled()).hasSize(LIMIT_PER_INSTRUMENT + 5);
    }

    private static CollectorTask fundingRate(String id, String instrument) {
        return CollectorTask.newBuilder().setTaskId(id).setExchange("okx").setMarket("perp")
                .setDataType(DataType.FUNDING_RATE).setSymbol(instrument).setPriority(Priority.CRITICAL)
                .setCreatedAt(Instant.ofEpochMilli(ProcessorHarness.START)).build();
    }

    @Test
    void shouldTombstoneAnInstrumentsLimitDomainOnceItIsIdle() {
        startDriver();
        TestOutputTopic<String, byte[]> changelog = driver.createOutputTopic(
                config.applicationId() + "-" + ProcessorSettings.ENGINE_STORE + "-changelog",
                new StringDeserializer(), new ByteArrayDeserializer());
        sendFundingRate("fr-1", INSTRUMENTS.get(0));
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(driver.getKeyValueStore(ProcessorSettings.ENGINE_STORE).get(limiterKey(INSTRUMENTS.get(0))))
                .as("saved while the call counts").isNotNull();

        // Past the limiter's window (2 s) and the retry budget's (10 s), tick by tick.
        for (int tick = 0; tick < 60; tick++) {
            driver.advanceWallClockTime(Duration.ofMillis(250));
        }

        assertThat(driver.getKeyValueStore(ProcessorSettings.ENGINE_STORE).get(limiterKey(INSTRUMENTS.get(0))))
                .isNull();
        List<TestRecord<String, byte[]>> logged = changelog.readRecordsToList().stream()
                .filter(r -> r.key().equals(limiterKey(INSTRUMENTS.get(0)))).toList();
        assertThat(logged).isNotEmpty();
        assertThat(logged.get(logged.size() - 1).value()).as("the last record is a tombstone").isNull();
    }
}
