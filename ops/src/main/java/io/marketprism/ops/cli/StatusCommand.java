package io.marketprism.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marketprism status}: the cluster-wide breakers, queues and bans, read from one instance's admin API (which
 * gathers the other instances' state), as tables or JSON.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print the breakers, queues and bans of the whole cluster, from any instance's admin API.")
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SECTIONS = List.of("breakers", "queues", "bans");

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080",
            description = "Base URL of any service instance's HTTP server (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--json", description = "Print one JSON object with the three listings instead of tables.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ObjectNode all = JSON.createObjectNode();
        for (String section : SECTIONS) {
            all.set(section, fetch(http, section));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        } else {
            out.print(render(all));
        }
        out.flush();
        return 0;
    }

    private JsonNode fetch(HttpClient http, String section) throws IOException, InterruptedException {
        String target = url.replaceAll("/+$", "") + "/admin/" + section;
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach " + target + ": " + e.getMessage()
                    + " (is the service running? use --url)", e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(target + " answered HTTP " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The three listings as aligned text tables, with the instances that did not answer. */
    static String render(JsonNode all) {
        StringBuilder out = new StringBuilder();
        table(out, "Breakers", all.get("breakers"), List.of("EXCHANGE", "ENDPOINT", "STATE", "FAILURE%", "SLOW%",
                "CALLS", "SINCE", "INSTANCE"), row -> List.of(row.get("exchange").asText(), row.get("endpoint").asText(),
                row.get("state").asText(), rate(row.get("failureRate")), rate(row.get("slowCallRate")),
                row.get("bufferedCalls").asText(), time(row.get("since").asLong()), row.get("instance").asText()));
        table(out, "Queues", all.get("queues"), List.of("DOMAIN", "CRITICAL", "HIGH", "NORMAL", "LOW", "TOTAL",
                "INSTANCE"), row -> {
            JsonNode depth = row.get("depthByPriority");
            return List.of(row.get("domain").asText(), depth.path("CRITICAL").asText("0"),
                    depth.path("HIGH").asText("0"), depth.path("NORMAL").asText("0"), depth.path("LOW").asText("0"),
                    row.get("total").asText(), row.get("instance").asText());
        });
        table(out, "Bans", all.get("bans"), List.of("DOMAIN", "EXCHANGE", "BANNED UNTIL", "RATE FACTOR", "INSTANCE"),
                row -> List.of(row.get("domain").asText(), row.get("exchange").asText(),
                        time(row.get("bannedUntil").asLong()), String.format("%.2f", row.get("rateFactor").asDouble()),
                        row.get("instance").asText()));
        return out.toString();
    }

    private static void table(StringBuilder out, String title, JsonNode listing, List<String> header,
                              Function<JsonNode, List<String>> columns) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        listing.get("items").forEach(item -> rows.add(columns.apply(item)));
        out.append(title).append(rows.size() == 1 ? ": none" : "").append('\n');
        if (rows.size() > 1) {
            int[] widths = new int[header.size()];
            rows.forEach(row -> {
                for (int i = 0; i < row.size(); i++) {
                    widths[i] = Math.max(widths[i], row.get(i).length());
                }
            });
            for (List<String> row : rows) {
                StringBuilder line = new StringBuilder("  ");
                for (int i = 0; i < row.size(); i++) {
                    line.append(String.format("%-" + widths[i] + "s", row.get(i))).append(i < row.size() - 1 ? "  " : "");
                }
                out.append(line.toString().stripTrailing()).append('\n');
            }
        }
        listing.get("unreachable").forEach(host -> out.append("  (no answer from ").append(host.asText())
                .append(")\n"));
        listing.path("problems").forEach(problem -> out.append("  (incomplete: ").append(problem.asText())
                .append(")\n"));
        out.append('\n');
    }

    private static String rate(JsonNode value) {
        return value.asDouble() < 0 ? "-" : String.format("%.1f", value.asDouble());
    }

    private static String time(long epochMillis) {
        return epochMillis <= 0 ? "-" : Instant.ofEpochMilli(epochMillis).toString();
    }
}
