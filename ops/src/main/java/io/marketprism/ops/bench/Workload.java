package io.marketprism.ops.bench;

import io.marketprism.ops.tools.PriorityMix;
import io.marketprism.ops.tools.TaskFormat;
import io.marketprism.ops.tools.TaskGenerator;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The task records of a run, encoded once and produced before each phase so the producer is not measured: the
 * {@code produce} command's defaults (binance, okx and deribit with two symbols each, every data type, priorities
 * CRITICAL=1,HIGH=2,NORMAL=5,LOW=2), keyed as asked, with a fixed seed.
 */
final class Workload {

    private static final long SEED = 42;

    private final byte[][] keys;
    private final byte[][] values;

    private Workload(byte[][] keys, byte[][] values) {
        this.keys = keys;
        this.values = values;
    }

    static Workload generate(int count, TaskFormat format, InputKeys keys, ExchangeRoutes routes, Clock clock) {
        TaskGenerator generator = TaskGenerator.builder()
                .idPrefix("bench")
                .runId(Long.toString(clock.millis(), 36))
                .priorityMix(PriorityMix.parse("CRITICAL=1,HIGH=2,NORMAL=5,LOW=2"))
                .seed(SEED)
                .clock(clock)
                .build();
        byte[][] keyBytes = new byte[count][];
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            CollectorTask task = generator.next();
            keyBytes[i] = keys.keyOf(task, routes);
            values[i] = format.encode(task);
        }
        return new Workload(keyBytes, values);
    }

    int size() {
        return keys.length;
    }

    /** Average encoded size of a task, in bytes. */
    long averageValueBytes() {
        long sum = 0;
        for (byte[] value : values) {
            sum += value.length;
        }
        return sum / values.length;
    }

    /** Produces every task to the topic with an idempotent producer and waits until all are acknowledged. */
    void produceTo(String bootstrapServers, String topic) {
        produceTo(bootstrapServers, topic, 0, keys.length);
    }

    /**
     * Produces {@code count} records, task {@code from} first and round the workload again after its last task (the
     * same records again: for the ceiling's copy, where ids do not matter), and waits until all are acknowledged.
     */
    void produceTo(String bootstrapServers, String topic, long from, long count) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        AtomicReference<Exception> firstError = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long n = from; n < from + count; n++) {
                int i = (int) (n % keys.length);
                producer.send(new ProducerRecord<>(topic, keys[i], values[i]), (metadata, error) -> {
                    if (error != null) {
                        firstError.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
        }
        if (firstError.get() != null) {
            throw new IllegalStateException("could not produce the workload to " + topic + ": "
                    + firstError.get().getMessage(), firstError.get());
        }
    }
}
