package io.marketprism.topology.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.reliability.engine.ReliabilityEvent;
import java.time.Instant;

/** Renders a reliability event as one line of JSON for the events topic. */
public final class EventJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventJson() {
    }

    public static String write(ReliabilityEvent event) {
        ObjectNode node = JSON.createObjectNode()
                .put("at", Instant.ofEpochMilli(event.at()).toString())
                .put("kind", event.kind().name())
                .put("exchange", event.exchange())
                .put("subject", event.subject())
                .put("detail", event.detail());
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render event " + event, e);
        }
    }
}
