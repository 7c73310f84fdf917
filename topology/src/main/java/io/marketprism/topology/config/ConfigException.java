package io.marketprism.topology.config;

/** A configuration value is missing, malformed or out of range; the message names the key and what is allowed. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String key, Object value, String allowed) {
        super("Invalid configuration '" + key + "' = '" + value + "': " + allowed);
    }
}
