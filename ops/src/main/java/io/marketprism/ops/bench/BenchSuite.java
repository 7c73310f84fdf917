package io.marketprism.ops.bench;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The parts of {@code marketprism bench}, each runnable alone; {@code all} names every one. */
public enum BenchSuite {
    /** The pipeline's throughput against the exactly-once copy ceiling, repeated runs of both. */
    CEILING,
    /** Produce → committed result percentiles at a moderate rate against the simulated exchange. */
    LATENCY,
    /** CPU share of the service's threads and allocation per task at a steady rate. */
    COST,
    /** A million waiting tasks behind tiny budgets: intake, heap, drain order, restore. */
    BACKLOG,
    /** Kill -9 of one of two instances under load, without and with a standby: time until results resume. */
    FAILOVER,
    /** 1, 2 and 4 instances on the same I/O-bound backlog: results per second and the speed-up. */
    SCALE_OUT,
    /** Every exchange's requests at a multiple of their budgets against the strict simulator: share used, 429s. */
    BUDGET;

    /**
     * The suites named, case-insensitively; {@code all} stands for every one.
     *
     * @throws IllegalArgumentException naming the option and every allowed value for an unknown name
     */
    public static Set<BenchSuite> parse(List<String> names) {
        EnumSet<BenchSuite> parsed = EnumSet.noneOf(BenchSuite.class);
        for (String name : names) {
            String normal = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            if (normal.equals("ALL")) {
                parsed.addAll(EnumSet.allOf(BenchSuite.class));
                continue;
            }
            try {
                parsed.add(valueOf(normal));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--suite: '" + name + "' is not one of all, "
                        + EnumSet.allOf(BenchSuite.class).stream().map(BenchSuite::optionName)
                        .collect(Collectors.joining(", ")), e);
            }
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("--suite: give at least one suite, or all");
        }
        return parsed;
    }

    /** The name as the option takes it, e.g. {@code scale-out}. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
