package io.marketprism.ops.bench;

import java.util.Arrays;

/**
 * Percentiles of a latency, in milliseconds (nearest rank).
 *
 * @param p50Millis median
 * @param p99Millis 99th percentile
 * @param maxMillis largest sample
 * @param samples   how many samples they were computed from
 */
public record LatencyPercentiles(long p50Millis, long p99Millis, long maxMillis, int samples) {

    /**
     * Percentiles of the given samples; the array is sorted in place.
     *
     * @throws IllegalArgumentException if there are no samples
     */
    public static LatencyPercentiles of(long[] samples, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("no latency samples");
        }
        Arrays.sort(samples, 0, count);
        return new LatencyPercentiles(nearestRank(samples, count, 0.50), nearestRank(samples, count, 0.99),
                samples[count - 1], count);
    }

    private static long nearestRank(long[] sorted, int count, double quantile) {
        int rank = (int) Math.ceil(quantile * count);
        return sorted[Math.max(0, rank - 1)];
    }
}
