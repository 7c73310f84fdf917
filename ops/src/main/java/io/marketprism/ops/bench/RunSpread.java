package io.marketprism.ops.bench;

import java.util.Collection;

/**
 * Median, lowest and highest of some runs' figures, and the spread: highest minus lowest as a share of the median.
 *
 * @param median median (the mean of the middle two for an even count)
 * @param min    lowest
 * @param max    highest
 * @param count  how many figures
 */
public record RunSpread(double median, double min, double max, int count) {

    /**
     * @throws IllegalArgumentException if there are no figures
     */
    static RunSpread of(Collection<Double> figures) {
        if (figures.isEmpty()) {
            throw new IllegalArgumentException("no figures to summarise");
        }
        double[] sorted = figures.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new RunSpread(median, sorted[0], sorted[n - 1], n);
    }

    /** (max - min) / median; 0 for a single figure. */
    public double spread() {
        return median == 0 ? 0 : (max - min) / median;
    }
}
