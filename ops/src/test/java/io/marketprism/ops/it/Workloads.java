package io.marketprism.ops.it;

import io.marketprism.ops.chaos.SimulatedSettings;
import io.marketprism.ops.exchange.ServedRequest;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.topology.config.ServiceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    /** OKX names its perpetual swaps apart from the spot pair. */
    private static final String OKX_SWAP = "BTC-USDT-SWAP";
    private static final DataType[] TYPES = {DataType.ORDER_BOOK, DataType.TRADES, DataType.TICKER,
            DataType.FUNDING_RATE, DataType.OPEN_INTEREST};
    private static final Priority[] PRIORITIES = Priority.values();
    private static final String TAG = "tag";

    private Workloads() {
    }

    /** See {@link SimulatedSettings#generous}. */
    static Map<String, String> generousSettings(SimulatedExchange exchange) {
        return SimulatedSettings.generous(exchange);
    }

    /** See {@link SimulatedSettings#endpoints}. */
    static Map<String, String> simulatedEndpoints(SimulatedExchange exchange) {
        return SimulatedSettings.endpoints(exchange);
    }

    /**
     * A definition file in {@code dir} holding {@code json}, e.g. tighter budgets for one exchange; the value of
     * {@code exchange.definitions} with the generous budgets first, so that this file wins.
     */
    static String withDefinition(Path dir, String name, String json) throws IOException {
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, json);
        return SimulatedSettings.generousBudgetFiles() + "," + file;
    }

    /** See {@link SimulatedSettings#endpointList}. */
    static String endpoints(SimulatedExchange exchange, String name, List<String> endpoints) {
        return SimulatedSettings.endpointList(exchange, name, endpoints);
    }

    /** A service configuration: {@code settings}, then the broker, application id and state directory. */
    static ServiceConfig serviceConfig(Map<String, String> settings, String bootstrap, String applicationId,
                                       Path stateDir) {
        Properties props = new Properties();
        props.putAll(settings);
        props.put("bootstrap.servers", bootstrap);
        props.put("application.id", applicationId);
        props.put("state.dir", stateDir.toString());
        return ServiceConfig.fromProperties(props);
    }

    /** Produces {@code count} tasks, even ones as JSON and odd ones as Avro, over every exchange; returns their ids. */
    static Set<String> produceTasks(String bootstrap, String topic, int count, String prefix) {
        Set<String> ids = new LinkedHashSet<>();
        List<byte[]> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            ids.add(id);
            tasks.add(task(id, i));
        }
        produce(bootstrap, topic, tasks, true);
        return ids;
    }

    static byte[] task(String id, int i) {
        return task(id, i, Map.of(), null);
    }

    /**
     * Task number {@code i} of a workload cycling through exchanges, data types and priorities, as JSON when {@code i}
     * is even and Avro when odd, with extra query {@code params} and a {@code deadline} (null for none).
     */
    static byte[] task(String id, int i, Map<String, String> params, Instant deadline) {
        int e = i % EXCHANGES.length;
        DataType type = dataType(i);
        String market = marketOf(EXCHANGES[e], type);
        String symbol = EXCHANGES[e].equals("okx") && market.equals("perp") ? OKX_SWAP : SYMBOLS[e];
        return task(id, EXCHANGES[e], market, symbol, type, PRIORITIES[i % PRIORITIES.length], i % 2 == 0, params,
                deadline);
    }

    /**
     * The market a workload task of {@code exchange} asks {@code type} of: Deribit's perpetual, else spot, except for
     * funding rates and open interest, which only derivatives have.
     */
    static String marketOf(String exchange, DataType type) {
        boolean derivative = type == DataType.FUNDING_RATE || type == DataType.OPEN_INTEREST;
        return exchange.equals("deribit") || derivative ? "perp" : "spot";
    }

    /** The data type of task number {@code i} of the cycling workload. */
    static DataType dataType(int i) {
        return TYPES[(i / EXCHANGES.length) % TYPES.length];
    }

    /** One task in the market {@link #marketOf} gives, as JSON (with {@code limit=100} among its params) or as Avro. */
    static byte[] task(String id, String exchange, String symbol, DataType type, Priority priority, boolean json,
                       Map<String, String> params, Instant deadline) {
        return task(id, exchange, marketOf(exchange, type), symbol, type, priority, json, params, deadline);
    }

    /** One task, as JSON (with {@code limit=100} among its params) or as Avro. */
    static byte[] task(String id, String exchange, String market, String symbol, DataType type, Priority priority,
                       boolean json, Map<String, String> params, Instant deadline) {
        if (json) {
            StringBuilder text = new StringBuilder("{\"taskId\":\"").append(id).append("\",\"exchange\":\"")
                    .append(exchange).append("\",\"market\":\"").append(market)
                    .append("\",\"dataType\":\"").append(type).append("\",\"symbol\":\"")
                    .append(symbol).append("\",\"priority\":\"").append(priority).append("\",\"params\":{\"limit\":\"100\"");
            params.forEach((k, v) -> text.append(",\"").append(k).append("\":\"").append(v).append('"'));
            text.append('}');
            if (deadline != null) {
                text.append(",\"deadline\":").append(deadline.toEpochMilli());
            }
            return text.append('}').toString().getBytes(StandardCharsets.UTF_8);
        }
        return AvroCodec.tasks().encode(CollectorTask.newBuilder()
                .setTaskId(id).setExchange(exchange).setMarket(market).setDataType(type).setSymbol(symbol)
                .setPriority(priority)
                .setParams(params).setDeadline(deadline).setCreatedAt(Instant.now()).build());
    }

    /** The query parameter that names a task in its call, so the simulator's log tells which task it served. */
    static Map<String, String> tagged(String id) {
        return Map.of(TAG, id);
    }

    /** The task id a market-data request was made for (see {@link #tagged}); null for a health check. */
    static String taskIdOf(ServedRequest request) {
        return request.healthCheck() ? null : request.parameters().get(TAG);
    }

    /** Market-data calls the simulator served, per task id (see {@link #tagged}). */
    static Map<String, Long> callsPerTask(SimulatedExchange exchange) {
        return exchange.requests().stream().map(Workloads::taskIdOf).filter(Objects::nonNull)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    }

    /** Sends {@code values} in order with one producer, idempotent or not, and waits until all are acknowledged. */
    static void produce(String bootstrap, String topic, List<byte[]> values, boolean idempotent) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotent);
        if (!idempotent) {
            props.put(ProducerConfig.ACKS_CONFIG, "1");
        }
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            values.forEach(value -> producer.send(new ProducerRecord<>(topic, value)));
            producer.flush();
        }
    }
}
