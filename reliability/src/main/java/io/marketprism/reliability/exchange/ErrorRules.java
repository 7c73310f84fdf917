package io.marketprism.reliability.exchange;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.retry.ClassificationRules;
import java.util.Map;
import java.util.Set;

/**
 * Where an exchange puts its own error code and what the codes mean. A response carries an error when its HTTP
 * status is not 2xx, or when it is 2xx and the code field holds a value other than a success code (OKX and Bybit
 * answer some errors with 200).
 *
 * @param codeField    JSON pointer of the code in a response body, e.g. {@code /code} or {@code /error/code}
 * @param successCodes values of the code field that mean success (empty: a 2xx is always a success)
 * @param codes        error classes of the exchange's codes
 * @param statuses     error classes of HTTP statuses that differ from the defaults (Binance's 403 is its WAF)
 * @param bans         statuses with which the exchange bans the caller's address, with how long the ban lasts when
 *                     the answer carries no Retry-After (Binance's 418, Bybit's 403)
 */
public record ErrorRules(String codeField, Set<String> successCodes, Map<String, ErrorClass> codes,
                         Map<Integer, ErrorClass> statuses, Map<Integer, Long> bans) {

    private static final JsonFactory JSON = new JsonFactory();

    public ErrorRules {
        successCodes = Set.copyOf(successCodes);
        codes = Map.copyOf(codes);
        statuses = Map.copyOf(statuses);
        bans = Map.copyOf(bans);
    }

    /**
     * How long an answer with {@code status} bans the address, at least: its ban length, or 0 when the status is no
     * ban.
     */
    public long banMillis(int status) {
        return bans.getOrDefault(status, 0L);
    }

    /** The classification of the exchange's failures, on top of {@link ClassificationRules#defaults()}'s rules. */
    public ClassificationRules classification(String exchange) {
        ClassificationRules.Builder b = ClassificationRules.forExchange(exchange).toBuilder();
        codes.forEach(b::exchangeCode);
        statuses.forEach(b::status);
        return b.build();
    }

    /**
     * The exchange's error code in a response, {@code HTTP_<status>} for an error without one, or null for a
     * success. A body that is not JSON carries no code.
     */
    public String errorCode(int status, String body) {
        boolean okStatus = status >= 200 && status < 300;
        if (okStatus && successCodes.isEmpty()) {
            return null;
        }
        String code = codeIn(body);
        if (okStatus) {
            return code == null || successCodes.contains(code) ? null : code;
        }
        return code == null ? "HTTP_" + status : code;
    }

    /**
     * The scalar at {@link #codeField} (object members only), read with a streaming parser that skips every other
     * member: a large order book is not parsed for its status code, which exchanges put first.
     */
    private String codeIn(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        String[] path = codeField.substring(1).split("/");
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int depth = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean match = parser.currentName().equals(path[depth]);
                JsonToken value = parser.nextToken();
                if (!match) {
                    parser.skipChildren();
                } else if (depth == path.length - 1) {
                    return value.isScalarValue() && value != JsonToken.VALUE_NULL ? parser.getText() : null;
                } else if (value == JsonToken.START_OBJECT) {
                    depth++;
                } else {
                    return null;
                }
            }
            return null;
        } catch (Exception notJson) {
            return null;
        }
    }
}
