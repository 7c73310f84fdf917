package io.marketprism.reliability.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The declaration of one configuration key: its name, the type and allowed values of its value, its default and what
 * it means. Parsing, range checks, the default and the configuration table's row all come from it. Declared with
 * {@link ConfigTable.Builder#define}.
 *
 * <p>A name may be a pattern: {@code <...>} marks a part the user chooses ({@code exchange.<name>.endpoints}), and
 * a leading {@code [exchange.<name>.]} marks a key that may also be set for one exchange only.
 *
 * @param <T> the type of the value
 */
public final class ConfigKey<T> {

    private static final Pattern PLACEHOLDER = Pattern.compile("<[^>]+>");

    private final String name;
    private final ValueType<T> type;
    private final T defaultValue;
    private final String shownDefault;
    private final String meaning;
    private final Pattern matcher;

    ConfigKey(String name, ValueType<T> type, T defaultValue, String shownDefault, String meaning) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue == null ? null : type.check(name, defaultValue);
        this.shownDefault = Objects.requireNonNull(shownDefault, "shownDefault");
        this.meaning = Objects.requireNonNull(meaning, "meaning");
        this.matcher = Pattern.compile(regexOf(name));
    }

    /** The key, or its pattern, e.g. {@code topic.partitions} or {@code [exchange.<name>.]retry.max.attempts}. */
    public String name() {
        return name;
    }

    public ValueType<T> type() {
        return type;
    }

    /** The value when the key is absent; empty when there is none or it depends on the exchange. */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The default as the configuration table shows it. */
    public String shownDefault() {
        return shownDefault;
    }

    /** The allowed values, as the configuration table shows them. */
    public String allowed() {
        return type.allowed();
    }

    /** What the key does, in one line. */
    public String meaning() {
        return meaning;
    }

    /** Whether {@code key} is this key or an instance of its pattern. */
    public boolean matches(String key) {
        return matcher.matcher(key).matches();
    }

    /** Reads {@code text} as the value of {@code key} (this key or an instance of it), checking the range. */
    public T parse(String key, String text) {
        return type.parse(key, text);
    }

    @Override
    public String toString() {
        return name;
    }

    /** {@code [exchange.<name>.]a.b} to {@code (exchange\.[^.]+\.)?a\.b}; a last placeholder may contain dots. */
    private static String regexOf(String name) {
        StringBuilder regex = new StringBuilder();
        String rest = name;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            regex.append("(?:").append(regexOf(rest.substring(1, close))).append(")?");
            rest = rest.substring(close + 1);
        }
        Matcher placeholder = PLACEHOLDER.matcher(rest);
        int last = 0;
        while (placeholder.find()) {
            regex.append(Pattern.quote(rest.substring(last, placeholder.start())));
            regex.append(placeholder.end() == rest.length() ? ".+" : "[^.]+");
            last = placeholder.end();
        }
        return regex.append(Pattern.quote(rest.substring(last))).toString();
    }
}
