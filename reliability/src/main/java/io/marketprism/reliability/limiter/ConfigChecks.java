package io.marketprism.reliability.limiter;

/** Range checks for configuration setters; the message names the key and the allowed range. */
final class ConfigChecks {

    private ConfigChecks() {
    }

    static long inRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "] but was " + value);
        }
        return value;
    }

    static int inRange(String key, int value, int min, int max) {
        return (int) inRange(key, (long) value, min, max);
    }

    static double inRange(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "] but was " + value);
        }
        return value;
    }
}
