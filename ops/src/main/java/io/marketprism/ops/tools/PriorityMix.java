package io.marketprism.ops.tools;

import io.marketprism.schemas.Priority;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/** Relative weights of the priorities of generated tasks, e.g. {@code CRITICAL=1,HIGH=2,NORMAL=5,LOW=2}. */
public final class PriorityMix {

    private final Map<Priority, Integer> weights;
    private final int total;

    private PriorityMix(Map<Priority, Integer> weights) {
        this.weights = Collections.unmodifiableMap(new EnumMap<>(weights));
        this.total = weights.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Parses {@code PRIORITY=weight} pairs separated by commas; priorities are case-insensitive, weights 0..1000000,
     * unnamed priorities weigh 0, and at least one weight must be positive.
     *
     * @throws IllegalArgumentException naming the bad pair and what is allowed
     */
    public static PriorityMix parse(String text) {
        Map<Priority, Integer> weights = new EnumMap<>(Priority.class);
        for (String pair : text.split(",")) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("--priority-mix: '" + pair.strip()
                        + "' is not PRIORITY=weight, e.g. CRITICAL=1,HIGH=2,NORMAL=5,LOW=2");
            }
            Priority priority = priority(parts[0].strip());
            if (weights.containsKey(priority)) {
                throw new IllegalArgumentException("--priority-mix: " + priority + " is given twice");
            }
            weights.put(priority, weight(priority, parts[1].strip()));
        }
        if (weights.values().stream().allMatch(w -> w == 0)) {
            throw new IllegalArgumentException("--priority-mix: at least one weight must be positive, got " + text);
        }
        return new PriorityMix(weights);
    }

    private static Priority priority(String name) {
        try {
            return Priority.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--priority-mix: '" + name + "' is not one of "
                    + Arrays.toString(Priority.values()), e);
        }
    }

    private static int weight(Priority priority, String text) {
        try {
            int weight = Integer.parseInt(text);
            if (weight >= 0 && weight <= 1_000_000) {
                return weight;
            }
        } catch (NumberFormatException e) {
            // reported below, with the allowed range
        }
        throw new IllegalArgumentException("--priority-mix: weight of " + priority + " must be an integer in "
                + "0..1000000, got '" + text + "'");
    }

    /** The weight of each priority named, in priority order. */
    public Map<Priority, Integer> weights() {
        return weights;
    }

    /** A priority drawn with probability proportional to its weight. */
    public Priority pick(Random random) {
        int ticket = random.nextInt(total);
        for (Map.Entry<Priority, Integer> entry : weights.entrySet()) {
            ticket -= entry.getValue();
            if (ticket < 0) {
                return entry.getKey();
            }
        }
        throw new AssertionError("weights sum to " + total + " but no priority was drawn");
    }

    @Override
    public String toString() {
        return weights.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
