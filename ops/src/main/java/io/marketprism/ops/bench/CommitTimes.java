package io.marketprism.ops.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.StreamsConfig;

/**
 * When the stream threads' transactions were committed: the service's Kafka Streams is given this class as its
 * {@code default.client.supplier} ({@link #STREAMS_SETTING}), whose producers note the wall-clock time each
 * {@code commitTransaction} returned, and how long it took (flushing the producer, then ending the transaction), on
 * the stream thread itself. Under exactly_once_v2 a stream thread's producer commits one transaction for all its
 * tasks, and the thread produces nothing while it commits, so the first commit noted at or after a record was
 * produced is the commit of that record's transaction. The transaction markers that make its records visible to
 * read_committed consumers are written after it.
 *
 * <p>Kafka Streams makes the supplier itself, by its class name, so the times go to one recording per JVM, which
 * the benchmark starts and stops around its window; one service at a time.
 */
public final class CommitTimes implements KafkaClientSupplier {

    /** The Kafka Streams setting (with the service's {@code kafka.} prefix) that puts this supplier in place. */
    static final String STREAMS_SETTING = "kafka." + StreamsConfig.DEFAULT_CLIENT_SUPPLIER_CONFIG;

    private static Recording recording;

    /** The commits noted while it is the current recording. */
    static final class Recording implements AutoCloseable {
        private final long[] endedAt;
        private final Histogram durations = new Histogram(TimeUnit.MINUTES.toMillis(1), 3);
        private int count;

        private Recording(int capacity) {
            this.endedAt = new long[capacity];
        }

        /** Notes a commit that took {@code millis} and ended at {@code at}; the caller holds the class's lock. */
        void note(long at, long millis) {
            if (count < endedAt.length) {
                endedAt[count++] = at;
            }
            durations.recordValue(Math.min(durations.getHighestTrackableValue(), Math.max(0, millis)));
        }

        /** How long {@code commitTransaction} took, ms, over the commits noted. */
        SteadyLoadBenchmark.Percentiles durations() {
            synchronized (CommitTimes.class) {
                return SteadyLoadBenchmark.Percentiles.of(durations);
            }
        }

        /** The first commit end noted at or after {@code millis}, or -1 if none was. */
        long firstEndAtOrAfter(long millis) {
            synchronized (CommitTimes.class) {
                for (int i = 0; i < count; i++) {
                    if (endedAt[i] >= millis) {
                        return endedAt[i];
                    }
                }
                return -1;
            }
        }

        @Override
        public void close() {
            synchronized (CommitTimes.class) {
                if (recording == this) {
                    recording = null;
                }
            }
        }
    }

    /** Notes up to {@code capacity} commit ends from now until the recording is closed. */
    static Recording record(int capacity) {
        synchronized (CommitTimes.class) {
            recording = new Recording(capacity);
            return recording;
        }
    }

    private static void noteCommit(long at, long millis) {
        synchronized (CommitTimes.class) {
            if (recording != null) {
                recording.note(at, millis);
            }
        }
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public void commitTransaction() {
                long startNanos = System.nanoTime();
                super.commitTransaction();
                noteCommit(System.currentTimeMillis(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            }
        };
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return getConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return getConsumer(config);
    }
}
