package io.marketprism.topology.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The instance's Prometheus registry, whose scrape passes {@code promtool check metrics}: it renames meters with
 * {@link PrometheusConventions} and converts the values of those whose unit became seconds.
 *
 * <p>Micrometer's Kafka binder removes the meters of a closed client (a replaced stream thread) by the id it
 * registered them under, before any filter; {@link #remove(Meter.Id)} therefore also looks for the renamed meter,
 * so renamed families lose their stale series like the others.
 */
public final class ServiceMeterRegistry extends PrometheusMeterRegistry {

    private final PrometheusConventions conventions = new PrometheusConventions();

    public ServiceMeterRegistry() {
        super(PrometheusConfig.DEFAULT);
        config().meterFilter(conventions);
    }

    @Override
    protected <T> Gauge newGauge(Meter.Id id, T obj, ToDoubleFunction<T> valueFunction) {
        return super.newGauge(id, obj, scaled(id, valueFunction));
    }

    @Override
    protected <T> FunctionCounter newFunctionCounter(Meter.Id id, T obj, ToDoubleFunction<T> countFunction) {
        return super.newFunctionCounter(id, obj, scaled(id, countFunction));
    }

    @Override
    public Meter remove(Meter.Id id) {
        Meter removed = super.remove(id);
        return removed != null ? removed : super.remove(conventions.map(id));
    }

    private <T> ToDoubleFunction<T> scaled(Meter.Id id, ToDoubleFunction<T> f) {
        double scale = conventions.scaleOf(id);
        return scale == 1 ? f : obj -> f.applyAsDouble(obj) * scale;
    }
}
