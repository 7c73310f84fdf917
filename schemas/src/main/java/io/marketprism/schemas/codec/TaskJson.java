package io.marketprism.schemas.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.DeadLetterReason;
import io.marketprism.schemas.Priority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON shape of a {@link CollectorTask}: one object with the fields {@value #FIELD_LIST}. Required are
 * {@code exchange}, {@code dataType} and {@code symbol}; {@code createdAt} and {@code deadline} are epoch millis or an
 * ISO-8601 instant; {@code params} is an object of scalars. The retry state ({@code attempts}, {@code notBefore}) and
 * {@code origin} are the service's own and not part of the shape.
 *
 * <pre>{"taskId":"t-1","exchange":"binance","dataType":"ORDER_BOOK","symbol":"BTCUSDT","params":{"limit":"100"}}</pre>
 */
public final class TaskJson {

    static final String FIELD_LIST = "taskId, exchange, market, dataType, symbol, params, priority, weight, createdAt, "
            + "deadline, attempt";
    private static final List<String> FIELDS = List.of(FIELD_LIST.split(", "));

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

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
     * @param defaultTaskId the id of a task that gives none
     * @param recordTimestampMillis the createdAt of a task that gives none; negative when the record has no timestamp
     */
    static TaskReadResult read(byte[] json, String defaultTaskId, long recordTimestampMillis) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED, "invalid JSON: " + describe(e));
        } catch (IOException e) {
            return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED, "unreadable JSON: " + e.getMessage());
        }
        if (!(root instanceof ObjectNode object)) {
            return new TaskReadResult.Rejected(DeadLetterReason.MALFORMED,
                    "expected one JSON object, got " + typeOf(root));
        }
        FieldReader fields = new FieldReader(object);
        List<String> unknown = new ArrayList<>();
        object.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                unknown.add("'" + name + "'");
            }
        });
        if (!unknown.isEmpty()) {
            fields.problems.add((unknown.size() == 1 ? "unknown field " : "unknown fields ")
                    + String.join(", ", unknown) + "; allowed fields: " + FIELD_LIST);
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
                .build());
        List<String> violations = TaskRules.violations(task);
        if (!violations.isEmpty()) {
            return new TaskReadResult.Rejected(DeadLetterReason.INVALID, String.join("; ", violations));
        }
        return new TaskReadResult.Accepted(task, TaskReadResult.Format.JSON);
    }

    private static String describe(JacksonException e) {
        JsonLocation location = e.getLocation();
        return location == null ? e.getOriginalMessage()
                : e.getOriginalMessage() + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String typeOf(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** Reads the fields of one JSON task, collecting a problem per bad field; null or blank counts as missing. */
    private static final class FieldReader {

        private final ObjectNode json;
        private final List<String> problems = new ArrayList<>();

        FieldReader(ObjectNode json) {
            this.json = json;
        }

        boolean present(String field) {
            JsonNode node = json.get(field);
            return node != null && !node.isNull() && !(node.isTextual() && node.textValue().isBlank());
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
            JsonNode node = json.get(field);
            if (!node.isTextual()) {
                return wrongType(field, "a string", node);
            }
            return node.textValue();
        }

        /** The named constant, case-insensitive; the field is required when {@code absent} is null. */
        <E extends Enum<E>> E choice(String field, List<E> allowed, E absent) {
            String name = absent == null ? requiredText(field) : text(field, null);
            if (name == null) {
                return absent;
            }
            String wanted = name.strip().toUpperCase(Locale.ROOT);
            for (E value : allowed) {
                if (value.name().equals(wanted)) {
                    return value;
                }
            }
            problems.add(TaskRules.notOneOf(field, name, allowed));
            return absent;
        }

        Integer integer(String field, Integer absent) {
            if (!present(field)) {
                return absent;
            }
            JsonNode node = json.get(field);
            if (!node.isIntegralNumber()) {
                return wrongType(field, "an integer", node);
            }
            if (!node.canConvertToInt()) {
                problems.add("field '" + field + "': " + node.asText() + " is out of the 32-bit integer range");
                return null;
            }
            return node.intValue();
        }

        Instant instant(String field, Instant absent) {
            if (!present(field)) {
                return absent;
            }
            JsonNode node = json.get(field);
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return Instant.ofEpochMilli(node.longValue());
            }
            if (node.isTextual()) {
                try {
                    return Instant.ofEpochMilli(Instant.parse(node.textValue().strip()).toEpochMilli());
                } catch (DateTimeParseException | ArithmeticException e) {
                    problems.add("field '" + field + "': '" + node.textValue()
                            + "' is neither epoch millis nor an ISO-8601 instant");
                    return absent;
                }
            }
            return wrongType(field, "epoch millis or an ISO-8601 instant", node);
        }

        Map<String, String> params() {
            Map<String, String> params = new LinkedHashMap<>();
            JsonNode node = json.get("params");
            if (node == null || node.isNull()) {
                return params;
            }
            if (!node.isObject()) {
                wrongType("params", "an object", node);
                return params;
            }
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                JsonNode value = entry.getValue();
                if (value.isTextual() || value.isBoolean() || value.isIntegralNumber()) {
                    params.put(entry.getKey(), value.asText());
                } else if (value.isNumber()) {
                    params.put(entry.getKey(), value.decimalValue().toPlainString());
                } else {
                    problems.add("field 'params': value of '" + entry.getKey()
                            + "' must be a string, number or boolean, got " + typeOf(value));
                }
            }
            return params;
        }

        private <T> T wrongType(String field, String expected, JsonNode actual) {
            problems.add("field '" + field + "': expected " + expected + " but got " + typeOf(actual));
            return null;
        }
    }
}
