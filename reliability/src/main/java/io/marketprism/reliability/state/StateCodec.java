package io.marketprism.reliability.state;

/**
 * Turns one component's state value into its saved bytes and back, through a {@link StateFormat}. Decoding what
 * encoding wrote gives an equal value, and encoding that value gives the same bytes. Implementations are stateless
 * and thread-safe.
 *
 * @param <S> the component's state value (its snapshot)
 */
public interface StateCodec<S> {

    byte[] encode(S state);

    /**
     * The state saved in {@code bytes}.
     *
     * @throws UnreadableStateException when the bytes are not a state of this codec (another format, damaged, or
     *     values the component does not accept)
     */
    S decode(byte[] bytes);
}
