package io.marketprism.ops.tools;

import io.marketprism.topology.processor.OutputHeaders;
import io.marketprism.schemas.CollectorTask;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes chosen dead letters back to the input topic as tasks, each at most once however often or concurrently the
 * replay runs.
 *
 * <p>How: a compacted marker topic holds one record per replayed dead letter, keyed by its coordinates
 * ({@code <dlq topic>-<partition>-<offset>}). The replayed task and its marker are written in one Kafka transaction,
 * so either both are visible or neither. Every replay of the same dead-letter topic uses the same
 * {@code transactional.id}: starting one fences any other still running and aborts its open transaction; only then
 * does it read the marker topic under read_committed and skip what is marked.
 *
 * <p>A replayed task keeps its id and attempt history; its attempt counter and retry due time are reset so it is
 * tried afresh. It carries the header {@value #REPLAY_OF_HEADER} with the dead letter's coordinates.
 */
public final class DeadLetterReplayer {

    /** Header naming the dead letter a replayed task came from. */
    public static final String REPLAY_OF_HEADER = OutputHeaders.REPLAY_OF;

    private final Map<String, Object> clientProperties;
    private final String deadLetterTopic;
    private final String inputTopic;
    private final String markerTopic;
    private final short markerReplicationFactor;
    private final String transactionalId;
    private final DeadLetterFilter filter;
    private final TaskFormat format;
    private final boolean includeRaw;
    private final long limit;
    private final int transactionSize;
    private final Clock clock;

    private DeadLetterReplayer(Builder b) {
        this.clientProperties = Map.copyOf(b.clientProperties);
        this.deadLetterTopic = b.deadLetterTopic;
        this.inputTopic = b.inputTopic;
        this.markerTopic = b.markerTopic != null ? b.markerTopic : b.deadLetterTopic + ".replayed";
        this.markerReplicationFactor = b.markerReplicationFactor;
        this.transactionalId = b.transactionalId != null ? b.transactionalId
                : "marketprism-dlq-replay-" + b.deadLetterTopic;
        this.filter = b.filter;
        this.format = b.format;
        this.includeRaw = b.includeRaw;
        this.limit = b.limit;
        this.transactionSize = b.transactionSize;
        this.clock = b.clock;
    }

    /** Starts building a replay; the client properties must at least name the bootstrap servers. */
    public static Builder builder(Map<String, Object> clientProperties) {
        return new Builder(clientProperties);
    }

    /** The marker topic this replay reads and writes. */
    public String markerTopic() {
        return markerTopic;
    }

    /**
     * Runs the replay: creates the marker topic if missing, fences other replays, reads the markers, then replays
     * every matching unmarked dead letter, committing a transaction every {@code transactionSize} of them.
     *
     * @throws IllegalStateException when another replay fenced this one (its uncommitted part is discarded; run it
     *     again) or Kafka refused a write
     */
    public ReplaySummary replay() {
        ensureMarkerTopic();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            Set<String> marked = readMarkers();
            return new Run(producer, marked).execute();
        } catch (ProducerFencedException e) {
            throw new IllegalStateException("another replay of " + deadLetterTopic + " (transactional.id "
                    + transactionalId + ") took over; this run's uncommitted replays were discarded, run it again", e);
        } catch (KafkaException e) {
            throw new IllegalStateException("replay of " + deadLetterTopic + " failed: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return props;
    }

    private void ensureMarkerTopic() {
        NewTopic topic = new NewTopic(markerTopic, Optional.of(1),
                markerReplicationFactor < 0 ? Optional.empty() : Optional.of(markerReplicationFactor))
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try (Admin admin = Admin.create(clientProperties)) {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create marker topic " + markerTopic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating marker topic " + markerTopic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating marker topic " + markerTopic, e);
        }
    }

    private Set<String> readMarkers() {
        Set<String> marked = new HashSet<>();
        TopicReader.read(clientProperties, markerTopic, record -> {
            if (record.key() != null) {
                String key = new String(record.key(), StandardCharsets.UTF_8);
                if (record.value() == null) {
                    marked.remove(key);
                } else {
                    marked.add(key);
                }
            }
            return true;
        });
        return marked;
    }

    /** The state of one replay: counts and the open transaction. */
    private final class Run {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Set<String> marked;
        private long replayed;
        private long alreadyReplayed;
        private long undecodable;
        private int inTransaction;

        Run(KafkaProducer<byte[], byte[]> producer, Set<String> marked) {
            this.producer = producer;
            this.marked = marked;
        }

        ReplaySummary execute() {
            try {
                if (limit > 0) {
                    TopicReader.read(clientProperties, deadLetterTopic, record -> visit(DeadLetterEntry.of(record)));
                }
                if (inTransaction > 0) {
                    producer.commitTransaction();
                }
            } catch (KafkaException | IllegalArgumentException e) {
                if (inTransaction > 0 && !(e instanceof ProducerFencedException)) {
                    abortAfter(e);
                }
                throw e;
            }
            return new ReplaySummary(replayed, alreadyReplayed, undecodable);
        }

        private void abortAfter(RuntimeException failure) {
            try {
                producer.abortTransaction();
            } catch (KafkaException e) {
                failure.addSuppressed(e);
            }
        }

        /** Replays the entry if it matches and is unmarked; false once the limit is reached. */
        private boolean visit(DeadLetterEntry entry) {
            if (!filter.matches(entry)) {
                return true;
            }
            if (marked.contains(entry.coordinates())) {
                alreadyReplayed++;
                return true;
            }
            byte[] value = valueToReplay(entry);
            if (value == null) {
                undecodable++;
                return true;
            }
            if (inTransaction == 0) {
                producer.beginTransaction();
            }
            byte[] coordinates = entry.coordinates().getBytes(StandardCharsets.UTF_8);
            ProducerRecord<byte[], byte[]> task = new ProducerRecord<>(inputTopic,
                    entry.letter().getTaskId().getBytes(StandardCharsets.UTF_8), value);
            task.headers().add(REPLAY_OF_HEADER, coordinates);
            producer.send(task);
            producer.send(new ProducerRecord<>(markerTopic, coordinates, marker(entry)));
            replayed++;
            if (++inTransaction == transactionSize) {
                producer.commitTransaction();
                inTransaction = 0;
            }
            return replayed < limit;
        }

        private byte[] valueToReplay(DeadLetterEntry entry) {
            if (entry.hasTask()) {
                CollectorTask task = CollectorTask.newBuilder(entry.letter().getTask())
                        .setAttempt(0)
                        .setNotBefore(null)
                        .build();
                return format.encode(task);
            }
            return includeRaw ? entry.rawValue() : null;
        }

        private byte[] marker(DeadLetterEntry entry) {
            return ("{\"taskId\":\"" + jsonEscape(entry.letter().getTaskId()) + "\",\"replayedTo\":\""
                    + jsonEscape(inputTopic) + "\",\"replayedAt\":\"" + clock.instant() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String jsonEscape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Builder of {@link DeadLetterReplayer}; setters validate, {@link #build()} checks the topics differ. */
    public static final class Builder {
        private final Map<String, Object> clientProperties;
        private String deadLetterTopic = "collector.tasks.dlq";
        private String inputTopic = "collector.tasks";
        private String markerTopic;
        private short markerReplicationFactor = -1;
        private String transactionalId;
        private DeadLetterFilter filter = DeadLetterFilter.all();
        private TaskFormat format = TaskFormat.AVRO;
        private boolean includeRaw;
        private long limit = Long.MAX_VALUE;
        private int transactionSize = 500;
        private Clock clock = Clock.systemUTC();

        private Builder(Map<String, Object> clientProperties) {
            if (!clientProperties.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalArgumentException("client properties must name bootstrap.servers");
            }
            this.clientProperties = Map.copyOf(clientProperties);
        }

        public Builder deadLetterTopic(String value) {
            this.deadLetterTopic = topic("--topic", value);
            return this;
        }

        public Builder inputTopic(String value) {
            this.inputTopic = topic("--input-topic", value);
            return this;
        }

        /** The marker topic; null for {@code <dead-letter topic>.replayed}. */
        public Builder markerTopic(String value) {
            this.markerTopic = value == null ? null : topic("--marker-topic", value);
            return this;
        }

        /** Replication factor of the marker topic when it is created: -1 (the broker's default) or 1..32767. */
        public Builder markerReplicationFactor(int value) {
            if (value != -1 && (value < 1 || value > Short.MAX_VALUE)) {
                throw new IllegalArgumentException("--marker-replication-factor must be -1 or 1..32767, got " + value);
            }
            this.markerReplicationFactor = (short) value;
            return this;
        }

        /** The transactional id shared by all replays of one dead-letter topic; null for the default. */
        public Builder transactionalId(String value) {
            this.transactionalId = value;
            return this;
        }

        public Builder filter(DeadLetterFilter value) {
            this.filter = Objects.requireNonNull(value, "filter");
            return this;
        }

        public Builder format(TaskFormat value) {
            this.format = Objects.requireNonNull(value, "format");
            return this;
        }

        /** Whether dead letters holding only raw bytes are replayed as those bytes. */
        public Builder includeRaw(boolean value) {
            this.includeRaw = value;
            return this;
        }

        /** At most this many dead letters are replayed: 0..Long.MAX_VALUE. */
        public Builder limit(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("--limit must be >= 0, got " + value);
            }
            this.limit = value;
            return this;
        }

        /** Dead letters replayed per transaction: 1..100000. */
        public Builder transactionSize(int value) {
            if (value < 1 || value > 100_000) {
                throw new IllegalArgumentException("transaction size must be in 1..100000, got " + value);
            }
            this.transactionSize = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** @throws IllegalArgumentException when two of the dead-letter, input and marker topics are the same */
        public DeadLetterReplayer build() {
            String marker = markerTopic != null ? markerTopic : deadLetterTopic + ".replayed";
            if (new HashSet<>(List.of(deadLetterTopic, inputTopic, marker)).size() != 3) {
                throw new IllegalArgumentException("the dead-letter topic (" + deadLetterTopic + "), input topic ("
                        + inputTopic + ") and marker topic (" + marker + ") must all differ");
            }
            return new DeadLetterReplayer(this);
        }

        private static String topic(String option, String value) {
            if (value == null || !value.matches("[A-Za-z0-9._-]{1,249}")) {
                throw new IllegalArgumentException(option + ": '" + value
                        + "' is not a topic name (1..249 of letters, digits, '.', '_', '-')");
            }
            return value;
        }
    }
}
