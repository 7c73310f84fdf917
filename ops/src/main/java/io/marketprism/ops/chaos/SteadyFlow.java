package io.marketprism.ops.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A steady flow of tasks with a fault in the middle, for the scenarios that measure how long a fault stops results:
 * tasks at {@link #TASKS_PER_SECOND} for {@code before} and {@code after}, the fault injected {@code before} into
 * the flow, once results are coming. {@link KillWithoutRestart#stall} then measures the longest stall.
 */
final class SteadyFlow {

    static final int TASKS_PER_SECOND = 200;

    /** What is done to the stack in the middle of the flow. */
    interface Fault {
        void inject() throws Exception;
    }

    private SteadyFlow() {
    }

    /** Runs the flow and the fault; returns when the fault was injected, once every task is produced. */
    static Instant around(ChaosRun run, Duration before, Duration after, Fault fault) throws Exception {
        TaskFeed feed = run.feed();
        int tasks = (int) (before.plus(after).toSeconds() * TASKS_PER_SECOND);
        CompletableFuture<?> producing = CompletableFuture.runAsync(() ->
                feed.produceTasks(tasks, Duration.ofSeconds(1).dividedBy(TASKS_PER_SECOND), task -> { }));
        Thread.sleep(before.toMillis());   // the fault's place in the flow
        run.awaitTerminalProgress(1, Duration.ofMinutes(2));
        Instant injected = Instant.now();
        fault.inject();
        producing.get();
        return injected;
    }
}
