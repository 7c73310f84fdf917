package io.marketprism.ops.bench;

import java.util.Map;

/**
 * What one {@link SteadyLoadBenchmark} run does. Validated on construction; each message names the option.
 *
 * @param ratePerSecond         tasks produced per second
 * @param warmupSeconds         seconds of load before the measurement starts
 * @param seconds               seconds measured
 * @param exchangeLatencyMillis the simulated exchange's fixed latency per request
 * @param partitions            partitions of every topic
 * @param inputKeys             how the tasks are keyed on the tasks topic
 * @param serviceOverrides      service configuration keys set on top of the benchmark's settings
 */
public record SteadyLoadSettings(double ratePerSecond, int warmupSeconds, int seconds, int exchangeLatencyMillis,
                                 int partitions, InputKeys inputKeys, Map<String, String> serviceOverrides) {

    public SteadyLoadSettings {
        if (!(ratePerSecond > 0 && ratePerSecond <= 100_000)) {
            throw new IllegalArgumentException("--rate must be in (0, 100000] tasks/s, got " + ratePerSecond);
        }
        requireInRange("--steady-warmup-seconds", warmupSeconds, 0, 3600);
        requireInRange("--steady-seconds", seconds, 1, 3600);
        requireInRange("--exchange-latency-ms", exchangeLatencyMillis, 0, 60_000);
        requireInRange("--partitions", partitions, 1, 10_000);
        if (inputKeys == null) {
            throw new IllegalArgumentException("--input-keys must be host_set or task_id");
        }
        serviceOverrides = Map.copyOf(serviceOverrides);
    }

    private static void requireInRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be in " + min + ".." + max + ", got " + value);
        }
    }
}
