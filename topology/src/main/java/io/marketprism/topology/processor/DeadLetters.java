package io.marketprism.topology.processor;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.RecordOrigin;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds dead-letter records: the task (or the raw bytes), why, the last error and where the record came from. */
final class DeadLetters {

    private DeadLetters() {
    }

    static DeadLetter forTask(CollectorTask task, DeadLetterReason reason, String detail, String lastError, long now) {
        RecordOrigin origin = task.getOrigin();
        return DeadLetter.newBuilder()
                .setTaskId(task.getTaskId())
                .setTask(task)
                .setReason(reason)
                .setDetail(detail)
                .setLastError(lastError)
                .setSourceTopic(origin == null ? "" : origin.getTopic())
                .setSourcePartition(origin == null ? -1 : origin.getPartition())
                .setSourceOffset(origin == null ? -1 : origin.getOffset())
                .setDeadLetteredAt(Instant.ofEpochMilli(now))
                .build();
    }

    static DeadLetter forRawRecord(String taskId, byte[] raw, DeadLetterReason reason, String detail, String lastError,
                                   RecordOrigin origin, long now) {
        return DeadLetter.newBuilder()
                .setTaskId(taskId)
                .setRawValue(raw == null ? null : ByteBuffer.wrap(raw))
                .setReason(reason)
                .setDetail(detail)
                .setLastError(lastError)
                .setSourceTopic(origin.getTopic())
                .setSourcePartition(origin.getPartition())
                .setSourceOffset(origin.getOffset())
                .setDeadLetteredAt(Instant.ofEpochMilli(now))
                .build();
    }

    static String describe(Throwable error) {
        return error.getClass().getName() + ": " + error.getMessage();
    }
}
