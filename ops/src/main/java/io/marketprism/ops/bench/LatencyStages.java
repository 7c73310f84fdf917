package io.marketprism.ops.bench;

import io.marketprism.ops.bench.SteadyLoadBenchmark.Percentiles;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Where the latency the service adds to a task goes, stage by stage, over many tasks: one HdrHistogram per stage, and
 * which stages the slowest tasks spent their time in. A task's stages are cut at the times that exist anyway: its
 * creation, the broker's acknowledgement to the benchmark's producer, its attempts' start and latency and its
 * result's completion time (both in the result), the end of the commit of the transaction the result was produced in
 * ({@link CommitTimes}), and when the benchmark's read_committed reader saw it. The stages of a task add up to what
 * the service adds (produce → committed result less the calls), up to each stage being counted as at least 0 ms (the
 * clocks are read on different threads, in whole milliseconds).
 */
final class LatencyStages {

    /** A stage of a task's way, between two of its times. */
    enum Stage {
        SEND("created -> acknowledged (the benchmark's producer)"),
        TAKE_UP("acknowledged -> first call started"),
        BETWEEN_ATTEMPTS("between attempts (retries)"),
        HAND_BACK("call answered -> result produced"),
        AWAIT_COMMIT("result produced -> its transaction committed"),
        VISIBLE("committed -> read under read_committed");

        private final String label;

        Stage(String label) {
            this.label = label;
        }

        /** What the stage spans, for the report. */
        String label() {
            return label;
        }
    }

    /**
     * The times of one task's way, epoch milliseconds.
     *
     * @param createdAt          the task's {@code createdAt}
     * @param acknowledgedAt     when the broker's acknowledgement of the task reached the benchmark's producer
     * @param firstCallStartedAt the first attempt's {@code startedAt}
     * @param callsMillis        the attempts' latencies, summed
     * @param lastCallAnsweredAt the last attempt's {@code startedAt} plus its latency
     * @param completedAt        the result's {@code completedAt}: when the service produced it
     * @param commitEndedAt      when the commit of the transaction it was produced in ended
     * @param committedSeenAt    when a read_committed reader first saw it
     */
    record Timeline(long createdAt, long acknowledgedAt, long firstCallStartedAt, long callsMillis,
                    long lastCallAnsweredAt, long completedAt, long commitEndedAt, long committedSeenAt) {

        /** Each stage's share of the timeline, in milliseconds, at least 0. */
        long[] stages() {
            long[] millis = new long[Stage.values().length];
            millis[Stage.SEND.ordinal()] = acknowledgedAt - createdAt;
            millis[Stage.TAKE_UP.ordinal()] = firstCallStartedAt - acknowledgedAt;
            millis[Stage.BETWEEN_ATTEMPTS.ordinal()] = lastCallAnsweredAt - firstCallStartedAt - callsMillis;
            millis[Stage.HAND_BACK.ordinal()] = completedAt - lastCallAnsweredAt;
            millis[Stage.AWAIT_COMMIT.ordinal()] = commitEndedAt - completedAt;
            millis[Stage.VISIBLE.ordinal()] = committedSeenAt - commitEndedAt;
            for (int i = 0; i < millis.length; i++) {
                millis[i] = Math.max(0, millis[i]);
            }
            return millis;
        }

        /** What the service adds: produce → committed result less the calls. */
        long serviceAddedMillis() {
            return Math.max(0, committedSeenAt - createdAt - callsMillis);
        }
    }

    /**
     * How many tasks' way (creation to committed result) overlapped a stop-the-world pause, of all tasks and of those
     * in the tail; and the p99 of what the service added to the tasks that overlapped none.
     */
    record PauseOverlap(int tasks, int spanningAPause, int tailTasks, int tailSpanningAPause,
                        long addedP99WithoutPauses) {
    }

    private final long highestMillis;
    private final Map<Stage, Histogram> histograms = new EnumMap<>(Stage.class);
    private final List<Timeline> timelines = new ArrayList<>();

    LatencyStages(long highestMillis) {
        this.highestMillis = highestMillis;
        for (Stage stage : Stage.values()) {
            histograms.put(stage, new Histogram(highestMillis, 3));
        }
    }

    void record(Timeline timeline) {
        long[] stages = timeline.stages();
        for (Stage stage : Stage.values()) {
            histograms.get(stage).recordValue(Math.min(highestMillis, stages[stage.ordinal()]));
        }
        timelines.add(timeline);
    }

    /** Percentiles of every stage. */
    Map<Stage, Percentiles> percentiles() {
        Map<Stage, Percentiles> all = new EnumMap<>(Stage.class);
        histograms.forEach((stage, histogram) -> all.put(stage, Percentiles.of(histogram)));
        return all;
    }

    /**
     * The mean of every stage over the tasks to which the service added at least {@code thresholdMillis} (its p99,
     * say): which stages make the tail. Zeros when no task reached it.
     */
    Map<Stage, Double> meanOfTasksAtOrAbove(long thresholdMillis) {
        double[] sums = new double[Stage.values().length];
        int tasks = 0;
        for (Timeline timeline : timelines) {
            if (timeline.serviceAddedMillis() >= thresholdMillis) {
                tasks++;
                long[] stages = timeline.stages();
                for (int s = 0; s < sums.length; s++) {
                    sums[s] += stages[s];
                }
            }
        }
        Map<Stage, Double> means = new EnumMap<>(Stage.class);
        for (Stage stage : Stage.values()) {
            means.put(stage, tasks == 0 ? 0.0 : sums[stage.ordinal()] / tasks);
        }
        return means;
    }

    /**
     * Which tasks' way overlapped one of {@code pauses}, of all tasks and of those to which the service added at least
     * {@code thresholdMillis}: when the tail's share is far above the whole's, the pauses make the tail.
     */
    PauseOverlap overlapWith(List<GcPauses.Pause> pauses, long thresholdMillis) {
        int spanning = 0;
        int tail = 0;
        int tailSpanning = 0;
        Histogram unpaused = new Histogram(highestMillis, 3);
        for (Timeline timeline : timelines) {
            boolean paused = pauses.stream()
                    .anyMatch(p -> p.overlaps(timeline.createdAt(), timeline.committedSeenAt()));
            boolean inTail = timeline.serviceAddedMillis() >= thresholdMillis;
            spanning += paused ? 1 : 0;
            tail += inTail ? 1 : 0;
            tailSpanning += paused && inTail ? 1 : 0;
            if (!paused) {
                unpaused.recordValue(Math.min(highestMillis, timeline.serviceAddedMillis()));
            }
        }
        return new PauseOverlap(timelines.size(), spanning, tail, tailSpanning, unpaused.getValueAtPercentile(99));
    }
}
