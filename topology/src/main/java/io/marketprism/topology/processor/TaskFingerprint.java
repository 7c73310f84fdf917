package io.marketprism.topology.processor;

import io.marketprism.schemas.CollectorTask;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A 64-bit hash (FNV-1a) of what a task asks the exchange for: exchange, market, data type, symbol, parameters (in
 * key order) and weight. Two records with one task id and the same fingerprint are the same task sent twice; with
 * different fingerprints, two tasks that share an id. Priority, deadline, creation time and attempts are left out:
 * a resend may differ in them and is still the same request.
 */
final class TaskFingerprint {

    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private TaskFingerprint() {
    }

    static long of(CollectorTask task) {
        long hash = OFFSET_BASIS;
        hash = mix(hash, task.getExchange());
        hash = mix(hash, task.getMarket());
        hash = mix(hash, task.getDataType().name());
        hash = mix(hash, task.getSymbol());
        Map<String, String> params = task.getParams();
        for (Map.Entry<String, String> param : params.size() > 1 ? new TreeMap<>(params).entrySet()
                : params.entrySet()) {
            hash = mix(hash, param.getKey());
            hash = mix(hash, param.getValue());
        }
        return mix(hash, task.getWeight() == null ? "" : task.getWeight().toString());
    }

    /**
     * Hashes the UTF-8 bytes of {@code value} and a separator that no UTF-8 text contains, so ("ab","c") differs
     * from ("a","bc"). ASCII characters are their own UTF-8 bytes and are hashed as they are, without encoding the
     * text: it is called several times per task.
     */
    private static long mix(long hash, String value) {
        String text = value == null ? "" : value;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                for (byte b : text.substring(i).getBytes(StandardCharsets.UTF_8)) {
                    hash = (hash ^ (b & 0xff)) * PRIME;
                }
                break;
            }
            hash = (hash ^ c) * PRIME;
        }
        return (hash ^ 0xff) * PRIME;
    }
}
