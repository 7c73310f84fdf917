package io.marketprism.ops.tools;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.codec.AvroCodec;
import io.marketprism.schemas.codec.TaskJson;
import java.nio.charset.StandardCharsets;

/** The encodings a task can be written to the input topic in; both are read by the service. */
public enum TaskFormat {
    /** The JSON shape of {@link TaskJson}: readable, but without the attempt history. */
    JSON {
        @Override
        public byte[] encode(CollectorTask task) {
            return TaskJson.write(task).getBytes(StandardCharsets.UTF_8);
        }
    },
    /** Avro single-object encoding: every field, the attempt history included. */
    AVRO {
        @Override
        public byte[] encode(CollectorTask task) {
            return AvroCodec.tasks().encode(task);
        }
    };

    /** The task's bytes in this format. */
    public abstract byte[] encode(CollectorTask task);
}
