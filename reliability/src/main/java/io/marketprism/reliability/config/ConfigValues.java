package io.marketprism.reliability.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Values of declared keys, each checked against its key's type when set; a key not set has its declared default.
 * Immutable; a typed configuration (e.g. the service's) reads its fields from it.
 */
public final class ConfigValues {

    private final Map<ConfigKey<?>, Object> values;

    private ConfigValues(Map<ConfigKey<?>, Object> values) {
        this.values = Map.copyOf(values);
    }

    public static Builder builder() {
        return new Builder(Map.of());
    }

    /** The value of {@code key}: the one set, else its default; null when it has neither. */
    public <T> T get(ConfigKey<T> key) {
        return find(key).orElse(null);
    }

    /** The value of {@code key}: the one set, else its default. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(ConfigKey<T> key) {
        Object value = values.get(key);
        return value != null ? Optional.of((T) value) : key.defaultValue();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        return new Builder(values);
    }

    /** Builder of {@link ConfigValues}; every value is checked against its key's type as it is set. */
    public static final class Builder {
        private final Map<ConfigKey<?>, Object> values;

        private Builder(Map<ConfigKey<?>, Object> values) {
            this.values = new LinkedHashMap<>(values);
        }

        /** Sets {@code key} to {@code value}; IllegalArgumentException naming key, value and range when refused. */
        public <T> Builder set(ConfigKey<T> key, T value) {
            values.put(key, key.type().check(key.name(), value));
            return this;
        }

        /** Sets {@code key} from {@code text}, as read from a properties file. */
        public <T> Builder parse(ConfigKey<T> key, String text) {
            values.put(key, key.parse(key.name(), text));
            return this;
        }

        public ConfigValues build() {
            return new ConfigValues(values);
        }
    }
}
