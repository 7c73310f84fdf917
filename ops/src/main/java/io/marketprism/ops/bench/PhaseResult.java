package io.marketprism.ops.bench;

import io.marketprism.ops.bench.BenchmarkSettings.Phase;
import java.util.Optional;

/**
 * The figures of one phase.
 *
 * @param phase            which phase
 * @param run              which run of the phase, from 1
 * @param measuredTasks    tasks committed between the first look after the warm-up and the last record
 * @param measuredNanos    time between those two looks
 * @param sinceStartNanos  time from starting Kafka Streams to the last record, start-up and warm-up included
 * @param deadLetters      dead letters among the terminal records (0 when nothing was refused or shed)
 * @param commitLag        how long after its outcome was decided a result became visible under read_committed;
 *                         empty for the ceiling, whose records keep the producer's timestamps
 * @param cpuNanos         CPU time of the app's threads while the measured tasks went through
 * @param allocatedBytes   bytes the app's threads allocated meanwhile
 */
public record PhaseResult(Phase phase, int run, long measuredTasks, long measuredNanos, long sinceStartNanos, long deadLetters,
                          Optional<LatencyPercentiles> commitLag, long cpuNanos, long allocatedBytes) {

    /**
     * The figures between two looks at the output.
     *
     * @throws IllegalStateException if both looks saw the same count or time: too few tasks to tell a rate
     */
    static PhaseResult between(Phase phase, int run, Observation first, Observation last, long startedNanos, long deadLetters,
                               Optional<LatencyPercentiles> commitLag, long cpuNanos, long allocatedBytes) {
        long tasks = last.count() - first.count();
        long nanos = last.nanos() - first.nanos();
        if (tasks <= 0 || nanos <= 0) {
            throw new IllegalStateException(phase + ": all output arrived at once (" + first + " to " + last
                    + "); raise --tasks to measure a rate");
        }
        return new PhaseResult(phase, run, tasks, nanos, last.nanos() - startedNanos, deadLetters, commitLag,
                cpuNanos, allocatedBytes);
    }

    /** Measured tasks per second of wall-clock time. */
    public double tasksPerSecond() {
        return measuredTasks * 1e9 / measuredNanos;
    }

    /** CPU microseconds of the app's threads per measured task: the cost, less sensitive to other load. */
    public double cpuMicrosPerTask() {
        return cpuNanos / 1e3 / measuredTasks;
    }

    /** Bytes the app's threads allocated per measured task. */
    public double allocatedBytesPerTask() {
        return (double) allocatedBytes / measuredTasks;
    }

    /** Measured time in seconds. */
    public double measuredSeconds() {
        return measuredNanos / 1e9;
    }
}
