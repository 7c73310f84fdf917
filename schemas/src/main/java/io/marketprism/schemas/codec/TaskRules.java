package io.marketprism.schemas.codec;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The rules every accepted task obeys, whatever format it came in, and the normalisation applied first. */
final class TaskRules {

    /** The data types a task may ask for: all but the UNKNOWN that stands for symbols this build does not know. */
    static final List<DataType> REQUESTABLE_DATA_TYPES = Arrays.stream(DataType.values())
            .filter(type -> type != DataType.UNKNOWN).toList();

    private TaskRules() {
    }

    /** Trims the string fields and lower-cases the exchange, in place. */
    static CollectorTask normalize(CollectorTask task) {
        task.setTaskId(strip(task.getTaskId()));
        task.setExchange(task.getExchange() == null ? null : task.getExchange().strip().toLowerCase(Locale.ROOT));
        task.setMarket(strip(task.getMarket()));
        task.setSymbol(strip(task.getSymbol()));
        return task;
    }

    /** Every rule the task breaks, in field order, each naming the field; empty when the task is valid. */
    static List<String> violations(CollectorTask task) {
        List<String> problems = new ArrayList<>();
        requirePresent(problems, "taskId", task.getTaskId());
        requirePresent(problems, "exchange", task.getExchange());
        requirePresent(problems, "market", task.getMarket());
        if (task.getDataType() == null || task.getDataType() == DataType.UNKNOWN) {
            problems.add(notOneOf("dataType", String.valueOf(task.getDataType()), REQUESTABLE_DATA_TYPES));
        }
        requirePresent(problems, "symbol", task.getSymbol());
        if (task.getWeight() != null && task.getWeight() <= 0) {
            problems.add("field 'weight': must be a positive integer, got " + task.getWeight());
        }
        if (task.getDeadline() != null && task.getCreatedAt() != null
                && task.getDeadline().isBefore(task.getCreatedAt())) {
            problems.add("field 'deadline': " + task.getDeadline() + " is before createdAt " + task.getCreatedAt());
        }
        if (task.getAttempt() < 0) {
            problems.add("field 'attempt': must not be negative, got " + task.getAttempt());
        }
        return problems;
    }

    static String missing(String field) {
        return "missing required field '" + field + "'";
    }

    static String notOneOf(String field, String value, List<? extends Enum<?>> allowed) {
        return "field '" + field + "': '" + value + "' is not one of "
                + allowed.stream().map(Enum::name).collect(Collectors.joining(", "));
    }

    private static void requirePresent(List<String> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(missing(field));
        }
    }

    private static String strip(String value) {
        return value == null ? null : value.strip();
    }
}
