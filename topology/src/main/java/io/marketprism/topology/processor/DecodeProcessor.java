package io.marketprism.topology.processor;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.RecordOrigin;
import io.marketprism.schemas.codec.TaskReadResult;
import io.marketprism.schemas.codec.TaskReader;
import io.marketprism.topology.exchange.ExchangeRoutes;
import io.marketprism.topology.metrics.ReliabilityMetrics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First step: turns an input record (Avro single-object or JSON) into a task keyed by its host set and route, or into a dead
 * letter carrying the raw bytes and the reason. Never throws on bad input. Tells whether an accepted task was read
 * from the partition that decides its host set and route ({@link Outcome.Accepted#onDecidingPartition}). Counts the tasks it
 * reads: a task of the tasks topic is accepted (the start of its accounting), one of the retry topic is a retry read
 * back.
 */
public final class DecodeProcessor implements Processor<byte[], byte[], String, Outcome> {

    private final TaskReader reader;
    private final ExchangeRoutes routes;
    private final DecidingPartitioner partitioner;
    private final String retryTopic;
    private final ReliabilityMetrics metrics;
    private ProcessorContext<String, Outcome> context;

    public DecodeProcessor(TaskReader reader, ExchangeRoutes routes, DecidingPartitioner partitioner, String retryTopic,
                           ReliabilityMetrics metrics) {
        this.reader = reader;
        this.routes = routes;
        this.partitioner = partitioner;
        this.retryTopic = retryTopic;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordOrigin origin = origin();
        long now = context.currentSystemTimeMs();
        Outcome outcome;
        try {
            TaskReadResult read = reader.read(record.value(), origin.getTopic(), origin.getPartition(),
                    origin.getOffset(), record.timestamp());
            if (read instanceof TaskReadResult.Accepted accepted) {
                count(accepted.task(), origin);
                outcome = validate(accepted.task(), origin, record.value(), now);
            } else {
                TaskReadResult.Rejected rejected = (TaskReadResult.Rejected) read;
                outcome = new Outcome.DeadLettered(DeadLetters.forRawRecord(fallbackId(origin), record.value(),
                        rejected.reason(), rejected.detail(), null, origin, now));
            }
        } catch (RuntimeException e) {
            outcome = new Outcome.DeadLettered(DeadLetters.forRawRecord(fallbackId(origin), record.value(),
                    DeadLetterReason.PROCESSING_ERROR, "unexpected error while decoding", DeadLetters.describe(e),
                    origin, now));
        }
        Record<String, Outcome> out = Routing.toRecord(outcome, routes, now);
        Header replayOf = record.headers().lastHeader(OutputHeaders.REPLAY_OF);
        if (replayOf != null && outcome instanceof Outcome.Accepted) {
            out.headers().add(replayOf);
        }
        context.forward(out);
    }

    private void count(CollectorTask task, RecordOrigin origin) {
        if (origin.getTopic().equals(retryTopic)) {
            metrics.onRetryRead(task.getExchange());
        } else {
            metrics.onAccepted(task.getExchange(), task.getDataType());
        }
    }

    private Outcome validate(CollectorTask task, RecordOrigin origin, byte[] raw, long now) {
        if (task.getOrigin() == null) {
            task.setOrigin(origin);
        }
        String decidingKey;
        try {
            decidingKey = routes.decidingKeyOf(routes.resolve(task));
        } catch (IllegalArgumentException unroutable) {
            return new Outcome.DeadLettered(DeadLetters.forTask(task, DeadLetterReason.INVALID,
                    unroutable.getMessage(), null, now));
        }
        return new Outcome.Accepted(task, decidingKey, partitioner.partitionOf(decidingKey) == origin.getPartition());
    }

    /** The id of a record that could not be read as a task: its coordinates. */
    private static String fallbackId(RecordOrigin origin) {
        return origin.getTopic() + "-" + origin.getPartition() + "-" + origin.getOffset();
    }

    private RecordOrigin origin() {
        RecordMetadata md = context.recordMetadata().orElseThrow();
        return new RecordOrigin(md.topic(), md.partition(), md.offset());
    }
}
