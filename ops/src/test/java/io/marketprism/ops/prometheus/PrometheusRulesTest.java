package io.marketprism.ops.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The shipped rules load in Prometheus ({@code promtool check rules}) and behave as their fixtures say
 * ({@code promtool test rules}); MetricsIT checks every metric they read against a live scrape.
 */
class PrometheusRulesTest {

    @Test
    void shouldBeValidRulesForPrometheus() throws Exception {
        Promtool.Run run = Promtool.run(PrometheusRules.DIRECTORY, "", "check", "rules", PrometheusRules.RULES);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS");
    }

    @Test
    void shouldFireAndStayQuietAsTheFixturesExpect() throws Exception {
        Promtool.Run run = Promtool.run(PrometheusRules.DIRECTORY, "", "test", "rules", PrometheusRules.FIXTURES);

        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    @Test
    void shouldFindTheMetricsReadInEveryLineOfAnExpression() {
        assertThat(PrometheusRules.metricNames())
                .contains("marketprism_tasks_terminal_total", "marketprism_breaker_state",
                        "marketprism_queue_capacity", "kafka_stream_client_state",
                        "marketprism_retry_budget_available", "marketprism_limiter_window_usage_ratio")
                .noneMatch(name -> name.endsWith("_"))
                .allMatch(name -> !name.contains(":"));
    }
}
