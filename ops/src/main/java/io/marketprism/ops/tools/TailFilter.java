package io.marketprism.ops.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which decoded output records {@code tail} prints: by exchange, data type and dead-letter reason, each a set of
 * allowed values (empty allows all), compared case-insensitively. A result names its exchange and data type itself, a
 * dead letter through its task, an event names its exchange; a dead letter without a task (undecodable input) has
 * neither and passes only filters it has values for.
 */
public record TailFilter(Set<String> exchanges, Set<String> dataTypes, Set<String> reasons) {

    public TailFilter {
        exchanges = normalized(exchanges);
        dataTypes = normalized(dataTypes);
        reasons = normalized(reasons);
    }

    /** A filter of these values; empty collections allow everything. */
    public static TailFilter of(Collection<String> exchanges, Collection<String> dataTypes,
                                Collection<String> reasons) {
        return new TailFilter(Set.copyOf(exchanges), Set.copyOf(dataTypes), Set.copyOf(reasons));
    }

    /**
     * Checks the filter applies to {@code topic}.
     *
     * @throws IllegalArgumentException naming the option that has no meaning there
     */
    public TailFilter checkFor(OutputTopic topic) {
        if (!reasons.isEmpty() && topic != OutputTopic.DLQ) {
            throw new IllegalArgumentException("--reason filters dead letters; " + topic.commandName()
                    + " have no reason");
        }
        if (!dataTypes.isEmpty() && topic == OutputTopic.EVENTS) {
            throw new IllegalArgumentException("--data-type filters results and dead letters; events have no data type");
        }
        return this;
    }

    /** True when the decoded record of {@code topic} passes every filter. */
    public boolean matches(OutputTopic topic, JsonNode record) {
        JsonNode subject = topic == OutputTopic.DLQ ? record.path("task") : record;
        return allows(exchanges, subject.path("exchange"))
                && allows(dataTypes, subject.path("dataType"))
                && allows(reasons, record.path("reason"));
    }

    private static boolean allows(Set<String> allowed, JsonNode value) {
        return allowed.isEmpty() || value.isTextual() && allowed.contains(value.textValue().toLowerCase(Locale.ROOT));
    }

    private static Set<String> normalized(Set<String> values) {
        return values.stream().map(v -> v.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
