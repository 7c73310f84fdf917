package io.marketprism.ops.it;

import io.marketprism.topology.MarketPrismService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One Prometheus scrape of a service instance's {@code /metrics}, to read our counters in integration tests. */
record ServiceScrape(String text) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static ServiceScrape of(MarketPrismService service) {
        URI uri = URI.create("http://127.0.0.1:" + service.httpAddress().getPort() + "/metrics");
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode());
            }
            return new ServiceScrape(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot scrape " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sum of the samples of {@code name} whose labels include {@code labelPattern} (a regex; "" for all). */
    double sum(String name, String labelPattern) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
        Pattern labels = Pattern.compile(labelPattern);
        double total = 0;
        while (m.find()) {
            if (labels.matcher(m.group(1) == null ? "" : m.group(1)).find()) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
