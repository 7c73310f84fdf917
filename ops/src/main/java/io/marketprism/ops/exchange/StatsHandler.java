package io.marketprism.ops.exchange;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /__sim/stats}: the mode, requests served, and per (venue, route, limit group) the {@link LimitUsage}
 * fields ({@code window} as {@code windowMs}, plus {@code peakShare}); strict mode only has limits.
 */
final class StatsHandler implements HttpHandler {

    static final String CONTEXT = "/__sim/stats";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ExchangeSimulation simulation;
    private final SimulatedExchange.Mode mode;

    StatsHandler(ExchangeSimulation simulation, SimulatedExchange.Mode mode) {
        this.simulation = simulation;
        this.mode = mode;
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        try (InputStream in = http.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        int status = 200;
        String body;
        if (http.getRequestMethod().equals("GET")) {
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("mode", mode.name());
            stats.put("requests", simulation.requestCount());
            stats.put("limits", simulation.limitUsage().stream().map(StatsHandler::toJson).toList());
            body = MAPPER.writeValueAsString(stats);
        } else {
            status = 405;
            body = "{\"error\":\"use GET\"}";
        }
        FaultAdminHandler.respond(http, status, body);
    }

    private static Map<String, Object> toJson(LimitUsage u) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("venue", u.venue());
        json.put("route", u.route());
        json.put("group", u.group());
        json.put("unit", u.unit());
        json.put("limit", u.limit());
        json.put("windowMs", u.window().toMillis());
        json.put("used", u.used());
        json.put("peak", u.peak());
        json.put("peakShare", u.peakShare());
        json.put("charged", u.charged());
        json.put("admitted", u.admitted());
        json.put("rejected", u.rejected());
        json.put("banned", u.banned());
        json.put("scopes", u.scopes());
        return json;
    }
}
