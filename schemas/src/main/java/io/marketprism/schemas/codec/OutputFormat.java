package io.marketprism.schemas.codec;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the service writes its results, retries and dead letters: {@link #AVRO} single-object encoding (the default,
 * compact, decodable with the shipped schemas) or {@link #JSON} in the shape of {@link RecordJson} (readable with
 * {@code kcat} and any JSON parser). Readers need not know which: {@link RecordCodec#decode} tells them apart by the
 * first byte.
 */
public enum OutputFormat {
    AVRO,
    JSON;

    /**
     * The format named by {@code text}, case-insensitive.
     *
     * @throws IllegalArgumentException naming the text and the allowed names
     */
    public static OutputFormat parse(String text) {
        String wanted = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(format -> format.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an output format; allowed: "
                        + String.join(", ", Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT))
                        .toList())));
    }
}
