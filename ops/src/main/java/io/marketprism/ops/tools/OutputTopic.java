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
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The output topics a user reads, and how their records turn into JSON: results and dead letters, Avro or JSON, in the
 * shape of {@link RecordJson}; reliability events as the JSON objects they already are.
 */
public enum OutputTopic {
    RESULTS {
        @Override
        public String defaultTopic(ServiceConfig.TopicNames topics) {
            return topics.results();
        }

        @Override
        JsonNode decode(byte[] value) throws IOException {
            return MAPPER.readTree(RecordJson.results().encode(RecordCodec.results().decode(value)));
        }
    },
    DLQ {
        @Override
        public String defaultTopic(ServiceConfig.TopicNames topics) {
            return topics.deadLetters();
        }

        @Override
        JsonNode decode(byte[] value) throws IOException {
            return MAPPER.readTree(RecordJson.deadLetters().encode(RecordCodec.deadLetters().decode(value)));
        }
    },
    EVENTS {
        @Override
        public String defaultTopic(ServiceConfig.TopicNames topics) {
            return topics.events();
        }

        @Override
        JsonNode decode(byte[] value) throws IOException {
            return MAPPER.readTree(value);
        }
    };

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** The topic the service writes this output to under {@code topics}. */
    public abstract String defaultTopic(ServiceConfig.TopicNames topics);

    abstract JsonNode decode(byte[] value) throws IOException;

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
            return decode(record.value());
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
        ObjectNode unreadable = MAPPER.createObjectNode();
        unreadable.put("topic", record.topic());
        unreadable.put("partition", record.partition());
        unreadable.put("offset", record.offset());
        unreadable.put("error", error);
        unreadable.put("value", record.value() == null ? null : Base64.getEncoder().encodeToString(record.value()));
        return unreadable;
    }
}
