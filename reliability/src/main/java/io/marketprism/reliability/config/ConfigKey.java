package io.marketprism.reliability.config;

import java.util.Objects;

/**
 * One key {@link ReliabilityConfig#fromMap} accepts, as documented in the README's configuration table.
 *
 * @param pattern      the key; {@code [exchange.<name>.]} marks a key that may also be set for one exchange,
 *                     {@code <...>} a part the caller chooses
 * @param defaultValue the value when the key is absent (per exchange when presets differ)
 * @param allowed      the allowed values or range
 * @param meaning      what it does, in one line
 */
public record ConfigKey(String pattern, String defaultValue, String allowed, String meaning) {

    public ConfigKey {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(allowed, "allowed");
        Objects.requireNonNull(meaning, "meaning");
    }
}
