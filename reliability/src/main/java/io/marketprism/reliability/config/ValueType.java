package io.marketprism.reliability.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The type of a setting's value: how its text is read, which values are allowed, how a value is shown. Both the
 * parser and the documentation take the allowed values from here, so they cannot disagree. A refused value raises
 * an IllegalArgumentException naming the key, the value and what is allowed, e.g.
 * {@code retry.max.attempts must be in [1, 1000], was 0}.
 *
 * @param <T> the type of the value
 */
public final class ValueType<T> {

    private final String allowed;
    private final String requirement;
    private final Function<String, T> reader;
    private final Predicate<T> accepts;
    private final Function<T, String> shown;
    private final boolean secret;
    /** Whether the reader's exception message says why the text was refused (custom readers only). */
    private final boolean readerExplains;

    private ValueType(String allowed, String requirement, Function<String, T> reader, Predicate<T> accepts,
                      Function<T, String> shown, boolean secret) {
        this(allowed, requirement, reader, accepts, shown, secret, false);
    }

    private ValueType(String allowed, String requirement, Function<String, T> reader, Predicate<T> accepts,
                      Function<T, String> shown, boolean secret, boolean readerExplains) {
        this.allowed = allowed;
        this.requirement = requirement;
        this.reader = reader;
        this.accepts = accepts;
        this.shown = shown;
        this.secret = secret;
        this.readerExplains = readerExplains;
    }

    /** An int in {@code [min, max]}. */
    public static ValueType<Integer> integer(int min, int max) {
        return range(Integer::valueOf, v -> v >= min && v <= max, min, max);
    }

    /** A long in {@code [min, max]}. */
    public static ValueType<Long> longInteger(long min, long max) {
        return range(Long::valueOf, v -> v >= min && v <= max, min, max);
    }

    /** A double in {@code [min, max]} (NaN never is). */
    public static ValueType<Double> decimal(double min, double max) {
        return range(Double::valueOf, v -> v >= min && v <= max, min, max);
    }

    /** {@code true} or {@code false}, in any case. */
    public static ValueType<Boolean> bool() {
        return new ValueType<>("{true, false}", "in {true, false}", text -> {
            if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(text);
            }
            return Boolean.valueOf(text);
        }, v -> true, String::valueOf, false);
    }

    /** A constant of {@code type}, named in any case. */
    public static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type) {
        String names = "{" + String.join(", ", Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()) + "}";
        return new ValueType<>(names, "in " + names, text -> Enum.valueOf(type, text.toUpperCase(Locale.ROOT)),
                v -> true, Enum::name, false);
    }

    /** Non-blank text, trimmed; {@code allowed} says what it means, e.g. {@code host:port list}. */
    public static ValueType<String> text(String allowed) {
        return new ValueType<>(allowed, "a non-empty " + allowed, text -> text, v -> !v.isBlank(), v -> v, false);
    }

    /** Text matching {@code regex} entirely; {@code allowed} names it for people, e.g. {@code topic name: ...}. */
    public static ValueType<String> matching(String regex, String allowed) {
        Pattern pattern = Pattern.compile(regex);
        return new ValueType<>(allowed, "a " + allowed, text -> text, v -> pattern.matcher(v).matches(), v -> v,
                false);
    }

    /** A file system path. */
    public static ValueType<Path> path() {
        return new ValueType<>("path", "a path", Path::of, v -> !v.toString().isBlank(), Path::toString, false);
    }

    /**
     * A comma-separated list of at least one name matching {@code regex}, blanks between commas ignored;
     * {@code allowed} describes the whole list, e.g. {@code comma-separated names without '/'}.
     */
    public static ValueType<List<String>> names(String regex, String allowed) {
        Pattern pattern = Pattern.compile(regex);
        return new ValueType<>(allowed, allowed, ValueType::splitList,
                v -> !v.isEmpty() && v.stream().allMatch(name -> pattern.matcher(name).matches()),
                v -> String.join(",", v), false);
    }

    /** {@code host:port} with a port in [1, 65535]. */
    public static ValueType<String> hostAndPort() {
        return new ValueType<>("host:port", "host:port with a port in [1, 65535]", text -> text, v -> {
            int colon = v.lastIndexOf(':');
            if (colon <= 0) {
                return false;
            }
            try {
                int port = Integer.parseInt(v.substring(colon + 1));
                return port >= 1 && port <= 65_535;
            } catch (NumberFormatException e) {
                return false;
            }
        }, v -> v, false);
    }

    /** A secret of at least {@code minLength} characters without white space; errors never show it. */
    public static ValueType<String> secret(int minLength) {
        return new ValueType<>(minLength + "+ characters, no spaces", "at least " + minLength
                + " characters without spaces", text -> text,
                v -> v.length() >= minLength && v.chars().noneMatch(Character::isWhitespace), v -> "<hidden>", true);
    }

    /**
     * A type of its own: {@code reader} turns trimmed text into a value or throws (a RuntimeException is reported as
     * a refused value, its message appended as the reason), {@code shown} turns a value back into text {@code reader}
     * reads.
     */
    public static <T> ValueType<T> of(String allowed, Function<String, T> reader, Function<T, String> shown) {
        return new ValueType<>(allowed, "in " + allowed, reader, v -> true, shown, false, true);
    }

    /** This type, also allowing {@code special} (e.g. {@code -1} for "the broker's default"). */
    public ValueType<T> or(T special) {
        Predicate<T> inner = accepts;
        String text = shown.apply(special);
        return new ValueType<>(text + " or " + allowed, text + " or " + requirement, reader,
                v -> special.equals(v) || inner.test(v), shown, secret, readerExplains);
    }

    /** What is allowed, as the configuration table shows it. */
    public String allowed() {
        return allowed;
    }

    /** Reads the value of {@code key} from {@code text}; IllegalArgumentException naming key, value and range. */
    public T parse(String key, String text) {
        String trimmed = text == null ? "" : text.trim();
        T value;
        try {
            value = reader.apply(trimmed);
        } catch (RuntimeException e) {
            String reason = readerExplains && e.getMessage() != null ? " (" + e.getMessage() + ")" : "";
            throw refused(key, secret ? "<hidden>" : "'" + trimmed + "'", reason);
        }
        return check(key, value);
    }

    /** Returns {@code value} when it is allowed for {@code key}, otherwise throws naming key, value and range. */
    public T check(String key, T value) {
        if (value == null || !accepts.test(value)) {
            String text = value == null ? "null" : show(value);
            boolean quoted = value != null && !secret && !(value instanceof Number || value instanceof Boolean);
            throw refused(key, quoted ? "'" + text + "'" : text, "");
        }
        return value;
    }

    /** {@code value} as text {@link #parse} reads; {@code <hidden>} for a secret. */
    public String show(T value) {
        return shown.apply(Objects.requireNonNull(value, "value"));
    }

    private IllegalArgumentException refused(String key, String value, String detail) {
        return new IllegalArgumentException(key + " must be " + requirement + ", was " + value + detail);
    }

    private static <N extends Comparable<N>> ValueType<N> range(Function<String, N> reader, Predicate<N> inRange,
                                                                N min, N max) {
        String range = "[" + min + ", " + max + "]";
        return new ValueType<>(range, "in " + range, reader, inRange, String::valueOf, false);
    }

    private static List<String> splitList(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
