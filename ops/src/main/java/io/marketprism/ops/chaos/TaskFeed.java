package io.marketprism.ops.chaos;

import io.marketprism.ops.local.SimulatedEndpoints;
import io.marketprism.ops.tools.TaskFormat;
import io.marketprism.ops.tools.TaskGenerator;
import io.marketprism.schemas.CollectorTask;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The task generator of a scenario: writes tasks (and deliberately bad records) to the input topic with an idempotent
 * producer and logs every record it got acknowledged, one line each ({@code id partition offset kind}), so the
 * verifier knows exactly what was produced. Task ids are unique per run; a bad record is known by its coordinates,
 * which is the id the service gives the dead letter of a record it cannot read.
 */
public final class TaskFeed implements AutoCloseable {

    private final String topic;
    private final TaskGenerator generator;
    private final KafkaProducer<byte[], byte[]> producer;
    private final BufferedWriter log;
    private final List<ProducedRecord> produced = Collections.synchronizedList(new ArrayList<>());
    private long sequence;

    /**
     * @param runId the part of every task id that tells this run from others
     * @param log where the generator's log goes (overwritten)
     */
    public TaskFeed(String bootstrap, String topic, String runId, long seed, Path log) throws IOException {
        this(bootstrap, topic, runId, seed, log, UnaryOperator.identity());
    }

    /** As the other constructor, with {@code generator} changing the task generator's settings (e.g. symbols). */
    public TaskFeed(String bootstrap, String topic, String runId, long seed, Path log,
                    UnaryOperator<TaskGenerator.Builder> generator) throws IOException {
        this.topic = topic;
        this.generator = generator.apply(TaskGenerator.builder().idPrefix("chaos").runId(runId).seed(seed)
                .exchanges(SimulatedEndpoints.LENIENT_EXCHANGES)).build();
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.log = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
    }

    /** Produces {@code count} generated tasks, JSON and Avro in turn, as fast as the producer takes them. */
    public List<ProducedRecord> produceTasks(int count) {
        return produceTasks(count, Duration.ZERO, task -> { });
    }

    /**
     * Produces {@code count} generated tasks, JSON and Avro in turn, one every {@code interval} (zero: at once);
     * {@code shape} may change each task (deadline, params) before it is sent.
     */
    public List<ProducedRecord> produceTasks(int count, Duration interval, Consumer<CollectorTask> shape) {
        List<Future<RecordMetadata>> sends = new ArrayList<>(count);
        List<String> ids = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (!interval.isZero()) {
                pace(start, interval.toNanos() * i);
            }
            CollectorTask task = generator.next();
            task.setCreatedAt(Instant.now());
            shape.accept(task);
            sends.add(send(task));
            ids.add(task.getTaskId());
        }
        return acknowledged(ids, sends, "task");
    }

    /**
     * Produces tasks made elsewhere (e.g. a {@link io.marketprism.ops.tools.BudgetDemand}), JSON and Avro in turn;
     * their ids must be unique in the run.
     */
    public List<ProducedRecord> produce(List<CollectorTask> tasks) {
        List<Future<RecordMetadata>> sends = new ArrayList<>(tasks.size());
        List<String> ids = new ArrayList<>(tasks.size());
        for (CollectorTask task : tasks) {
            sends.add(send(task));
            ids.add(task.getTaskId());
        }
        return acknowledged(ids, sends, "task");
    }

    private Future<RecordMetadata> send(CollectorTask task) {
        TaskFormat format = sequence++ % 2 == 0 ? TaskFormat.JSON : TaskFormat.AVRO;
        return producer.send(new ProducerRecord<>(topic, format.encode(task)));
    }

    /** Produces one record as given and logs it by its coordinates, under {@code kind}. */
    public ProducedRecord produceRaw(byte[] value, String kind) {
        List<String> ids = new ArrayList<>();
        ids.add(null);
        return acknowledged(ids, List.of(producer.send(new ProducerRecord<>(topic, value))), kind).get(0);
    }

    private List<ProducedRecord> acknowledged(List<String> ids, List<Future<RecordMetadata>> sends, String kind) {
        producer.flush();
        List<ProducedRecord> records = new ArrayList<>(sends.size());
        try {
            for (int i = 0; i < sends.size(); i++) {
                RecordMetadata metadata = sends.get(i).get();
                String id = ids.get(i) != null ? ids.get(i)
                        : metadata.topic() + "-" + metadata.partition() + "-" + metadata.offset();
                ProducedRecord record = new ProducedRecord(id, metadata.partition(), metadata.offset(), kind);
                records.add(record);
                log.write(id + " " + record.partition() + " " + record.offset() + " " + kind);
                log.newLine();
            }
            log.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a record was not acknowledged: " + e.getCause(), e.getCause());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the task log", e);
        }
        produced.addAll(records);
        return records;
    }

    private static void pace(long start, long offsetNanos) {
        long wait = start + offsetNanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while producing", e);
            }
        }
    }

    /** Everything produced and acknowledged so far, in order. */
    public List<ProducedRecord> produced() {
        synchronized (produced) {
            return List.copyOf(produced);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            producer.close();
        } finally {
            log.close();
        }
    }

    /**
     * One record of the input topic the generator got acknowledged.
     *
     * @param id the task id, or for a bad record its coordinates {@code topic-partition-offset}
     * @param kind {@code task}, or what is wrong with a bad record
     */
    public record ProducedRecord(String id, int partition, long offset, String kind) {
    }
}
