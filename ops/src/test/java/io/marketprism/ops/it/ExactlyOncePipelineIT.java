package io.marketprism.ops.it;

import static io.marketprism.ops.exchange.SimulatedExchange.Mode.LENIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.ops.chaos.KafkaChecks;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.processor.OutputHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's end-to-end check on a real broker: 10,000 tasks (JSON and Avro mixed) and 100 malformed records
 * go in; under read_committed exactly one result per task and exactly 100 dead letters come out, and no transaction
 * is left open.
 */
class ExactlyOncePipelineIT {

    private static final int TASKS = 10_000;
    private static final int MALFORMED = 100;

    @TempDir
    Path stateDir;

    @Test
    void shouldEmitExactlyOneResultPerTaskAndOneDeadLetterPerMalformedRecord() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(7).build().start()) {
            ServiceConfig config = configFor(kafka, exchange, stateDir);
            try (MarketPrismService service = MarketPrismService.withHttp(config)) {
                service.start();
                Set<String> expectedIds = produceMixedInput(kafka.bootstrapServers(), config.topics().tasks());

                String bootstrap = kafka.bootstrapServers();
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() ->
                        KafkaChecks.readCommitted(bootstrap, config.topics().results()).size() >= TASKS
                                && KafkaChecks.readCommitted(bootstrap, config.topics().deadLetters()).size() >= MALFORMED);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        KafkaChecks.openTransactionLag(bootstrap, config.topics().all()).isEmpty());

                List<ConsumerRecord<String, byte[]>> results = KafkaChecks.readCommitted(bootstrap, config.topics().results());
                List<ConsumerRecord<String, byte[]>> dead = KafkaChecks.readCommitted(bootstrap, config.topics().deadLetters());

                assertThat(results).hasSize(TASKS);
                Map<String, Long> perId = results.stream().collect(Collectors.groupingBy(
                        r -> AvroCodec.results().decode(r.value()).getTaskId(), Collectors.counting()));
                assertThat(perId.keySet()).isEqualTo(expectedIds);
                assertThat(perId.values()).containsOnly(1L);
                results.forEach(r -> {
                    TaskResult result = AvroCodec.results().decode(r.value());
                    assertThat(r.key()).isEqualTo(result.getTaskId());
                    assertThat(OutputHeaders.get(r.headers(), OutputHeaders.TASK_ID)).isEqualTo(result.getTaskId());
                    assertThat(OutputHeaders.get(r.headers(), OutputHeaders.OUTCOME)).isEqualTo("SUCCESS");
                    assertThat(result.getHttpStatus()).isEqualTo(200);
                });

                assertThat(dead).hasSize(MALFORMED);
                dead.forEach(r -> {
                    DeadLetter letter = AvroCodec.deadLetters().decode(r.value());
                    assertThat(letter.getReason()).isIn(DeadLetterReason.MALFORMED, DeadLetterReason.INVALID);
                    assertThat(letter.getDetail()).isNotBlank();
                    assertThat(letter.getSourceTopic()).isEqualTo(config.topics().tasks());
                    assertThat(OutputHeaders.get(r.headers(), OutputHeaders.REASON)).isEqualTo(letter.getReason().name());
                });
                assertThat(KafkaChecks.openTransactionLag(bootstrap, config.topics().all())).isEmpty();
                assertThat(exchange.requestCount()).isGreaterThanOrEqualTo(TASKS);
            }
        }
    }

    static ServiceConfig configFor(EmbeddedKafka kafka, SimulatedExchange exchange, Path stateDir) {
        Properties props = new Properties();
        props.putAll(Workloads.generousSettings(exchange));
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("application.id", "eos-it-" + System.nanoTime());
        props.put("state.dir", stateDir.toString());
        props.put("topic.partitions", "3");
        return ServiceConfig.fromProperties(props);
    }

    /** Produces the tasks (even ids as JSON, odd as Avro) with a malformed record after every 100th; returns the ids. */
    private static Set<String> produceMixedInput(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        Random random = new Random(11);
        List<Function<Integer, byte[]>> malformed = List.of(
                i -> randomBytes(random),
                i -> "{\"exchange\":\"binance\",\"dataType\":".getBytes(StandardCharsets.UTF_8),
                i -> ("{\"taskId\":\"bad-" + i + "\",\"exchange\":\"binance\",\"dataType\":\"TRADES\"}")
                        .getBytes(StandardCharsets.UTF_8),
                i -> ("{\"taskId\":\"bad-" + i + "\",\"exchange\":\"binance\",\"dataType\":\"TRADES\","
                        + "\"symbol\":\"BTCUSDT\",\"priority\":\"URGENT\"}").getBytes(StandardCharsets.UTF_8),
                i -> new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        Set<String> ids = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < TASKS; i++) {
                String id = "task-" + i;
                ids.add(id);
                producer.send(new ProducerRecord<>(topic, Workloads.task(id, i)));
                if (i % (TASKS / MALFORMED) == 0) {
                    producer.send(new ProducerRecord<>(topic, malformed.get(i / 100 % malformed.size()).apply(i)));
                }
            }
            producer.flush();
        }
        return ids;
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(40)];
        random.nextBytes(bytes);
        bytes[0] = (byte) (bytes[0] == '{' || bytes[0] == (byte) 0xC3 || Character.isWhitespace(bytes[0]) ? 0x07 : bytes[0]);
        return bytes;
    }
}
