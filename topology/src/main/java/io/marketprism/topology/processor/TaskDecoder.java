package io.marketprism.topology.processor;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.RecordOrigin;
import io.marketprism.schemas.codec.AvroCodec;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes the tasks the reliability step reads, from the repartition topic or from its own stores, one at a time:
 * bytes that do not decode are a dead letter with the raw bytes and where they came from, and the caller goes on.
 */
final class TaskDecoder {

    private static final AvroCodec<CollectorTask> TASKS = AvroCodec.tasks();

    private final OutcomeSink sink;
    private final int partition;

    TaskDecoder(OutcomeSink sink, int partition) {
        this.sink = sink;
        this.partition = partition;
    }

    /** The task of a repartitioned record, or null when its bytes do not decode (then they are dead-lettered). */
    CollectorTask fromRecord(Record<String, byte[]> record, RecordMetadata source, long now) {
        try {
            return TASKS.decode(record.value());
        } catch (RuntimeException undecodable) {
            String taskId = OutputHeaders.get(record.headers(), OutputHeaders.TASK_ID);
            reject(taskId != null ? taskId : source.topic() + "-" + source.partition() + "-" + source.offset(),
                    record.value(), "the repartitioned task does not decode", undecodable,
                    new RecordOrigin(source.topic(), source.partition(), source.offset()), now);
            return null;
        }
    }

    /** Dead-letters a damaged entry of {@code store}. */
    void rejectStored(String store, String key, byte[] value, RuntimeException damage, long now) {
        reject(key != null ? key : store + "-" + partition, value, "damaged entry in " + store, damage,
                new RecordOrigin(store, partition, -1L), now);
    }

    private void reject(String id, byte[] value, String detail, RuntimeException cause, RecordOrigin origin,
                        long now) {
        sink.rejected(DeadLetters.forRawRecord(id, value, DeadLetterReason.PROCESSING_ERROR, detail,
                DeadLetters.describe(cause), origin, now), now);
    }
}
