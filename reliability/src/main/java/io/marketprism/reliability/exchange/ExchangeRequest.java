package io.marketprism.reliability.exchange;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;

/**
 * One task's request as its exchange's definition builds it: the host set to send it to, the limit group it is
 * charged to, and its path and query (the task's symbol included).
 */
public record ExchangeRequest(String hostSet, String limitGroup, String path, SortedMap<String, String> query) {

    /** Path and URL-encoded query, parameters sorted, e.g. {@code /api/v3/depth?limit=100&symbol=BTCUSDT}. */
    public String pathAndQuery() {
        if (query.isEmpty()) {
            return path;
        }
        StringBuilder sb = new StringBuilder(path).append('?');
        query.forEach((k, v) -> sb.append(encode(k)).append('=').append(encode(v)).append('&'));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
