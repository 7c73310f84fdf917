package io.marketprism.reliability.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ordered table of {@link ConfigKey} declarations: it finds the declaration of a key, names the closest known
 * keys when a key is unknown, and renders itself as the Markdown configuration table of the README. Immutable.
 */
public final class ConfigTable {

    private static final String EXCHANGE_SCOPE = "[exchange.<name>.]";
    private static final int MAX_SUGGESTIONS = 3;

    private final Map<String, ConfigKey<?>> byName;

    private ConfigTable(Map<String, ConfigKey<?>> byName) {
        this.byName = byName;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The declarations, in table order. */
    public List<ConfigKey<?>> keys() {
        return List.copyOf(byName.values());
    }

    /** The declaration {@code key} is an instance of; a literal name wins over a pattern. */
    public Optional<ConfigKey<?>> find(String key) {
        ConfigKey<?> exact = byName.get(key);
        if (exact != null) {
            return Optional.of(exact);
        }
        return byName.values().stream().filter(declared -> declared.matches(key)).findFirst();
    }

    /**
     * This table followed by the keys of {@code other} this table does not declare under the same name, e.g. the
     * service's keys followed by the reliability keys, the service's {@code exchange.<name>.endpoints} replacing
     * the reliability module's.
     */
    public ConfigTable followedBy(ConfigTable other) {
        Map<String, ConfigKey<?>> both = new LinkedHashMap<>(byName);
        other.byName.forEach(both::putIfAbsent);
        return new ConfigTable(both);
    }

    /**
     * Up to three known keys closest to {@code key} by edit distance (within a quarter of its length, and at most
     * two more edits than the closest), written as {@code key} would have to be (placeholders filled from it); when
     * none is close, the closest that share its first part.
     */
    public List<String> closest(String key) {
        List<Candidate> candidates = new ArrayList<>();
        for (ConfigKey<?> declared : byName.values()) {
            String spelled = spelledLike(declared.name(), key);
            candidates.add(new Candidate(spelled, editDistance(key, spelled)));
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        candidates.sort(Comparator.comparingInt(Candidate::distance));
        int tolerance = Math.min(Math.max(2, key.length() / 4), candidates.get(0).distance() + 2);
        List<String> close = candidates.stream().filter(c -> c.distance() <= tolerance)
                .map(Candidate::spelled).distinct().limit(MAX_SUGGESTIONS).toList();
        if (!close.isEmpty()) {
            return close;
        }
        String family = firstPart(withoutExchange(key)) + ".";
        return candidates.stream().map(Candidate::spelled).filter(c -> withoutExchange(c).startsWith(family))
                .distinct().limit(MAX_SUGGESTIONS).toList();
    }

    /** The error for an unknown {@code key}: it names the key and the closest known keys. */
    public IllegalArgumentException unknownKey(String key) {
        List<String> closest = closest(key);
        String hint;
        if (closest.isEmpty()) {
            hint = "no known key is close; the README's configuration table lists them all";
        } else if (closest.size() == 1) {
            hint = "did you mean " + closest.get(0) + "?";
        } else {
            hint = "did you mean " + String.join(", ", closest.subList(0, closest.size() - 1)) + " or "
                    + closest.get(closest.size() - 1) + "?";
        }
        return new IllegalArgumentException("unknown configuration key '" + key + "'; " + hint);
    }

    /** The table in Markdown: key, default, allowed values and meaning, one row per declaration. */
    public String markdown() {
        StringBuilder table = new StringBuilder("| Key | Default | Allowed | Meaning |\n|---|---|---|---|\n");
        for (ConfigKey<?> key : byName.values()) {
            table.append("| `").append(key.name()).append("` | ").append(escape(key.shownDefault()))
                    .append(" | ").append(escape(key.allowed())).append(" | ").append(escape(key.meaning()))
                    .append(" |\n");
        }
        return table.toString();
    }

    /** Builder of a {@link ConfigTable}; each {@code define} is one declaration, in table order. */
    public static final class Builder {
        private final Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        private boolean built;

        private Builder() {
        }

        /** A key whose default is {@code defaultValue} (shown as {@code type} writes it), or none when null. */
        public <T> ConfigKey<T> define(String name, ValueType<T> type, T defaultValue, String meaning) {
            return define(name, type, defaultValue,
                    defaultValue == null ? "none" : "`" + type.show(defaultValue) + "`", meaning);
        }

        /**
         * A key whose default is shown as {@code shownDefault}: a default that depends on where the service runs
         * (e.g. {@code <tmp>/marketprism-streams}) or on the exchange, or a description of what applies when unset.
         */
        public <T> ConfigKey<T> define(String name, ValueType<T> type, T defaultValue, String shownDefault,
                                       String meaning) {
            if (built) {
                throw new IllegalStateException(name + " is declared after its table was built: declare it above");
            }
            ConfigKey<T> key = new ConfigKey<>(name, type, defaultValue, shownDefault, meaning);
            if (byName.putIfAbsent(name, key) != null) {
                throw new IllegalStateException(name + " is declared twice");
            }
            return key;
        }

        public ConfigTable build() {
            built = true;
            return new ConfigTable(new LinkedHashMap<>(byName));
        }
    }

    private record Candidate(String spelled, int distance) {
    }

    /** {@code pattern} with its exchange scope and placeholders taken from {@code key} where it has them. */
    private static String spelledLike(String pattern, String key) {
        String rest = pattern;
        String prefix = "";
        if (pattern.startsWith(EXCHANGE_SCOPE)) {
            rest = pattern.substring(EXCHANGE_SCOPE.length());
            String[] parts = key.split("\\.", 3);
            if (parts.length == 3 && parts[0].equals("exchange")) {
                prefix = "exchange." + parts[1] + ".";
                key = parts[2];
            }
        }
        String[] wanted = rest.split("\\.");
        String[] given = key.split("\\.");
        List<String> spelled = new ArrayList<>();
        boolean alike = true;
        for (int i = 0; i < wanted.length; i++) {
            boolean placeholder = wanted[i].startsWith("<") && wanted[i].endsWith(">");
            alike = alike && i < given.length && (placeholder || editDistance(wanted[i], given[i]) <= 1);
            if (placeholder && alike) {
                spelled.add(i == wanted.length - 1 ? String.join(".", List.of(given).subList(i, given.length))
                        : given[i]);
            } else {
                spelled.add(wanted[i]);
            }
        }
        return prefix + String.join(".", spelled);
    }

    private static String withoutExchange(String key) {
        String[] parts = key.split("\\.", 3);
        return parts.length == 3 && parts[0].equals("exchange") ? parts[2] : key;
    }

    private static String firstPart(String key) {
        int dot = key.indexOf('.');
        return dot < 0 ? key : key.substring(0, dot);
    }

    /**
     * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as one edit
     * (optimal string alignment), so {@code kafak} is one edit from {@code kafka}.
     */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String escape(String text) {
        return text.replace("|", "\\|");
    }
}
