package io.marketprism.schemas.codec;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.format.DateTimeParseException;

/**
 * Parses ISO-8601 instants as {@link Instant#parse} does, fast for the shape producers send:
 * {@code yyyy-MM-ddTHH:mm:ssZ} with an optional fraction of 1 to 9 digits, a four-digit year, every field in its
 * ordinary range and an upper-case {@code T} and {@code Z}. Everything else (offsets, lower case, leap seconds,
 * {@code 24:00}, longer years, invalid dates) goes to {@link Instant#parse}, so both paths accept exactly the same
 * texts with the same results. Stateless and thread-safe.
 */
final class IsoInstants {

    private static final int SECONDS_OF_DAY = 86_400;
    /** {@code yyyy-MM-ddTHH:mm:ssZ}. */
    private static final int LENGTH_WITHOUT_FRACTION = 20;
    private static final int MAX_FRACTION_DIGITS = 9;
    private static final int NO_DIGITS = -1;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    private IsoInstants() {
    }

    /**
     * The instant in {@code text}, truncated to epoch millis as {@link Instant#toEpochMilli} does.
     *
     * @throws DateTimeParseException when the text is no ISO-8601 instant
     * @throws ArithmeticException when the instant does not fit epoch millis
     */
    static long toEpochMilli(String text) {
        long millis = utcEpochMilli(text);
        return millis == Long.MIN_VALUE ? Instant.parse(text).toEpochMilli() : millis;
    }

    /** The epoch millis of a text in the fast shape, or {@code Long.MIN_VALUE} when it is not in that shape. */
    static long utcEpochMilli(String text) {
        int length = text.length();
        if (length < LENGTH_WITHOUT_FRACTION || length == LENGTH_WITHOUT_FRACTION + 1
                || length > LENGTH_WITHOUT_FRACTION + 1 + MAX_FRACTION_DIGITS || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year == NO_DIGITS || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59
                || day > Month.of(month).length(Year.isLeap(year))) {
            return Long.MIN_VALUE;
        }
        int millisOfSecond = 0;
        if (length > LENGTH_WITHOUT_FRACTION) {
            if (text.charAt(19) != '.') {
                return Long.MIN_VALUE;
            }
            int fractionDigits = length - LENGTH_WITHOUT_FRACTION - 1;
            int fraction = digits(text, 20, fractionDigits);
            if (fraction == NO_DIGITS) {
                return Long.MIN_VALUE;
            }
            millisOfSecond = fractionDigits >= 3 ? fraction / POWERS_OF_TEN[fractionDigits - 3]
                    : fraction * POWERS_OF_TEN[3 - fractionDigits];
        }
        long epochSecond = LocalDate.of(year, month, day).toEpochDay() * SECONDS_OF_DAY
                + hour * 3_600L + minute * 60L + second;
        return epochSecond * 1_000 + millisOfSecond;
    }

    /** The decimal number written by {@code count} ASCII digits from {@code start}, or {@link #NO_DIGITS}. */
    private static int digits(String text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return NO_DIGITS;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
