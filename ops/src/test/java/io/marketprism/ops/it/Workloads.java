package io.marketprism.ops.it;

import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Task workloads and service settings shared by the integration tests. */
final class Workloads {

    static final List<String> OUTPUT_TOPICS = List.of("collector.results", "collector.tasks.retry",
            "collector.tasks.dlq", "reliability.events");

    private static final String[] EXCHANGES = {"binance", "okx", "deribit"};
    private static final String[] SYMBOLS = {"BTCUSDT", "BTC-USDT", "BTC-PERPETUAL"};
    private static final DataType[] TYPES = {DataType.ORDER_BOOK, DataType.TRADES, DataType.TICKER,
            DataType.FUNDING_RATE, DataType.OPEN_INTEREST};
    private static final Priority[] PRIORITIES = Priority.values();

    private Workloads() {
    }

    /**
     * Service settings pointing every exchange at the simulated one, with budgets far above what a test sends (the
     * real presets would make a 20,000-task test last minutes) and short retry delays.
     */
    static Map<String, String> generousSettings(SimulatedExchange exchange) {
        Map<String, String> settings = new LinkedHashMap<>();
        SimulatedExchange.endpoints().forEach((name, endpoints) -> {
            settings.put("exchange." + name + ".endpoints", endpoints.stream()
                    .map(e -> e + "=" + exchange.baseUrl(name, e)).collect(Collectors.joining(",")));
            settings.put("exchange." + name + ".limiter.bucket.capacity", "1000000");
            settings.put("exchange." + name + ".limiter.refill.per.second", "1000000");
            settings.put("exchange." + name + ".limiter.windows", "weight:100000000/60000,requests:100000000/60000");
        });
        settings.put("retry.base.delay.ms", "50");
        settings.put("retry.max.delay.ms", "1000");
        settings.put("retry.max.attempts", "8");
        // Instances share the machine (and run in parallel in some tests): each takes a free HTTP port.
        settings.put("http.port", "0");
        return settings;
    }

    /** Produces {@code count} tasks, even ones as JSON and odd ones as Avro, over every exchange; returns their ids. */
    static Set<String> produceTasks(String bootstrap, String topic, int count, String prefix) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        Set<String> ids = new LinkedHashSet<>();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String id = prefix + "-" + i;
                ids.add(id);
                producer.send(new ProducerRecord<>(topic, task(id, i)));
            }
            producer.flush();
        }
        return ids;
    }

    static byte[] task(String id, int i) {
        int e = i % EXCHANGES.length;
        DataType type = TYPES[(i / EXCHANGES.length) % TYPES.length];
        Priority priority = PRIORITIES[i % PRIORITIES.length];
        if (i % 2 == 0) {
            return ("{\"taskId\":\"" + id + "\",\"exchange\":\"" + EXCHANGES[e] + "\",\"dataType\":\"" + type
                    + "\",\"symbol\":\"" + SYMBOLS[e] + "\",\"priority\":\"" + priority
                    + "\",\"params\":{\"limit\":\"100\"}}").getBytes(StandardCharsets.UTF_8);
        }
        return AvroCodec.tasks().encode(CollectorTask.newBuilder()
                .setTaskId(id).setExchange(EXCHANGES[e]).setDataType(type).setSymbol(SYMBOLS[e])
                .setPriority(priority).setCreatedAt(Instant.now()).build());
    }
}
