package io.marketprism.topology.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renames the meters of the Kafka client and JVM binders that break Prometheus conventions (what
 * {@code promtool check metrics} reports), keeping what they measure:
 * <ul>
 * <li>an abbreviated time unit in the name or base unit ({@code ns}, {@code us}, {@code ms}) becomes
 * {@code seconds}: {@code kafka.producer.io.time.ns.total} is exposed as {@code kafka_producer_io_time_seconds_total},
 * {@code process.cpu.time} (base unit {@code ns}) as {@code process_cpu_time_seconds_total}. The name alone cannot
 * convert the value: {@link #scaleOf(Meter.Id)} tells the registry the factor, and {@link ServiceMeterRegistry}
 * applies it;</li>
 * <li>a gauge named {@code ...count} (a {@code _count} suffix belongs to histograms) becomes a plural:
 * {@code system.cpu.count} is {@code system_cpus}, {@code kafka.producer.connection.count} is
 * {@code kafka_producer_connections};</li>
 * <li>a meter without a description gets one naming its source, so every family has help text.</li>
 * </ul>
 * Meters that follow the conventions pass unchanged.
 */
public final class PrometheusConventions implements MeterFilter {

    private static final Map<String, Double> SECONDS_PER_UNIT = Map.of("ns", 1e-9, "us", 1e-6, "ms", 1e-3);
    private static final String SECONDS = "seconds";

    /** The factor to seconds of every renamed meter, by its new name. */
    private final Map<String, Double> scales = new ConcurrentHashMap<>();

    @Override
    public Meter.Id map(Meter.Id id) {
        String[] tokens = id.getName().split("\\.");
        double scale = 1;
        for (int i = 0; i < tokens.length; i++) {
            Double factor = SECONDS_PER_UNIT.get(tokens[i]);
            if (factor != null) {
                tokens[i] = SECONDS;
                scale = factor;
            }
        }
        String baseUnit = id.getBaseUnit();
        Double baseFactor = baseUnit == null ? null : SECONDS_PER_UNIT.get(baseUnit);
        if (baseFactor != null) {
            baseUnit = SECONDS;
            scale = baseFactor;
        }
        if (tokens.length > 1 && tokens[tokens.length - 1].equals("count")) {
            tokens = Arrays.copyOf(tokens, tokens.length - 1);
            tokens[tokens.length - 1] = plural(tokens[tokens.length - 1]);
        }
        String name = String.join(".", tokens);
        String description = id.getDescription();
        if (description == null || description.isBlank()) {
            description = "Metric " + id.getName() + " (its source gives no description)";
        }
        if (scale != 1) {
            scales.put(name, scale);
        }
        if (name.equals(id.getName()) && description.equals(id.getDescription())
                && Objects.equals(baseUnit, id.getBaseUnit())) {
            return id;
        }
        return new Meter.Id(name, Tags.of(id.getTagsAsIterable()), baseUnit, description, id.getType());
    }

    /** The factor that turns the value of the meter behind {@code mappedId} into its new unit; 1 if unchanged. */
    public double scaleOf(Meter.Id mappedId) {
        return scales.getOrDefault(mappedId.getName(), 1.0);
    }

    private static String plural(String word) {
        return word.endsWith("s") ? word : word + "s";
    }
}
