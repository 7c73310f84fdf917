package io.marketprism.schemas.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.TaskResult;
import io.marketprism.schemas.codec.RecordDecodingException.Problem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record type as plain JSON, field for field as its Avro schema has them: a record is an object with its field
 * names, a nullable field holds its value or is left out when null, an enum is its symbol, a
 * {@code timestamp-millis} is an ISO-8601 instant (epoch millis are accepted when reading), {@code bytes} are base64.
 * Unlike Avro's own JSON encoding, union values are not wrapped in a type name, so the text reads like any JSON a
 * person would write; the schemas here have no union but {@code ["null", X]}, which makes that unambiguous.
 *
 * <p>Decoding checks the text against the current schema: unknown fields, missing required fields and values of the
 * wrong type are refused with the path of the field. Immutable and thread-safe.
 *
 * <pre>{"taskId":"t-1","exchange":"binance","market":"spot","dataType":"TICKER",...,"createdAt":"2026-01-15T10:00:00Z"}</pre>
 */
public final class RecordJson<T extends SpecificRecord> {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final RecordJson<CollectorTask> TASKS = new RecordJson<>(CollectorTask.getClassSchema());
    private static final RecordJson<TaskResult> RESULTS = new RecordJson<>(TaskResult.getClassSchema());
    private static final RecordJson<DeadLetter> DEAD_LETTERS = new RecordJson<>(DeadLetter.getClassSchema());

    /** Instantiates the generated classes, from the class loader that loaded them. */
    private static final SpecificData MODEL = new SpecificData(RecordJson.class.getClassLoader());

    private final Schema schema;

    private RecordJson(Schema schema) {
        AvroTrust.install();
        this.schema = schema;
    }

    /** Tasks, with the service's own fields ({@code attempts}, {@code notBefore}, {@code origin}) included. */
    public static RecordJson<CollectorTask> tasks() {
        return TASKS;
    }

    /** Results. */
    public static RecordJson<TaskResult> results() {
        return RESULTS;
    }

    /** Dead letters; {@code rawValue} in base64. */
    public static RecordJson<DeadLetter> deadLetters() {
        return DEAD_LETTERS;
    }

    /** The record as one line of JSON text. */
    public String write(T record) {
        return new String(encode(record), StandardCharsets.UTF_8);
    }

    /** The record as one line of UTF-8 JSON. */
    public byte[] encode(T record) {
        Objects.requireNonNull(record, "record");
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = MAPPER.createGenerator(out)) {
            writeValue(json, schema, record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + schema.getName() + " as JSON", e);
        }
        return out.toByteArray();
    }

    /**
     * The record in the UTF-8 JSON text.
     *
     * @throws RecordDecodingException ({@link Problem#INVALID_JSON}) when the text is no JSON object of this record
     */
    public T decode(byte[] json) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new RecordDecodingException(Problem.INVALID_JSON, "invalid JSON " + schema.getName() + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        @SuppressWarnings("unchecked")
        T record = (T) fromTree(tree, schema, schema.getName());
        return record;
    }

    private static void writeValue(JsonGenerator json, Schema schema, Object value) throws IOException {
        switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                json.writeStartObject();
                for (Schema.Field field : schema.getFields()) {
                    Object fieldValue = record.get(field.pos());
                    if (fieldValue != null) {
                        json.writeFieldName(field.name());
                        writeValue(json, field.schema(), fieldValue);
                    }
                }
                json.writeEndObject();
            }
            case UNION -> {
                if (value == null) {
                    json.writeNull();
                } else {
                    writeValue(json, nonNullBranch(schema), value);
                }
            }
            case ARRAY -> {
                json.writeStartArray();
                for (Object item : (List<?>) value) {
                    writeValue(json, schema.getElementType(), item);
                }
                json.writeEndArray();
            }
            case MAP -> {
                json.writeStartObject();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    json.writeFieldName(entry.getKey().toString());
                    writeValue(json, schema.getValueType(), entry.getValue());
                }
                json.writeEndObject();
            }
            case LONG -> {
                if (value instanceof Instant instant) {
                    json.writeString(instant.toString());
                } else {
                    json.writeNumber((Long) value);
                }
            }
            case INT -> json.writeNumber((Integer) value);
            case BOOLEAN -> json.writeBoolean((Boolean) value);
            case DOUBLE -> json.writeNumber((Double) value);
            case FLOAT -> json.writeNumber((Float) value);
            case BYTES -> {
                ByteBuffer bytes = ((ByteBuffer) value).duplicate();
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                json.writeString(Base64.getEncoder().encodeToString(copy));
            }
            case STRING, ENUM -> json.writeString(value.toString());
            default -> throw new IllegalArgumentException("no JSON form for Avro type " + schema.getType());
        }
    }

    /**
     * The value of {@code schema} held by {@code node}, as the generated classes hold it.
     *
     * @param path where the value sits, for messages, e.g. {@code CollectorTask.attempts[0].outcome}
     * @throws RecordDecodingException ({@link Problem#INVALID_JSON}) naming the path and what was expected
     */
    static Object fromTree(JsonNode node, Schema schema, String path) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!node.isObject()) {
                    throw wrong(path, "an object", node);
                }
                for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (schema.getField(name) == null) {
                        throw invalid(path + ": unknown field '" + name + "'; allowed fields: "
                                + String.join(", ", schema.getFields().stream().map(Schema.Field::name).toList()));
                    }
                }
                IndexedRecord record = (IndexedRecord) MODEL.newRecord(null, schema);
                for (Schema.Field field : schema.getFields()) {
                    JsonNode value = node.get(field.name());
                    String fieldPath = path + "." + field.name();
                    if (value == null || value.isNull()) {
                        if (!field.hasDefaultValue()) {
                            throw invalid(fieldPath + ": required field is missing");
                        }
                        record.put(field.pos(), MODEL.deepCopy(field.schema(),
                                MODEL.getDefaultValue(field)));
                    } else {
                        record.put(field.pos(), fromTree(value, field.schema(), fieldPath));
                    }
                }
                return record;
            }
            case UNION -> {
                return node.isNull() ? null : fromTree(node, nonNullBranch(schema), path);
            }
            case ARRAY -> {
                if (!node.isArray()) {
                    throw wrong(path, "an array", node);
                }
                List<Object> items = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    items.add(fromTree(node.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return items;
            }
            case MAP -> {
                if (!node.isObject()) {
                    throw wrong(path, "an object", node);
                }
                Map<String, Object> entries = new LinkedHashMap<>();
                node.fields().forEachRemaining(entry -> entries.put(entry.getKey(),
                        fromTree(entry.getValue(), schema.getValueType(), path + "." + entry.getKey())));
                return entries;
            }
            case LONG -> {
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    return instant(node, path);
                }
                if (!node.canConvertToLong() || !node.isIntegralNumber()) {
                    throw wrong(path, "an integer", node);
                }
                return node.longValue();
            }
            case INT -> {
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw wrong(path, "a 32-bit integer", node);
                }
                return node.intValue();
            }
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw wrong(path, "true or false", node);
                }
                return node.booleanValue();
            }
            case DOUBLE, FLOAT -> {
                if (!node.isNumber()) {
                    throw wrong(path, "a number", node);
                }
                return schema.getType() == Schema.Type.DOUBLE ? (Object) node.doubleValue() : node.floatValue();
            }
            case BYTES -> {
                if (!node.isTextual()) {
                    throw wrong(path, "base64 text", node);
                }
                try {
                    return ByteBuffer.wrap(Base64.getDecoder().decode(node.textValue()));
                } catch (IllegalArgumentException e) {
                    throw invalid(path + ": not base64: " + e.getMessage());
                }
            }
            case STRING -> {
                if (!node.isTextual()) {
                    throw wrong(path, "a string", node);
                }
                return node.textValue();
            }
            case ENUM -> {
                if (!node.isTextual() || !schema.getEnumSymbols().contains(node.textValue())) {
                    throw wrong(path, "one of " + schema.getEnumSymbols(), node);
                }
                return MODEL.createEnum(node.textValue(), schema);
            }
            default -> throw new IllegalArgumentException("no JSON form for Avro type " + schema.getType());
        }
    }

    private static Instant instant(JsonNode node, String path) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Instant.ofEpochMilli(node.longValue());
        }
        if (node.isTextual()) {
            try {
                return Instant.ofEpochMilli(IsoInstants.toEpochMilli(node.textValue().strip()));
            } catch (DateTimeParseException | ArithmeticException e) {
                throw invalid(path + ": '" + node.textValue() + "' is neither epoch millis nor an ISO-8601 instant");
            }
        }
        throw wrong(path, "epoch millis or an ISO-8601 instant", node);
    }

    private static Schema nonNullBranch(Schema union) {
        for (Schema branch : union.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                return branch;
            }
        }
        throw new IllegalArgumentException("union without a non-null branch: " + union);
    }

    private static RecordDecodingException wrong(String path, String expected, JsonNode node) {
        return invalid(path + ": expected " + expected + ", got " + node.getNodeType().name().toLowerCase(Locale.ROOT) + (node.isValueNode() ? " " + node : ""));
    }

    private static RecordDecodingException invalid(String message) {
        return new RecordDecodingException(Problem.INVALID_JSON, message, null);
    }
}
