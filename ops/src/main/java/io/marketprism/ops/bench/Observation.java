package io.marketprism.ops.bench;

/**
 * How many records had been committed when a reader looked.
 *
 * @param nanos monotonic time of the look ({@link System#nanoTime()} scale)
 * @param count records seen so far
 */
record Observation(long nanos, long count) {
}
