package io.marketprism.reliability.exchange;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as definitions write them: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 5m}, {@code 1h}. */
final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Durations() {
    }

    /** Milliseconds of {@code text}; IllegalArgumentException naming the forms allowed. */
    static long parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: a positive number followed by"
                    + " ms, s, m, h or d, e.g. 2s or 1m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 86_400_000;
        };
    }

    /** The shortest exact form of {@code millis}. */
    static String format(long millis) {
        if (millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
    }
}
