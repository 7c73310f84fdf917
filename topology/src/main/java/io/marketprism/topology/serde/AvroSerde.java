package io.marketprism.topology.serde;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.AvroCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for the service's Avro records, in Avro single-object encoding (marker, schema fingerprint, body), so any
 * consumer holding the schemas can decode a record without a schema registry.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroCodec<T> codec;

    private AvroSerde(AvroCodec<T> codec) {
        this.codec = codec;
    }

    public static AvroSerde<CollectorTask> tasks() {
        return new AvroSerde<>(AvroCodec.tasks());
    }

    public static AvroSerde<TaskResult> results() {
        return new AvroSerde<>(AvroCodec.results());
    }

    public static AvroSerde<DeadLetter> deadLetters() {
        return new AvroSerde<>(AvroCodec.deadLetters());
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : codec.encode(value);
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
