package io.marketprism.reliability.config;

import io.marketprism.reliability.Checks;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The weight an exchange charges per request, by data type (the {@code DataType} symbol, e.g. {@code ORDER_BOOK}) and
 * request parameters. Each data type has a rule written in one of three forms:
 * <ul>
 *   <li>{@code 25}: a fixed weight;</li>
 *   <li>{@code limit:100=5,500=25,1000=50,*=250}: by the numeric parameter {@code limit}, the weight of the first
 *       bound it does not exceed, {@code *} above all bounds; a missing parameter takes the first bound, an
 *       unreadable one the heaviest;</li>
 *   <li>{@code each:symbols=1,min=2}: one unit per item of the comma-separated parameter {@code symbols} (JSON
 *       brackets and quotes ignored), never less than {@code min}; a missing parameter weighs {@code min};</li>
 *   <li>{@code count:symbols:20=2,100=40,*=80}: tiers as above over the number of items in {@code symbols}; a
 *       missing parameter takes the first tier.</li>
 * </ul>
 * Data types without a rule weigh 1. Immutable.
 */
public final class RequestWeights {

    private static final int MAX_WEIGHT = 1_000_000;

    private final Map<String, Rule> rules;

    private RequestWeights(Map<String, Rule> rules) {
        this.rules = rules;
    }

    /** Rules parsed from {@code specByDataType}; data type names are case-insensitive. */
    public static RequestWeights of(Map<String, String> specByDataType) {
        Map<String, Rule> parsed = new LinkedHashMap<>();
        specByDataType.forEach((type, spec) -> parsed.put(normalize(type), Rule.parse(type, spec)));
        return new RequestWeights(Map.copyOf(parsed));
    }

    /** These rules with {@code dataType}'s rule replaced by {@code spec}. */
    public RequestWeights with(String dataType, String spec) {
        Map<String, Rule> copy = new LinkedHashMap<>(rules);
        copy.put(normalize(dataType), Rule.parse(dataType, spec));
        return new RequestWeights(Map.copyOf(copy));
    }

    /** The weight of one request for {@code dataType} with {@code params}; 1 for data types without a rule. */
    public int weightOf(String dataType, Map<String, String> params) {
        Rule rule = rules.get(dataType);
        if (rule == null && !rules.isEmpty()) {
            rule = rules.get(normalize(dataType));
        }
        return rule == null ? 1 : rule.weightOf(params);
    }

    /** Each data type's rule in the syntax {@link #of} reads, data types sorted. */
    public Map<String, String> specs() {
        Map<String, String> specs = new TreeMap<>();
        rules.forEach((type, rule) -> specs.put(type, rule.spec));
        return specs;
    }

    @Override
    public String toString() {
        return specs().toString();
    }

    private static String normalize(String dataType) {
        Objects.requireNonNull(dataType, "dataType");
        return dataType.trim().toUpperCase(Locale.ROOT);
    }

    /** One data type's rule: a fixed weight, tiers over a numeric parameter, or a weight per listed item. */
    private static final class Rule {
        final String spec;
        final String param;
        /** Upper bounds of the tiers (inclusive); empty for fixed and per-item rules. */
        final long[] bounds;
        /** Weight of each tier, the last one for values above every bound; for a fixed rule the one weight. */
        final int[] weights;
        /** Per-item weight, 0 unless this is a per-item rule; then weights[0] is the minimum. */
        final int perItem;
        /** Tiers over the number of items in the parameter rather than its value. */
        final boolean countsItems;

        private Rule(String spec, String param, long[] bounds, int[] weights, int perItem) {
            this(spec, param, bounds, weights, perItem, false);
        }

        private Rule(String spec, String param, long[] bounds, int[] weights, int perItem, boolean countsItems) {
            this.spec = spec;
            this.param = param;
            this.bounds = bounds;
            this.weights = weights;
            this.perItem = perItem;
            this.countsItems = countsItems;
        }

        static Rule parse(String dataType, String rawSpec) {
            String key = "weight." + normalize(dataType).toLowerCase(Locale.ROOT);
            String spec = Objects.requireNonNull(rawSpec, key).replace(" ", "");
            try {
                if (spec.startsWith("each:")) {
                    return perItem(key, spec);
                }
                if (spec.startsWith("count:") && spec.indexOf(':', "count:".length()) > 0) {
                    Rule tiers = tiered(key, spec.substring("count:".length()),
                            spec.indexOf(':', "count:".length()) - "count:".length());
                    return new Rule(spec, tiers.param, tiers.bounds, tiers.weights, 0, true);
                }
                int colon = spec.indexOf(':');
                if (colon > 0) {
                    return tiered(key, spec, colon);
                }
                return new Rule(spec, null, new long[0], new int[] {weight(key, spec)}, 0);
            } catch (RuntimeException e) {
                if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith(key)) {
                    throw e;
                }
                throw new IllegalArgumentException(key + " must be N, PARAM:BOUND=N,...,*=N, count:PARAM:BOUND=N,...,*=N or"
                        + " each:PARAM=N,min=N,"
                        + " was '" + rawSpec + "'", e);
            }
        }

        private static Rule tiered(String key, String spec, int colon) {
            String param = spec.substring(0, colon);
            String[] tiers = spec.substring(colon + 1).split(",");
            if (tiers.length < 2 || !tiers[tiers.length - 1].startsWith("*=")) {
                throw new IllegalArgumentException(key + " tiers must end with *=N, was '" + spec + "'");
            }
            long[] bounds = new long[tiers.length - 1];
            int[] weights = new int[tiers.length];
            for (int i = 0; i < tiers.length; i++) {
                String[] pair = tiers[i].split("=", 2);
                weights[i] = weight(key, pair[1]);
                if (i < bounds.length) {
                    bounds[i] = Long.parseLong(pair[0]);
                    if (i > 0 && bounds[i] <= bounds[i - 1]) {
                        throw new IllegalArgumentException(key + " tier bounds must increase, was '" + spec + "'");
                    }
                }
            }
            return new Rule(spec, param, bounds, weights, 0);
        }

        private static Rule perItem(String key, String spec) {
            String[] parts = spec.substring("each:".length()).split(",");
            String[] item = parts[0].split("=", 2);
            int min = 1;
            if (parts.length == 2 && parts[1].startsWith("min=")) {
                min = weight(key, parts[1].substring("min=".length()));
            } else if (parts.length != 1) {
                throw new IllegalArgumentException(key + " must be each:PARAM=N[,min=N], was '" + spec + "'");
            }
            return new Rule(spec, item[0], new long[0], new int[] {min}, weight(key, item[1]));
        }

        private static int weight(String key, String text) {
            return Checks.inRange(key, Integer.parseInt(text), 1, MAX_WEIGHT);
        }

        int weightOf(Map<String, String> params) {
            if (param == null) {
                return weights[0];
            }
            String value = params == null ? null : params.get(param);
            if (perItem > 0) {
                return value == null ? weights[0] : (int) Math.min(MAX_WEIGHT, Math.max(weights[0],
                        (long) perItem * countItems(value)));
            }
            if (value == null) {
                return weights[0];
            }
            long number;
            try {
                number = countsItems ? countItems(value) : Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                return Arrays.stream(weights).max().orElseThrow();
            }
            for (int i = 0; i < bounds.length; i++) {
                if (number <= bounds[i]) {
                    return weights[i];
                }
            }
            return weights[weights.length - 1];
        }

        private static int countItems(String list) {
            int count = 0;
            boolean inItem = false;
            for (int i = 0; i < list.length(); i++) {
                char c = list.charAt(i);
                boolean separator = c == ',' || c == '[' || c == ']' || c == '"' || Character.isWhitespace(c);
                if (!separator && !inItem) {
                    count++;
                }
                inItem = !separator;
            }
            return count;
        }
    }
}
