package io.marketprism.ops.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.schemas.Attempt;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.codec.TaskJson;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * Renders a {@link DeadLetterEntry} as one JSON object: {@code dlq} (topic, partition, offset), {@code taskId},
 * {@code reason}, {@code detail}, {@code lastError}, {@code source} (topic, partition, offset), {@code deadLetteredAt}
 * (ISO-8601), then {@code task} in the shape of {@link TaskJson} or {@code rawValue} in base64, and with history
 * {@code attempts}. A record that holds no dead letter renders as {@code dlq}, {@code error} and base64 {@code value}.
 */
public final class DeadLetterJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private DeadLetterJson() {
    }

    /**
     * The entry as JSON text.
     *
     * @param history whether to include the task's attempt history
     * @param pretty indented over several lines instead of one line
     */
    public static String write(DeadLetterEntry entry, boolean history, boolean pretty) {
        ObjectNode json = toJson(entry, history);
        try {
            return pretty ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json)
                    : MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot render dead letter " + entry.coordinates(), e);
        }
    }

    /** The entry as a JSON tree. */
    public static ObjectNode toJson(DeadLetterEntry entry, boolean history) {
        ObjectNode json = MAPPER.createObjectNode();
        ObjectNode dlq = json.putObject("dlq");
        dlq.put("topic", entry.topic());
        dlq.put("partition", entry.partition());
        dlq.put("offset", entry.offset());
        DeadLetter letter = entry.letter();
        if (letter == null) {
            json.put("error", entry.decodingError());
            json.put("value", base64(entry.value()));
            return json;
        }
        json.put("taskId", letter.getTaskId());
        json.put("reason", letter.getReason().name());
        json.put("detail", letter.getDetail());
        json.put("lastError", letter.getLastError());
        ObjectNode source = json.putObject("source");
        source.put("topic", letter.getSourceTopic());
        source.put("partition", letter.getSourcePartition());
        source.put("offset", letter.getSourceOffset());
        json.put("deadLetteredAt", letter.getDeadLetteredAt().toString());
        if (letter.getTask() != null) {
            json.set("task", readTree(TaskJson.write(letter.getTask())));
            if (history) {
                ArrayNode attempts = json.putArray("attempts");
                letter.getTask().getAttempts().forEach(attempt -> attempts.add(toJson(attempt)));
            }
        } else {
            byte[] raw = entry.rawValue();
            json.put("rawValue", raw == null ? null : base64(raw));
        }
        return json;
    }

    private static ObjectNode toJson(Attempt attempt) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("number", attempt.getNumber());
        json.put("endpoint", attempt.getEndpoint());
        json.put("startedAt", attempt.getStartedAt().toString());
        json.put("latencyMs", attempt.getLatencyMs());
        json.put("outcome", attempt.getOutcome().name());
        json.put("errorClass", attempt.getErrorClass() == null ? null : attempt.getErrorClass().name());
        json.put("httpStatus", attempt.getHttpStatus());
        json.put("message", attempt.getMessage());
        json.put("delayBeforeNextMs", attempt.getDelayBeforeNextMs());
        return json;
    }

    private static ObjectNode readTree(String text) {
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("TaskJson wrote invalid JSON: " + text, e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
