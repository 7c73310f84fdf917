package io.marketprism.schemas.codec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetterReason;
import java.util.List;

/**
 * Turns the value of one input record into a validated {@link CollectorTask}, detecting the format per record:
 * bytes starting with the marker {@code C3 01} are Avro single-object encoded; bytes whose first non-whitespace
 * byte is <code>'{'</code> are one JSON object in the shape of {@link TaskJson}; anything else is malformed.
 *
 * <p>Never throws for any input: every record is either accepted or rejected with a reason and a detail naming the
 * field and the problem. Stateless and thread-safe.
 */
public final class TaskReader {

    private final AvroCodec<CollectorTask> codec = AvroCodec.tasks();

    /** A reader decoding Avro with {@link AvroCodec#tasks()}. */
    public TaskReader() {
    }

    /**
     * Reads one record value.
     *
     * @param value the record's value, may be null (a tombstone)
     * @param topic the record's topic; with partition and offset it makes the id of a JSON task that gives none
     * @param recordTimestampMillis the createdAt of a JSON task that gives none; negative when the record has none
     */
    public TaskReadResult read(byte[] value, String topic, int partition, long offset, long recordTimestampMillis) {
        if (value == null || value.length == 0) {
            return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED,
                    value == null ? "the record has no value" : "the record value is empty");
        }
        if (AvroCodec.startsWithMarker(value)) {
            return readAvro(value);
        }
        if (RecordCodec.startsWithJsonObject(value)) {
            return TaskJson.read(value, topic + "-" + partition + "-" + offset, recordTimestampMillis);
        }
        return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED, "neither Avro single-object encoding "
                + "(marker C3 01) nor a JSON object (first non-whitespace byte '{'): " + AvroCodec.describe(value));
    }

    private TaskReadResult readAvro(byte[] value) {
        CollectorTask task;
        try {
            task = codec.decode(value);
        } catch (RecordDecodingException e) {
            return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED, e.getMessage());
        }
        List<String> violations = TaskRules.violations(TaskRules.normalize(task));
        if (!violations.isEmpty()) {
            return new TaskReadResult.Rejected(DeadLetterReason.INVALID, String.join("; ", violations));
        }
        return new TaskReadResult.Accepted(task, TaskReadResult.Format.AVRO);
    }
}
