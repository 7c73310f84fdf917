package io.marketprism.ops.it;

import static io.marketprism.ops.exchange.SimulatedExchange.Mode.LENIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.ops.prometheus.PrometheusRules;
import io.marketprism.ops.prometheus.Promtool;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One running instance with traffic: its /metrics scrape holds our families with their labels plus the JVM and Kafka
 * Streams binders, and the counters move with the work; /health reports readiness.
 */
class MetricsIT {

    private static final int TASKS = 300;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path stateDir;

    @Test
    void shouldServeAGrowingPrometheusScrapeAndReadinessWhileProcessingTasks() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             SimulatedExchange exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(5).build().start()) {
            Properties props = new Properties();
            props.putAll(Workloads.generousSettings(exchange));
            props.put("bootstrap.servers", kafka.bootstrapServers());
            props.put("application.id", "metrics-it");
            props.put("state.dir", stateDir.toString());
            props.put("topic.partitions", "3");
            ServiceConfig config = ServiceConfig.fromProperties(props);
            try (MarketPrismService service = MarketPrismService.withHttp(config)) {
                service.start();
                String base = "http://127.0.0.1:" + service.httpAddress().getPort();
                assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/health/ready").statusCode() == 200);
                assertThat(get(base + "/health/ready").body()).contains("\"state\":\"RUNNING\"");

                Workloads.produceTasks(kafka.bootstrapServers(), config.topics().tasks(), TASKS, "m1");
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> sum(scrape(base), "marketprism_results_total") >= TASKS);
                String first = scrape(base);
                // Kept for reading; the test runs `promtool check metrics` on the last scrape.
                Path logs = Files.createDirectories(Path.of("target", "it-logs"));
                Files.writeString(logs.resolve("metrics-scrape.txt"), first);

                Set<String> families = families(first);
                assertThat(families).hasSizeGreaterThanOrEqualTo(100);
                assertThat(families).contains("marketprism_breaker_state", "marketprism_breaker_failure_rate",
                        "marketprism_calls_total", "marketprism_call_latency_seconds",
                        "marketprism_queue_depth", "marketprism_queue_wait_seconds", "marketprism_sheds_total",
                        "marketprism_bans_total", "marketprism_banned_until_seconds", "marketprism_retries_total",
                        "marketprism_retry_budget_available", "marketprism_balancer_picks_total",
                        "marketprism_endpoint_in_flight", "marketprism_endpoint_health",
                        "marketprism_dead_letters_total", "marketprism_results_total",
                        "marketprism_task_latency_seconds", "marketprism_limiter_tokens",
                        "marketprism_limiter_window_usage_ratio", "marketprism_limiter_rate_factor",
                        "jvm_memory_used_bytes", "jvm_gc_max_data_size_bytes", "jvm_threads_live_threads",
                        "process_uptime_seconds", "system_cpus", "process_cpu_time_seconds_total",
                        "marketprism_tasks_accepted_total", "marketprism_tasks_terminal_total",
                        "marketprism_retries_read_total", "marketprism_tasks_held", "marketprism_tasks_dispatched",
                        "marketprism_queue_capacity", "marketprism_breaker_recovery_seconds",
                        "marketprism_endpoint_recovery_seconds", "marketprism_ban_duration_seconds");
                assertThat(families.stream().filter(f -> f.startsWith("kafka_"))).hasSizeGreaterThan(50);
                assertThat(first).containsPattern(
                        "marketprism_queue_depth\\{[^}]*domain=\"binance.spot.direct\"[^}]*priority=\"CRITICAL\"");
                assertThat(first).containsPattern(
                        "marketprism_calls_total\\{[^}]*endpoint=\"[a-z0-9]+\"[^}]*outcome=\"success\"");
                assertThat(first).contains("marketprism_task_latency_seconds_bucket{");
                // The owning processor publishes the engine's saved state: breakers of a busy exchange read closed.
                await().atMost(Duration.ofSeconds(10)).until(() -> Pattern.compile(
                        "marketprism_breaker_state\\{[^}]*exchange=\"binance-spot\"[^}]*} 0\\.0").matcher(scrape(base)).find());

                Workloads.produceTasks(kafka.bootstrapServers(), config.topics().tasks(), TASKS, "m2");
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> sum(scrape(base), "marketprism_results_total") >= 2 * TASKS);
                String last = scrape(base);
                assertThat(sum(last, "marketprism_balancer_picks_total"))
                        .isGreaterThan(sum(first, "marketprism_balancer_picks_total"));
                // Nothing lost: every accepted task ended, and in a result
                assertThat(sum(last, "marketprism_tasks_accepted_total")).isEqualTo(2 * TASKS);
                assertThat(sum(last, "marketprism_tasks_terminal_total")).isEqualTo(2 * TASKS);
                assertThat(sum(last, "marketprism_tasks_terminal_total", "outcome=\"result\"")).isEqualTo(2 * TASKS);

                // Every metric the shipped Prometheus rules read is in the scrape
                Set<String> samples = sampleNames(last);
                assertThat(PrometheusRules.metricNames()).isNotEmpty()
                        .allSatisfy(name -> assertThat(samples).as("rules read " + name).contains(name));
                // Last, as it may skip the test where promtool is not installed
                Promtool.assertCleanScrape(last);
            }
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String scrape(String base) throws Exception {
        HttpResponse<String> response = get(base + "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Metric family names, from the scrape's # TYPE lines. */
    private static Set<String> families(String scrape) {
        return Arrays.stream(scrape.split("\n")).filter(line -> line.startsWith("# TYPE "))
                .map(line -> line.split(" ")[2]).collect(Collectors.toSet());
    }

    /** Names of the samples in the scrape, as a query names them ({@code _bucket}, {@code _count} included). */
    private static Set<String> sampleNames(String scrape) {
        return Arrays.stream(scrape.split("\n")).filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]")[0]).collect(Collectors.toSet());
    }

    /** Sum of every sample of {@code name}, whatever its labels. */
    private static double sum(String scrape, String name) {
        return sum(scrape, name, "");
    }

    /** Sum of the samples of {@code name} whose labels contain {@code label} ({@code key="value"}). */
    private static double sum(String scrape, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape);
        double total = 0;
        while (m.find()) {
            if (m.group(1) != null ? m.group(1).contains(label) : label.isEmpty()) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
