package io.marketprism.reliability;

/**
 * Range checks shared by every configuration builder of the module. The message names the key, the allowed range and
 * the rejected value, e.g. {@code maxAttempts must be in [1, 1000], was 0}.
 */
public final class Checks {

    private Checks() {
    }

    /** Returns {@code value} when it lies in {@code [min, max]}, otherwise throws IllegalArgumentException. */
    public static long inRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw outOfRange(key, String.valueOf(value), "[" + min + ", " + max + "]");
        }
        return value;
    }

    /** Returns {@code value} when it lies in {@code [min, max]}, otherwise throws IllegalArgumentException. */
    public static int inRange(String key, int value, int min, int max) {
        return (int) inRange(key, (long) value, min, max);
    }

    /** Returns {@code value} when it lies in {@code [min, max]} (NaN never does), otherwise throws. */
    public static double inRange(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw outOfRange(key, String.valueOf(value), "[" + min + ", " + max + "]");
        }
        return value;
    }

    /** The exception for a value outside {@code allowed}, in the common message format. */
    public static IllegalArgumentException outOfRange(String key, String value, String allowed) {
        return new IllegalArgumentException(key + " must be in " + allowed + ", was " + value);
    }
}
