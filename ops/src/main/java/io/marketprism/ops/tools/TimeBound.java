package io.marketprism.ops.tools;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a time bound given on the command line: an ISO-8601 instant ({@code 2025-01-31T12:00:00Z}), or a duration
 * before now, short ({@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}) or ISO-8601 ({@code PT1H30M}).
 */
public final class TimeBound {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private TimeBound() {
    }

    /**
     * The instant the text stands for.
     *
     * @param option the option name, for the error message
     * @param now the current time, for durations
     * @throws IllegalArgumentException naming the option and the accepted forms
     */
    public static Instant parse(String option, String text, Instant now) {
        String value = text.strip();
        Matcher shortForm = SHORT_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            Duration duration = switch (shortForm.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return now.minus(duration);
        }
        try {
            if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
                return now.minus(Duration.parse(value));
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is neither an ISO-8601 instant "
                    + "(2025-01-31T12:00:00Z) nor a duration before now (90s, 15m, 1h, 7d, PT1H30M)", e);
        }
    }
}
