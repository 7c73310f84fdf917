package io.marketprism.schemas.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.Priority;
import io.marketprism.schemas.RecordOrigin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The JSON shape of a {@link CollectorTask}: one object with the fields {@value #FIELD_LIST}. Required are
 * {@code exchange}, {@code dataType} and {@code symbol}; {@code createdAt} and {@code deadline} are epoch millis or an
 * ISO-8601 instant; {@code params} is an object of scalars. The retry state ({@code attempts}, {@code notBefore}) and
 * {@code origin} are the service's own: {@link #write} leaves them out, but they are read when present, in the shape
 * of {@link RecordJson}, so that retries the service writes as JSON ({@code output.format=json}) come back whole.
 *
 * <pre>{"taskId":"t-1","exchange":"binance","dataType":"ORDER_BOOK","symbol":"BTCUSDT","params":{"limit":"100"}}</pre>
 */
public final class TaskJson {

    static final String FIELD_LIST = "taskId, exchange, market, dataType, symbol, params, priority, weight, createdAt, "
            + "deadline, attempt, attempts, notBefore, origin";
    private static final List<String> FIELDS = List.of(FIELD_LIST.split(", "));

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /**
     * The same without the parser's duplicate detection, which keeps a set of the names of every object it reads:
     * {@link FieldReader} finds duplicates itself from the slots it fills, and a document with one is read again
     * with {@link #MAPPER}, so that its rejection reads exactly as before.
     */
    private static final JsonMapper UNCHECKED_MAPPER = MAPPER.rebuild()
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * Reads one nested value of a task as a tree, leaving the parser on its last token for the rest of the task; a
     * duplicate member fails the read (also when {@link #UNCHECKED_MAPPER}'s parser does not look for them).
     */
    private static final ObjectReader NESTED_VALUES = MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private TaskJson() {
    }

    /** The task in the JSON shape, every field written (timestamps as ISO-8601), nulls left out. */
    public static String write(CollectorTask task) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("taskId", task.getTaskId());
        json.put("exchange", task.getExchange());
        json.put("market", task.getMarket());
        json.put("dataType", task.getDataType().name());
        json.put("symbol", task.getSymbol());
        ObjectNode params = json.putObject("params");
        task.getParams().forEach(params::put);
        json.put("priority", task.getPriority().name());
        if (task.getWeight() != null) {
            json.put("weight", task.getWeight());
        }
        json.put("createdAt", task.getCreatedAt().toString());
        if (task.getDeadline() != null) {
            json.put("deadline", task.getDeadline().toString());
        }
        json.put("attempt", task.getAttempt());
        try {
            return MAPPER.writeValueAsString(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write task " + task.getTaskId() + " as JSON", e);
        }
    }

    /**
     * Parses and validates one JSON task.
     *
     * <p>The object is read with a streaming parser into one {@link Value} per field (containers other than
     * {@code params} are read as trees, which only invalid tasks have). A document the streaming read does not take
     * as one object (another root value, or tokens after the object) is parsed again as a tree so that its rejection
     * reads exactly as it always did.
     *
     * @param defaultTaskId the id of a task that gives none
     * @param recordTimestampMillis the createdAt of a task that gives none; negative when the record has no timestamp
     */
    static TaskReadResult read(byte[] json, String defaultTaskId, long recordTimestampMillis) {
        FieldReader fields;
        try (JsonParser parser = UNCHECKED_MAPPER.createParser(json)) {
            fields = FieldReader.parse(parser);
        } catch (IOException uncheckedReadFailed) {
            try (JsonParser parser = MAPPER.createParser(json)) {
                fields = FieldReader.parse(parser);
            } catch (JacksonException e) {
                return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED, "invalid JSON: " + describe(e));
            } catch (IOException e) {
                return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED, "unreadable JSON: " + e.getMessage());
            }
        }
        if (fields == null) {
            return rejectedAsTree(json);
        }
        if (!fields.unknown.isEmpty()) {
            fields.problems.add((fields.unknown.size() == 1 ? "unknown field " : "unknown fields ")
                    + String.join(", ", fields.unknown) + "; allowed fields: " + FIELD_LIST);
        }
        String taskId = fields.text("taskId", defaultTaskId);
        String exchange = fields.requiredText("exchange");
        String market = fields.text("market", "spot");
        DataType dataType = fields.choice("dataType", TaskRules.REQUESTABLE_DATA_TYPES, null);
        String symbol = fields.requiredText("symbol");
        Map<String, String> params = fields.params();
        Priority priority = fields.choice("priority", List.of(Priority.values()), Priority.NORMAL);
        Integer weight = fields.integer("weight", null);
        Instant createdAt = fields.instant("createdAt",
                recordTimestampMillis < 0 ? null : Instant.ofEpochMilli(recordTimestampMillis));
        Instant deadline = fields.instant("deadline", null);
        Integer attempt = fields.integer("attempt", 0);
        @SuppressWarnings("unchecked")
        List<Attempt> attempts = (List<Attempt>) fields.nested("attempts");
        Instant notBefore = fields.instant("notBefore", null);
        RecordOrigin origin = (RecordOrigin) fields.nested("origin");
        if (!fields.present("createdAt") && recordTimestampMillis < 0) {
            fields.problems.add(TaskRules.missing("createdAt") + " (the record has no timestamp to default to)");
        }
        if (!fields.problems.isEmpty()) {
            return new TaskReadResult.Rejected(DeadLetterReason.INVALID, String.join("; ", fields.problems));
        }
        CollectorTask task = TaskRules.normalize(CollectorTask.newBuilder()
                .setTaskId(taskId)
                .setExchange(exchange)
                .setMarket(market)
                .setDataType(dataType)
                .setSymbol(symbol)
                .setParams(params)
                .setPriority(priority)
                .setWeight(weight)
                .setCreatedAt(createdAt)
                .setDeadline(deadline)
                .setAttempt(attempt)
                .setAttempts(attempts == null ? List.of() : attempts)
                .setNotBefore(notBefore)
                .setOrigin(origin)
                .build());
        List<String> violations = TaskRules.violations(task);
        if (!violations.isEmpty()) {
            return new TaskReadResult.Rejected(DeadLetterReason.INVALID, String.join("; ", violations));
        }
        return new TaskReadResult.Accepted(task, TaskReadResult.Format.JSON);
    }

    /** The rejection of a document that is not exactly one JSON object, as the tree parser words it. */
    private static TaskReadResult.Rejected rejectedAsTree(byte[] json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED,
                    "expected one JSON object, got " + typeOf(root));
        } catch (JacksonException e) {
            return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED, "invalid JSON: " + describe(e));
        } catch (IOException e) {
            return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED, "unreadable JSON: " + e.getMessage());
        }
    }

    private static String describe(JacksonException e) {
        JsonLocation location = e.getLocation();
        return location == null ? e.getOriginalMessage()
                : e.getOriginalMessage() + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String typeOf(JsonNode node) {
        return typeName(node.getNodeType());
    }

    private static String typeName(JsonNodeType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /**
     * One JSON value as far as the task rules look at it: its type; the text of a string or boolean; the number as
     * the tree parser would hold it ({@code Integer}, {@code Long} or {@code BigInteger} for integers,
     * {@code BigDecimal} for the others); the members of the {@code params} object; the tree of any other container.
     */
    private record Value(JsonNodeType type, String text, Number number, Map<String, Value> members, JsonNode tree) {

        static final Value NULL = new Value(JsonNodeType.NULL, null, null, null, null);
        static final Value TRUE = new Value(JsonNodeType.BOOLEAN, "true", null, null, null);
        static final Value FALSE = new Value(JsonNodeType.BOOLEAN, "false", null, null, null);

        /** Reads the value whose first token is current; containers are read whole, as a tree. */
        static Value read(JsonParser parser) throws IOException {
            return switch (parser.currentToken()) {
                case VALUE_STRING -> new Value(JsonNodeType.STRING, parser.getText(), null, null, null);
                case VALUE_NUMBER_INT -> new Value(JsonNodeType.NUMBER, null, parser.getNumberValue(), null, null);
                case VALUE_NUMBER_FLOAT -> new Value(JsonNodeType.NUMBER, null, parser.getDecimalValue(), null, null);
                case VALUE_TRUE -> TRUE;
                case VALUE_FALSE -> FALSE;
                case VALUE_NULL -> NULL;
                default -> {
                    JsonNode tree = NESTED_VALUES.readTree(parser);
                    yield new Value(tree.getNodeType(), null, null, null, tree);
                }
            };
        }

        /** Reads the value of {@code params}: an object member by member, anything else as {@link #read} does. */
        static Value readParams(JsonParser parser) throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                return read(parser);
            }
            Map<String, Value> members = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (members.put(name, read(parser)) != null) {
                    throw new DuplicateField();
                }
            }
            return new Value(JsonNodeType.OBJECT, null, null, members, null);
        }

        boolean isIntegral() {
            return number instanceof Integer || number instanceof Long || number instanceof BigInteger;
        }
    }

    /** A member name seen twice in one object; the document is read again by the checking parser. */
    private static final class DuplicateField extends IOException {
        DuplicateField() {
            super("duplicate member", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Reads the fields of one JSON task, collecting a problem per bad field; null or blank counts as missing. */
    private static final class FieldReader {

        private static final int PARAMS = FIELDS.indexOf("params");

        private final Value[] values = new Value[FIELDS.size()];
        private final List<String> unknown = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();

        /**
         * Reads the object the parser is at the start of, up to the end of the input; null when the input is not
         * exactly one object.
         */
        static FieldReader parse(JsonParser parser) throws IOException {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            FieldReader fields = new FieldReader();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                int index = FIELDS.indexOf(name);
                parser.nextToken();
                if (index >= 0 && fields.values[index] != null || index < 0 && fields.unknown.contains("'" + name + "'")) {
                    throw new DuplicateField();
                }
                if (index == PARAMS) {
                    fields.values[index] = Value.readParams(parser);
                } else if (index >= 0) {
                    fields.values[index] = Value.read(parser);
                } else {
                    Value.read(parser);
                    fields.unknown.add("'" + name + "'");
                }
            }
            return parser.nextToken() == null ? fields : null;
        }

        private Value value(String field) {
            return values[FIELDS.indexOf(field)];
        }

        boolean present(String field) {
            Value value = value(field);
            return value != null && value.type() != JsonNodeType.NULL
                    && !(value.type() == JsonNodeType.STRING && value.text().isBlank());
        }

        String requiredText(String field) {
            if (!present(field)) {
                problems.add(TaskRules.missing(field));
                return null;
            }
            return text(field, null);
        }

        String text(String field, String absent) {
            if (!present(field)) {
                return absent;
            }
            Value value = value(field);
            if (value.type() != JsonNodeType.STRING) {
                return wrongType(field, "a string", value);
            }
            return value.text();
        }

        /** The named constant, case-insensitive; the field is required when {@code absent} is null. */
        <E extends Enum<E>> E choice(String field, List<E> allowed, E absent) {
            String name = absent == null ? requiredText(field) : text(field, null);
            if (name == null) {
                return absent;
            }
            String stripped = name.strip();
            if (isAscii(stripped)) {
                // for ASCII text the same test as the one below, without making an upper-case copy
                for (E value : allowed) {
                    if (value.name().equalsIgnoreCase(stripped)) {
                        return value;
                    }
                }
            } else {
                String wanted = stripped.toUpperCase(Locale.ROOT);
                for (E value : allowed) {
                    if (value.name().equals(wanted)) {
                        return value;
                    }
                }
            }
            problems.add(TaskRules.notOneOf(field, name, allowed));
            return absent;
        }

        Integer integer(String field, Integer absent) {
            if (!present(field)) {
                return absent;
            }
            Value value = value(field);
            if (!value.isIntegral()) {
                return wrongType(field, "an integer", value);
            }
            if (!(value.number() instanceof Integer number)) {
                problems.add("field '" + field + "': " + value.number() + " is out of the 32-bit integer range");
                return null;
            }
            return number;
        }

        Instant instant(String field, Instant absent) {
            if (!present(field)) {
                return absent;
            }
            Value value = value(field);
            if (value.number() instanceof Integer || value.number() instanceof Long) {
                return Instant.ofEpochMilli(value.number().longValue());
            }
            if (value.type() == JsonNodeType.STRING) {
                try {
                    return Instant.ofEpochMilli(IsoInstants.toEpochMilli(value.text().strip()));
                } catch (DateTimeParseException | ArithmeticException e) {
                    problems.add("field '" + field + "': '" + value.text()
                            + "' is neither epoch millis nor an ISO-8601 instant");
                    return absent;
                }
            }
            return wrongType(field, "epoch millis or an ISO-8601 instant", value);
        }

        Map<String, String> params() {
            Map<String, String> params = new LinkedHashMap<>();
            Value value = values[PARAMS];
            if (value == null || value.type() == JsonNodeType.NULL) {
                return params;
            }
            if (value.members() == null) {
                wrongType("params", "an object", value);
                return params;
            }
            value.members().forEach((name, member) -> {
                if (member.type() == JsonNodeType.STRING || member.type() == JsonNodeType.BOOLEAN) {
                    params.put(name, member.text());
                } else if (member.isIntegral()) {
                    params.put(name, member.number().toString());
                } else if (member.number() instanceof BigDecimal decimal) {
                    params.put(name, decimal.toPlainString());
                } else {
                    problems.add("field 'params': value of '" + name
                            + "' must be a string, number or boolean, got " + typeName(member.type()));
                }
            });
            return params;
        }

        /**
         * The value of one of the service's own nested fields ({@code attempts}, {@code origin}) as the generated
         * classes hold it, read against the field's schema; null when absent or wrong.
         */
        Object nested(String field) {
            if (!present(field)) {
                return null;
            }
            Value value = value(field);
            Schema schema = CollectorTask.getClassSchema().getField(field).schema();
            if (value.tree() == null) {
                return wrongType(field, schema.getType() == Schema.Type.ARRAY ? "an array" : "an object", value);
            }
            try {
                return RecordJson.fromTree(value.tree(), schema, "field '" + field + "'");
            } catch (RecordDecodingException e) {
                problems.add(e.getMessage());
                return null;
            }
        }

        private <T> T wrongType(String field, String expected, Value actual) {
            problems.add("field '" + field + "': expected " + expected + " but got " + typeName(actual.type()));
            return null;
        }
    }
}
