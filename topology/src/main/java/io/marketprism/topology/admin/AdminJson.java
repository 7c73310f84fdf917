package io.marketprism.topology.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The admin API's JSON: a listing is {@code {"items": [...], "unreachable": ["host:port", ...], "problems": [...]}},
 * the rows of every instance that answered, the instances that did not, and sentences saying what else the listing
 * lacks (empty when it is complete); a command's answer is {@code {"result": "..."}} and an error
 * {@code {"error": "..."}}.
 */
final class AdminJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private AdminJson() {
    }

    /** Rows of this instance as JSON, e.g. a list of {@link AdminViews.BreakerView}. */
    static ArrayNode rows(List<?> views) {
        return MAPPER.valueToTree(views);
    }

    static byte[] listing(ArrayNode items, Collection<String> unreachable, Collection<String> problems) {
        ObjectNode root = MAPPER.createObjectNode();
        root.set("items", items);
        ArrayNode down = root.putArray("unreachable");
        unreachable.forEach(down::add);
        ArrayNode lacking = root.putArray("problems");
        problems.forEach(lacking::add);
        return bytes(root);
    }

    /** The items of a listing another instance answered. */
    static ArrayNode itemsOf(byte[] listing) throws IOException {
        JsonNode items = MAPPER.readTree(listing).get("items");
        if (items == null || !items.isArray()) {
            throw new IOException("not an admin listing: no items array");
        }
        return (ArrayNode) items;
    }

    /**
     * The answers of a command applied on several partitions: {@code partitions}, one object per partition with its
     * {@code partition}, {@code status} and the fields of its own answer.
     */
    static byte[] perPartition(Map<Integer, ClusterQueries.Answer> answers) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode partitions = root.putArray("partitions");
        answers.forEach((partition, answer) -> {
            ObjectNode row = partitions.addObject().put("partition", partition).put("status", answer.status());
            try {
                JsonNode body = MAPPER.readTree(answer.body());
                if (body != null && body.isObject()) {
                    row.setAll((ObjectNode) body);
                }
            } catch (IOException unreadable) {
                row.put("error", "unreadable answer: " + unreadable.getMessage());
            }
        });
        return bytes(root);
    }

    static byte[] message(String field, String text) {
        return bytes(MAPPER.createObjectNode().put(field, text));
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
