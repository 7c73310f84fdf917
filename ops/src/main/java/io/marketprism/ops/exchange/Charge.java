package io.marketprism.ops.exchange;

import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What one request takes from one limit group: a fixed cost, or one that depends on the query (Binance depth weight
 * grows with {@code limit}).
 *
 * @param group the limit group charged, one of its venue's {@link LimitRule}s
 * @param cost  the units taken, given the request's query parameters
 */
record Charge(String group, ToLongFunction<Map<String, String>> cost) {

    static Charge of(String group, long units) {
        return new Charge(group, query -> units);
    }

    static Charge of(String group, ToLongFunction<Map<String, String>> cost) {
        return new Charge(group, cost);
    }
}
