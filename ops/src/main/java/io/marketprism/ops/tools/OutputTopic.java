package io.marketprism.ops.tools;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.schemas.codec.RecordCodec;
import io.marketprism.schemas.codec.RecordDecodingException;
import io.marketprism.schemas.codec.RecordJson;
import io.marketprism.topology.config.ServiceConfig;
import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The output topics a user reads, and how their records turn into JSON: results and dead letters, Avro or JSON, in the
 * shape of {@link RecordJson}; reliability events as the JSON objects they already are.
 */
public enum OutputTopic {
    RESULTS(ServiceConfig.TopicNames::results,
            value -> Json.MAPPER.readTree(RecordJson.results().encode(RecordCodec.results().decode(value)))),
    DLQ(ServiceConfig.TopicNames::deadLetters,
            value -> Json.MAPPER.readTree(RecordJson.deadLetters().encode(RecordCodec.deadLetters().decode(value)))),
    EVENTS(ServiceConfig.TopicNames::events, value -> Json.MAPPER.readTree(value));

    /** Turns a record value into JSON. */
    @FunctionalInterface
    private interface Decoder {
        JsonNode decode(byte[] value) throws IOException;
    }

    /** Holds the mapper: an enum's constants are built before its own static fields. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    private final Function<ServiceConfig.TopicNames, String> defaultTopic;
    private final Decoder decoder;

    OutputTopic(Function<ServiceConfig.TopicNames, String> defaultTopic, Decoder decoder) {
        this.defaultTopic = defaultTopic;
        this.decoder = decoder;
    }

    /** The topic the service writes this output to under {@code topics}. */
    public String defaultTopic(ServiceConfig.TopicNames topics) {
        return defaultTopic.apply(topics);
    }

    /** The name on the command line: results, dlq, events. */
    public String commandName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The record's value as JSON.
     *
     * @throws IllegalArgumentException saying why the value cannot be decoded
     */
    public JsonNode toJson(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("the record has no value");
        }
        try {
            return decoder.decode(record.value());
        } catch (JacksonException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException | RecordDecodingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * A record that could not be decoded, as JSON: its coordinates, the {@code error} and the {@code value} in base64,
     * so that nothing read is silently left out.
     */
    public static JsonNode unreadable(ConsumerRecord<byte[], byte[]> record, String error) {
        ObjectNode unreadable = Json.MAPPER.createObjectNode();
        unreadable.put("topic", record.topic());
        unreadable.put("partition", record.partition());
        unreadable.put("offset", record.offset());
        unreadable.put("error", error);
        unreadable.put("value", record.value() == null ? null : Base64.getEncoder().encodeToString(record.value()));
        return unreadable;
    }
}
