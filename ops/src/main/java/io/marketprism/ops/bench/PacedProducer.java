package io.marketprism.ops.bench;

import io.marketprism.ops.tools.PriorityMix;
import io.marketprism.ops.tools.TaskFormat;
import io.marketprism.ops.local.SimulatedEndpoints;
import io.marketprism.ops.tools.TaskGenerator;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces new tasks at a steady rate on a thread of its own, each created (its {@code createdAt}) just before it is
 * sent, with {@code linger.ms=0} so that a task waits in no batch: the {@code produce} command's mix, JSON, keyed as
 * asked. Notes when the broker's acknowledgement of each task arrived, until asked for it.
 */
final class PacedProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final double ratePerSecond;
    private final InputKeys keys;
    private final ExchangeRoutes routes;
    private final AtomicLong sent = new AtomicLong();
    private final Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    PacedProducer(String bootstrapServers, String topic, double ratePerSecond, InputKeys keys, ExchangeRoutes routes) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.ratePerSecond = ratePerSecond;
        this.keys = keys;
        this.routes = routes;
        this.thread = new Thread(this::produce, "bench-paced-producer");
        this.thread.setDaemon(true);
    }

    PacedProducer start() {
        thread.start();
        return this;
    }

    /** Tasks sent so far. */
    long sent() {
        return sent.get();
    }

    /** When the broker's acknowledgement of {@code taskId} arrived, forgotten with this call; null if it did not. */
    Long takeAcknowledgedAt(String taskId) {
        return acknowledgedAt.remove(taskId);
    }

    private void produce() {
        Clock clock = Clock.systemUTC();
        TaskGenerator generator = TaskGenerator.builder()
                .idPrefix("steady")
                .exchanges(SimulatedEndpoints.LENIENT_EXCHANGES)
                .runId(Long.toString(clock.millis(), 36))
                .priorityMix(PriorityMix.parse("CRITICAL=1,HIGH=2,NORMAL=5,LOW=2"))
                .seed(7)
                .clock(clock)
                .build();
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond);
        long next = System.nanoTime();
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            CollectorTask task = generator.next();
            String taskId = task.getTaskId();
            producer.send(new ProducerRecord<>(topic, keys.keyOf(task, routes), TaskFormat.JSON.encode(task)),
                    (metadata, error) -> {
                        if (error != null) {
                            firstError.compareAndSet(null, error);
                        } else {
                            acknowledgedAt.put(taskId, System.currentTimeMillis());
                        }
                    });
            sent.incrementAndGet();
            next += interval;
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        if (firstError.get() != null) {
            throw new IllegalStateException("could not produce to " + topic + ": " + firstError.get().getMessage(),
                    firstError.get());
        }
    }
}
