package io.marketprism.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.local.LocalInstance;
import io.marketprism.ops.local.LocalStack;
import io.marketprism.topology.MarketPrismService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Scale by adding instances" on one machine: the local stack, started with {@code output.format=json}, writes its
 * shared settings; a second instance joins from them; 30 tasks are spread over both and each gets a result, readable
 * as JSON text and through {@code marketprism tail} with its filters.
 */
class LocalStackIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> EXCHANGES = List.of("binance", "okx", "deribit");
    private static final Map<String, String> SYMBOLS = Map.of("binance", "BTCUSDT", "okx", "BTC-USDT",
            "deribit", "BTC-PERPETUAL");

    @TempDir
    Path dir;

    @Test
    void shouldShareTheWorkWithAJoinedInstanceAndGiveEveryTaskAResult() throws Exception {
        Path settings = dir.resolve(".local/stack.properties");
        try (LocalStack stack = LocalStack.start(0, 0, 3, 0, Map.of("output.format", "json"), settings)) {
            Properties shared = LocalInstance.readSettings(settings);
            assertThat(shared.getProperty("bootstrap.servers")).isEqualTo(stack.kafka().bootstrapServers());
            assertThat(shared.getProperty("output.format")).isEqualTo("json");
            try (LocalInstance joined = LocalInstance.start(shared, 0)) {
                assertThat(joined.config().stateDir()).isNotEqualTo(stack.config().stateDir());
                assertThat(joined.httpUrl()).isNotEqualTo(stack.instance().httpUrl());
                String bootstrap = stack.kafka().bootstrapServers();
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        hasActiveTasks(stack.instance().service()) && hasActiveTasks(joined.service()));

                Set<String> ids = produce(bootstrap, stack.config().topics().tasks(), 30);
                produceRaw(bootstrap, stack.config().topics().tasks(), "{\"taskId\":\"bad-1\",\"exchange\":\"binance\"}");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        KafkaChecks.readCommitted(bootstrap, stack.config().topics().results()).size() >= ids.size());

                List<ConsumerRecord<String, byte[]>> results =
                        KafkaChecks.readCommitted(bootstrap, stack.config().topics().results());
                List<JsonNode> parsed = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : results) {
                    parsed.add(JSON.readTree(new String(record.value(), StandardCharsets.UTF_8)));
                }
                assertThat(parsed.stream().map(r -> r.get("taskId").textValue()).collect(Collectors.toSet()))
                        .isEqualTo(ids);
                assertThat(hasActiveTasks(stack.instance().service())).isTrue();
                assertThat(hasActiveTasks(joined.service())).isTrue();

                CliRun okx = CliRun.of("tail", "results", "-b", bootstrap, "--exchange", "OKX");
                assertThat(okx.exitCode()).as(okx.err()).isZero();
                List<String> lines = okx.out().lines().toList();
                assertThat(lines).hasSize((int) parsed.stream()
                        .filter(r -> r.get("exchange").textValue().equals("okx")).count()).isNotEmpty();
                for (String line : lines) {
                    assertThat(JSON.readTree(line).get("exchange").textValue()).isEqualTo("okx");
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    CliRun dead = CliRun.of("tail", "dlq", "-b", bootstrap, "--reason", "invalid");
                    assertThat(dead.out().lines()).singleElement().satisfies(line ->
                            assertThat(JSON.readTree(line).get("detail").textValue()).contains("symbol"));
                });
                CliRun wrongFilter = CliRun.of("tail", "events", "-b", bootstrap, "--data-type", "TICKER");
                assertThat(wrongFilter.exitCode()).isNotZero();
                assertThat(wrongFilter.err()).contains("--data-type filters results and dead letters");
            }
        }
        assertThat(Files.exists(settings)).as("settings removed when the stack stops").isFalse();
    }

    private static boolean hasActiveTasks(MarketPrismService service) {
        return service.streams().metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
    }

    private static Set<String> produce(String bootstrap, String topic, int count) {
        Set<String> ids = new TreeSet<>();
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (int i = 0; i < count; i++) {
                String exchange = EXCHANGES.get(i % EXCHANGES.size());
                String id = "scale-" + i;
                ids.add(id);
                producer.send(new ProducerRecord<>(topic, "{\"taskId\":\"" + id + "\",\"exchange\":\"" + exchange
                        + "\",\"dataType\":\"TICKER\",\"symbol\":\"" + SYMBOLS.get(exchange) + "\"}"));
            }
        }
        return ids;
    }

    private static void produceRaw(String bootstrap, String topic, String value) {
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            producer.send(new ProducerRecord<>(topic, value));
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
