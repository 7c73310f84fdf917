package io.marketprism.topology.config;

/** A configuration value is missing, malformed or out of range; the message names the key and what is allowed. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String key, Object value, String allowed) {
        super("Invalid configuration '" + key + "' = '" + value + "': " + allowed);
    }

    private ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code error} as a ConfigException whose message starts with {@code origin} (a file, {@code --set}), if any. */
    static ConfigException in(String origin, IllegalArgumentException error) {
        if (origin == null) {
            return error instanceof ConfigException known ? known : new ConfigException(error.getMessage(), error);
        }
        return new ConfigException(origin + ": " + error.getMessage(), error);
    }
}
