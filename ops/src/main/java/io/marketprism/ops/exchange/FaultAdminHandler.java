package io.marketprism.ops.exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /admin/faults} over HTTP, with profiles as flat JSON objects (rates, {@code *Ms} durations,
 * {@code retryAfterSeconds}, {@code banAfter429s}, {@code oversizedData} (a market data name such as
 * {@code ORDER_BOOK}, or null) with {@code oversizedBodyBytes}; omitted keys take the fault-free defaults):
 * <ul>
 *   <li>{@code GET /admin/faults}: {@code {"global":{..},"endpoints":{"binance/api1":{..}}}}</li>
 *   <li>{@code PUT /admin/faults}: replace the global profile</li>
 *   <li>{@code PUT /admin/faults/{exchange}/{endpoint}}: give one endpoint its own profile</li>
 *   <li>{@code DELETE /admin/faults/{exchange}/{endpoint}}: make it follow the global profile again</li>
 *   <li>{@code DELETE /admin/faults}: no faults anywhere, bans lifted</li>
 * </ul>
 * Invalid input is answered 400 with the validation message.
 */
final class FaultAdminHandler implements HttpHandler {

    static final String CONTEXT = "/admin/faults";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ExchangeSimulation simulation;

    FaultAdminHandler(ExchangeSimulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        String body;
        try (InputStream in = http.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String method = http.getRequestMethod();
        if (!method.equals("GET") && !method.equals("PUT") && !method.equals("DELETE")) {
            respond(http, 405, "{\"error\":\"use GET, PUT or DELETE\"}");
            return;
        }
        try {
            apply(method, http.getRequestURI().getPath().substring(CONTEXT.length()), body);
            respond(http, 200, MAPPER.writeValueAsString(snapshot()));
        } catch (IllegalArgumentException | IllegalStateException | JsonProcessingException invalid) {
            respond(http, 400, "{\"error\":" + Json.quote(String.valueOf(invalid.getMessage())) + "}");
        }
    }

    private void apply(String method, String rest, String body) throws JsonProcessingException {
        String endpointId = rest.isEmpty() || rest.equals("/") ? null : endpointIdOf(rest.substring(1));
        if (method.equals("PUT")) {
            FaultProfile profile = fromJson(body);
            if (endpointId == null) {
                simulation.setGlobalFaults(profile);
            } else {
                simulation.setEndpointFaults(endpointId, profile);
            }
        } else if (method.equals("DELETE")) {
            if (endpointId == null) {
                simulation.resetFaults();
            } else {
                simulation.clearEndpointFaults(endpointId);
            }
        }
    }

    private static String endpointIdOf(String exchangeSlashEndpoint) {
        int slash = exchangeSlashEndpoint.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected /admin/faults/{exchange}/{endpoint}");
        }
        return ExchangeSimulation.endpointId(exchangeSlashEndpoint.substring(0, slash),
                exchangeSlashEndpoint.substring(slash + 1));
    }

    private Map<String, Object> snapshot() {
        Map<String, Object> endpoints = new TreeMap<>();
        simulation.endpointFaults().forEach((id, profile) -> endpoints.put(id, toJson(profile)));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("global", toJson(simulation.globalFaults()));
        result.put("endpoints", endpoints);
        return result;
    }

    static Map<String, Object> toJson(FaultProfile p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("connectionResetRate", p.connectionResetRate());
        json.put("timeoutRate", p.timeoutRate());
        json.put("rateLimitRate", p.rateLimitRate());
        json.put("errorRate", p.errorRate());
        json.put("fixedLatencyMs", p.fixedLatency().toMillis());
        json.put("randomLatencyUpToMs", p.randomLatencyUpTo().toMillis());
        json.put("hangLimitMs", p.hangLimit().toMillis());
        json.put("retryAfterSeconds", p.retryAfterSeconds());
        json.put("banAfter429s", p.banAfter429s());
        json.put("banDurationMs", p.banDuration().toMillis());
        json.put("oversizedData", p.oversizedData().map(Enum::name).orElse(null));
        json.put("oversizedBodyBytes", p.oversizedBodyBytes());
        return json;
    }

    static FaultProfile fromJson(String body) throws JsonProcessingException {
        Map<?, ?> json = body.isBlank() ? Map.of() : MAPPER.readValue(body, Map.class);
        FaultProfile.Builder b = FaultProfile.builder();
        for (Map.Entry<?, ?> entry : json.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (key.equals("oversizedData")) {
                continue;
            }
            if (!(entry.getValue() instanceof Number number)) {
                throw new IllegalArgumentException(key + " must be a number but was " + entry.getValue());
            }
            switch (key) {
                case "connectionResetRate" -> b.connectionResetRate(number.doubleValue());
                case "timeoutRate" -> b.timeoutRate(number.doubleValue());
                case "rateLimitRate" -> b.rateLimitRate(number.doubleValue());
                case "errorRate" -> b.errorRate(number.doubleValue());
                case "fixedLatencyMs" -> b.fixedLatency(Duration.ofMillis(number.longValue()));
                case "randomLatencyUpToMs" -> b.randomLatencyUpTo(Duration.ofMillis(number.longValue()));
                case "hangLimitMs" -> b.hangLimit(Duration.ofMillis(number.longValue()));
                case "retryAfterSeconds" -> b.retryAfterSeconds(number.intValue());
                case "banAfter429s" -> b.banAfter429s(number.intValue());
                case "banDurationMs" -> b.banDuration(Duration.ofMillis(number.longValue()));
                case "oversizedBodyBytes" -> b.oversizedBody(oversizedData(json.get("oversizedData")),
                        number.intValue());
                default -> throw new IllegalArgumentException("unknown fault key " + key + "; known: "
                        + toJson(FaultProfile.ofDefaults()).keySet());
            }
        }
        if (json.get("oversizedData") != null && !(json.get("oversizedBodyBytes") instanceof Number)) {
            throw new IllegalArgumentException("oversizedData needs oversizedBodyBytes");
        }
        return b.build();
    }

    private static MarketData oversizedData(Object name) {
        if (name == null) {
            return null;
        }
        try {
            return MarketData.valueOf(String.valueOf(name));
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("oversizedData must be one of " + Arrays.toString(MarketData.values())
                    + " or null but was " + name);
        }
    }

    /** Sends {@code body} as a JSON answer with {@code status} and closes the exchange. */
    static void respond(HttpExchange http, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", "application/json");
        http.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(bytes);
        } finally {
            http.close();
        }
    }
}
