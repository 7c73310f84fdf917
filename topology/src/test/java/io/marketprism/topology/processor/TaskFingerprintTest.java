package io.marketprism.topology.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The fingerprint stored with every task id: FNV-1a over the request's fields as UTF-8, params in key order. */
class TaskFingerprintTest {

    @Property
    void shouldHashTheUtf8BytesOfEveryFieldWithParamsInKeyOrder(@ForAll String exchange, @ForAll String symbol,
                                                                 @ForAll @Size(max = 4) Map<String, String> params) {
        CollectorTask task = task(exchange, symbol, params);

        assertThat(TaskFingerprint.of(task)).isEqualTo(fnv1aOfUtf8(task));
    }

    @Test
    void shouldNotDependOnTheOrderParamsArriveIn() {
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put("limit", "100");
        ordered.put("depth", "5");
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("depth", "5");
        reversed.put("limit", "100");

        assertThat(TaskFingerprint.of(task("binance", "BTCUSDT", ordered)))
                .isEqualTo(TaskFingerprint.of(task("binance", "BTCUSDT", reversed)));
    }

    @Test
    void shouldTellFieldsApartWhereTheirTextsRunTogether() {
        assertThat(TaskFingerprint.of(task("ab", "c", Map.of()))).isNotEqualTo(TaskFingerprint.of(task("a", "bc",
                Map.of())));
    }

    private static CollectorTask task(String exchange, String symbol, Map<String, String> params) {
        return CollectorTask.newBuilder().setTaskId("t-1").setExchange(exchange).setMarket("spot")
                .setDataType(DataType.ORDER_BOOK).setSymbol(symbol).setParams(params).setWeight(5)
                .setCreatedAt(Instant.EPOCH).build();
    }

    /** The definition, written out: each field's UTF-8 bytes then 0xff, as FNV-1a 64. */
    private static long fnv1aOfUtf8(CollectorTask task) {
        long hash = 0xcbf29ce484222325L;
        hash = bytes(hash, task.getExchange());
        hash = bytes(hash, task.getMarket());
        hash = bytes(hash, task.getDataType().name());
        hash = bytes(hash, task.getSymbol());
        for (Map.Entry<String, String> param : new TreeMap<>(task.getParams()).entrySet()) {
            hash = bytes(hash, param.getKey());
            hash = bytes(hash, param.getValue());
        }
        return bytes(hash, String.valueOf(task.getWeight()));
    }

    private static long bytes(long hash, String value) {
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return (hash ^ 0xff) * 0x100000001b3L;
    }
}
