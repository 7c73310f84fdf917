package io.marketprism.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.EndpointId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.OutputFormat;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.processor.DecidingPartitioner;
import io.marketprism.topology.processor.ProcessorSettings;
import io.marketprism.topology.serde.RecordSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes decided apart: each egress route of a host set has its deciding partition, and state saved while every
 * route of a host set was decided on one partition is dropped where it no longer belongs. TopologyTestDriver runs
 * every partition's work as partition 0, so these tests look at the keys records leave with and at partition 0's
 * stores.
 */
class RoutePartitioningTopologyTest {

    private static final long START = 1_700_000_000_000L;
    private static final List<String> ROUTES = List.of("direct", "proxy-a");

    private final FakeExecutor executor = new FakeExecutor();
    @TempDir
    Path stateDir;
    private ServiceConfig config;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> tasks;
    private TestOutputTopic<String, TaskResult> results;

    private void startDriver() {
        config = TestConfigs.twoExchanges().routes(ROUTES).stateDir(stateDir).build();
        Properties props = MarketPrismService.streamsProperties(config);
        driver = new TopologyTestDriver(ReliabilityTopology.build(config, executor), props, Instant.ofEpochMilli(START));
        tasks = driver.createInputTopic(config.topics().tasks(), new ByteArraySerializer(), new ByteArraySerializer(),
                Instant.ofEpochMilli(START), Duration.ZERO);
        results = driver.createOutputTopic(config.topics().results(), new StringDeserializer(),
                RecordSerde.results(OutputFormat.AVRO).deserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void send(String taskId, String symbol) {
        tasks.pipeInput(null, ("{\"taskId\":\"" + taskId + "\",\"exchange\":\"binance\",\"dataType\":\"TICKER\","
                + "\"symbol\":\"" + symbol + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private void tick() {
        driver.advanceWallClockTime(config.executionTick());
    }

    private String symbolOnRoute(String route) {
        for (int i = 0; ; i++) {
            String symbol = "S" + i + "USDT";
            CollectorTask task = CollectorTask.newBuilder().setTaskId("probe").setExchange("binance")
                    .setDataType(DataType.TICKER).setSymbol(symbol).setCreatedAt(Instant.EPOCH).build();
            if (config.routes().routeOf(task).name().equals(route)) {
                return symbol;
            }
        }
    }

    private DecidingPartitioner partitioner() {
        return DecidingPartitioner.of(config.topicPartitions(), config.routes());
    }

    @Test
    void shouldSendATaskOfAHostSetsSecondRouteToThatRoutesOwnDecidingPartition() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver();
        TestOutputTopic<String, byte[]> repartition = driver.createOutputTopic(
                config.applicationId() + "-by-domain-repartition", new StringDeserializer(),
                new ByteArrayDeserializer());
        // Given binance-spot decided on partition 0 (where the driver reads) on its first route, on 1 on the second
        assertThat(partitioner().partitionOf("binance-spot")).isZero();
        assertThat(partitioner().partitionOf("binance-spot@proxy-a")).isEqualTo(1);

        // When a task of each route arrives on partition 0
        send("direct-1", symbolOnRoute("direct"));
        send("proxy-1", symbolOnRoute("proxy-a"));
        tick();

        // Then the first is decided in place and the second crosses the repartition topic keyed by host set and route
        assertThat(repartition.readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactly("binance-spot@proxy-a");
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("direct-1", "proxy-1");
    }

    @Test
    void shouldDropSavedStateOfDomainsAndHostSetsAnotherPartitionDecidesAndKeepItsOwn() {
        executor.answering((task, endpoint) -> FakeExecutor.ok("{}"));
        startDriver();
        // Given partition 0 decides binance-spot on the direct route only, and no route of okx
        assertThat(List.of(partitioner().partitionOf("okx"), partitioner().partitionOf("okx@proxy-a")))
                .doesNotContain(0);
        KeyValueStore<String, byte[]> engineStore = driver.getKeyValueStore(ProcessorSettings.ENGINE_STORE);
        // and state saved there under the previous partitioning, when every route of a host set was decided together
        byte[] saved = "saved under the previous partitioning".getBytes(StandardCharsets.UTF_8);
        String ownLimiter = StateKey.limiter(new DomainId("binance.spot.direct")).asString();
        String ownBreaker = StateKey.breaker(new EndpointId("binance-spot", "api")).asString();
        List<String> elsewhere = List.of(
                StateKey.limiter(new DomainId("binance.spot.proxy-a")).asString(),
                StateKey.retryBudget(new DomainId("binance.spot.proxy-a")).asString(),
                StateKey.limiter(new DomainId("okx.trades.direct")).asString(),
                StateKey.breaker(new EndpointId("okx", "www")).asString(),
                StateKey.balancer("okx").asString());
        engineStore.put(ownLimiter, saved);
        engineStore.put(ownBreaker, saved);
        elsewhere.forEach(key -> engineStore.put(key, saved));

        // When the restored partition ticks for the first time
        tick();

        // Then what another partition decides is gone, its own state is kept, and its tasks go on
        elsewhere.forEach(key -> assertThat(engineStore.get(key)).as(key).isNull());
        assertThat(engineStore.get(ownBreaker)).isNotNull();
        assertThat(engineStore.get(ownLimiter)).isNotNull();
        send("direct-1", symbolOnRoute("direct"));
        tick();
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("direct-1");
    }

    @Test
    void shouldKeepTheStateOfADomainDecidedElsewhereWhileATaskOfItIsStillInFlightHere() {
        executor.holding();
        startDriver();
        KeyValueStore<String, byte[]> engineStore = driver.getKeyValueStore(ProcessorSettings.ENGINE_STORE);
        // Given a call of the second route started here, as one restored from the previous partitioning would be
        send("proxy-1", symbolOnRoute("proxy-a"));
        String limiter = StateKey.limiter(new DomainId("binance.spot.proxy-a")).asString();
        assertThat(engineStore.get(limiter)).isNotNull();

        // When the partition ticks for the first time
        tick();

        // Then the domain keeps its state until its call is answered
        assertThat(engineStore.get(limiter)).isNotNull();
        executor.calls().get(0).future().complete(FakeExecutor.ok("{}"));
        tick();
        assertThat(results.readKeyValuesToMap()).containsOnlyKeys("proxy-1");
    }
}
