package io.marketprism.topology.serde;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.OutputFormat;
import io.marketprism.schemas.codec.RecordCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for the service's records. It writes in one {@link OutputFormat}: Avro single-object encoding (marker,
 * schema fingerprint, body), which any consumer holding the schemas decodes without a schema registry, or plain JSON.
 * It reads either, telling them apart per record.
 */
public final class RecordSerde<T extends SpecificRecord> implements Serde<T> {

    private final RecordCodec<T> codec;
    private final OutputFormat format;

    private RecordSerde(RecordCodec<T> codec, OutputFormat format) {
        this.codec = codec;
        this.format = format;
    }

    public static RecordSerde<CollectorTask> tasks(OutputFormat format) {
        return new RecordSerde<>(RecordCodec.tasks(), format);
    }

    public static RecordSerde<TaskResult> results(OutputFormat format) {
        return new RecordSerde<>(RecordCodec.results(), format);
    }

    public static RecordSerde<DeadLetter> deadLetters(OutputFormat format) {
        return new RecordSerde<>(RecordCodec.deadLetters(), format);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : codec.encode(value, format);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return codec.decode(bytes);
            } catch (RuntimeException e) {
                throw new SerializationException("cannot decode record from " + topic + ": " + e.getMessage(), e);
            }
        };
    }
}
