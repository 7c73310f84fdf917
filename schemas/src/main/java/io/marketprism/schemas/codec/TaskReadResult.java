package io.marketprism.schemas.codec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetterReason;
import java.util.Objects;

/** What {@link TaskReader} made of one input record: a valid task, or the reason to dead-letter the record. */
public sealed interface TaskReadResult permits TaskReadResult.Accepted, TaskReadResult.Rejected {

    /** The encoding an input record was detected to be in. */
    enum Format {
        /** Avro single-object encoding. */
        AVRO,
        /** One JSON object. */
        JSON
    }

    /** A decoded, validated task (a fresh instance the caller may modify) and the format it came in. */
    record Accepted(CollectorTask task, Format format) implements TaskReadResult {
        public Accepted {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(format, "format");
        }
    }

    /**
     * A record that is no task: {@link DeadLetterReason#MALFORMED} when the bytes cannot be decoded,
     * {@link DeadLetterReason#INVALID} when they decode but the content breaks the rules; {@code detail} names the
     * field and the problem.
     */
    record Rejected(DeadLetterReason reason, String detail) implements TaskReadResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
