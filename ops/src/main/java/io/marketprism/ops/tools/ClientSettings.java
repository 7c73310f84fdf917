package io.marketprism.ops.tools;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Kafka client settings given on the command line ({@code --kafka key=value}), rendered for people without their
 * secrets: the value of every key containing {@code password}, {@code secret} or {@code sasl.jaas} is masked.
 */
public final class ClientSettings {

    /** What a masked value is printed as. */
    public static final String MASK = "****";
    private static final String[] SECRET_KEY_PARTS = {"password", "secret", "sasl.jaas"};

    private ClientSettings() {
    }

    /** True when the value of this key must never be printed. */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String part : SECRET_KEY_PARTS) {
            if (lower.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /** {@code key=value} pairs, sorted by key and comma-separated, with secret values masked. */
    public static String describe(Map<String, String> settings) {
        return settings.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? MASK : e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
