package io.marketprism.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ServiceMeterRegistryTest {

    private final ServiceMeterRegistry registry = new ServiceMeterRegistry();

    @Test
    void shouldExposeNanosecondCountersInSecondsUnderAFullUnitName() {
        AtomicLong nanos = new AtomicLong(2_500_000_000L);
        FunctionCounter.builder("kafka.producer.io.time.ns.total", nanos, AtomicLong::get)
                .description("The total time the I/O thread spent doing I/O").tags("client.id", "p1").register(registry);

        assertThat(registry.scrape())
                .contains("kafka_producer_io_time_seconds_total{client_id=\"p1\"} 2.5")
                .doesNotContain("_ns_");
    }

    @Test
    void shouldConvertAnAbbreviatedBaseUnitAndMillisecondGauges() {
        AtomicLong cpuNanos = new AtomicLong(7_000_000_000L);
        FunctionCounter.builder("process.cpu.time", cpuNanos, AtomicLong::get).baseUnit("ns")
                .description("CPU time of the process").register(registry);
        Gauge.builder("kafka.app.info.start.time.ms", () -> 1_700_000_000_000L).description("start").register(registry);

        assertThat(registry.scrape())
                .contains("process_cpu_time_seconds_total 7.0")
                .contains("kafka_app_info_start_time_seconds 1.7E9");
    }

    @Test
    void shouldRenameCountGaugesToPluralsAndGiveEveryFamilyHelpText() {
        Gauge.builder("system.cpu.count", () -> 2).description("processors").register(registry);
        Gauge.builder("kafka.producer.connection.count", () -> 3).tags("client.id", "p1").register(registry);

        String scrape = registry.scrape();
        assertThat(scrape).contains("system_cpus 2.0", "kafka_producer_connections{client_id=\"p1\"} 3.0")
                .contains("# HELP kafka_producer_connections Metric kafka.producer.connection.count")
                .doesNotContain("_count");
    }

    @Test
    void shouldLeaveConventionalMetersAlone() {
        AtomicLong results = new AtomicLong(4);
        FunctionCounter.builder(MetricNames.RESULTS, results, AtomicLong::get)
                .description(MetricNames.describe(MetricNames.RESULTS)).register(registry);
        registry.timer(MetricNames.CALL_LATENCY).record(java.time.Duration.ofMillis(250));

        assertThat(registry.scrape())
                .contains("marketprism_results_total 4.0")
                .contains("marketprism_call_latency_seconds_sum 0.25", "marketprism_call_latency_seconds_count 1");
    }

    @Test
    void shouldRemoveARenamedMeterByTheIdItWasRegisteredUnder() {
        // Given a Kafka meter registered under its own name, as Micrometer's Kafka binder does
        FunctionCounter.builder("kafka.stream.thread.blocked.time.ns.total", new AtomicLong(1), AtomicLong::get)
                .tags("thread.id", "t1").register(registry);
        assertThat(registry.scrape()).contains("kafka_stream_thread_blocked_time_seconds_total");

        // When the binder removes it by that id (its client closed)
        Meter removed = registry.remove(new Meter.Id("kafka.stream.thread.blocked.time.ns.total",
                Tags.of("thread.id", "t1"), null, null, Meter.Type.OTHER));

        // Then the renamed series is gone
        assertThat(removed).isNotNull();
        assertThat(registry.scrape()).doesNotContain("blocked_time");
    }
}
