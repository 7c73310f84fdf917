package io.marketprism.ops.chaos;

import java.util.List;
import java.util.Locale;

/**
 * How a measurement moved over the second half of a run: the least-squares line through its samples there, and how
 * much that line grows across the half as a share of the half's mean. The first half is left out, since it holds the
 * warm-up (caches, JIT, the first segments of every topic) that a flat process levels off from. A series is flat when
 * that growth share is at most a limit; falling does not count against it.
 *
 * @param slopePerMinute the fitted line's slope, in the samples' unit per minute
 * @param mean the mean of the second half's samples
 * @param growthShare slope times the second half's span, over the mean (0 when the mean is 0)
 * @param samples how many samples the second half held
 */
public record Trend(double slopePerMinute, double mean, double growthShare, int samples) {

    /** One measurement: minutes since the run started, and the value. */
    public record Sample(double minute, double value) {
    }

    /**
     * The trend of the samples from the middle of the run on (by time).
     *
     * @throws IllegalArgumentException when fewer than three samples lie in the second half
     */
    public static Trend ofSecondHalf(List<Sample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double first = samples.stream().mapToDouble(Sample::minute).min().orElseThrow();
        double last = samples.stream().mapToDouble(Sample::minute).max().orElseThrow();
        double middle = (first + last) / 2;
        List<Sample> half = samples.stream().filter(s -> s.minute() >= middle).toList();
        if (half.size() < 3) {
            throw new IllegalArgumentException("a trend needs three samples in the second half, got " + half.size());
        }
        double meanMinute = half.stream().mapToDouble(Sample::minute).average().orElseThrow();
        double mean = half.stream().mapToDouble(Sample::value).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (Sample s : half) {
            covariance += (s.minute() - meanMinute) * (s.value() - mean);
            variance += (s.minute() - meanMinute) * (s.minute() - meanMinute);
        }
        double slope = variance == 0 ? 0 : covariance / variance;
        double span = half.get(half.size() - 1).minute() - half.get(0).minute();
        return new Trend(slope, mean, mean == 0 ? 0 : slope * span / mean, half.size());
    }

    /** Whether the fitted line grows across the second half by at most {@code maxGrowthShare} of its mean. */
    public boolean flat(double maxGrowthShare) {
        return growthShare <= maxGrowthShare;
    }

    /** E.g. {@code mean 41.2, slope +0.3/min, +2.1 % over the second half (15 samples)}. */
    public String describe(String unit) {
        return String.format(Locale.ROOT, "mean %.1f %s, slope %+.3f %s/min, %+.1f %% over the second half (%d "
                + "samples)", mean, unit, slopePerMinute, unit, growthShare * 100, samples);
    }
}
