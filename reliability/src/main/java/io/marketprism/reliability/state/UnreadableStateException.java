package io.marketprism.reliability.state;

/**
 * Saved state that cannot be read: written in another format (a release before the Avro state format, or a newer
 * one), damaged or truncated. The engine replaces it with fresh state and reports a {@code StateDiscarded} event.
 */
public final class UnreadableStateException extends IllegalArgumentException {

    public UnreadableStateException(String message) {
        super(message);
    }

    public UnreadableStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
