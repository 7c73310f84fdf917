package io.marketprism.ops.chaos;

/** How big a scenario runs: the whole suite, or the reduced sizes of the fast subset that {@code mvn verify} runs. */
public enum Scale {
    /** The sizes the issue asks for, e.g. 100,000 tasks through five kills. */
    FULL,
    /** Reduced sizes for the integration tests: the same faults, fewer tasks, shorter outages. */
    FAST;

    /** {@code full} at full scale, else {@code fast}. */
    public int pick(int full, int fast) {
        return this == FULL ? full : fast;
    }
}
