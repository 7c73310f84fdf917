package io.marketprism.topology.processor;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Plain-text headers on every output record, readable without Avro (e.g. {@code kcat -f '%h'}).
 */
public final class OutputHeaders {

    public static final String TASK_ID = "task-id";
    public static final String EXCHANGE = "exchange";
    public static final String OUTCOME = "outcome";
    public static final String REASON = "reason";
    /**
     * On a task: the coordinates of the dead letter it is a replay of (set by {@code dlq replay}). Carried from the
     * input through the repartition topic, so that a replayed task id that finished before is taken up again.
     */
    public static final String REPLAY_OF = "replay-of";

    public static final String OUTCOME_SUCCESS = "SUCCESS";
    public static final String OUTCOME_RETRY = "RETRY";
    public static final String OUTCOME_DEAD_LETTER = "DEAD_LETTER";
    public static final String OUTCOME_EVENT = "EVENT";

    private OutputHeaders() {
    }

    /** Fresh headers for an output record; the input's headers are not carried over. */
    public static Headers of(String taskId, String exchange, String outcome, String reason) {
        Headers headers = new RecordHeaders();
        put(headers, TASK_ID, taskId);
        put(headers, EXCHANGE, exchange);
        put(headers, OUTCOME, outcome);
        put(headers, REASON, reason);
        return headers;
    }

    /** The value of a header as text, or null (also for null headers). */
    public static String get(Headers headers, String key) {
        var header = headers == null ? null : headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String key, String value) {
        if (value != null) {
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
