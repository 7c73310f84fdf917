package io.marketprism.ops.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A steady flow of tasks with a fault in the middle, for the scenarios that measure how long a fault stops results:
 * tasks at about {@link #TASKS_PER_SECOND} (a second's worth at a time) for {@code before} and {@code after}, the fault
 * injected {@code before} into the flow once the service keeps up with it (its terminal topics hold as many records
 * and transaction markers as the feed has produced), so that the stall measured is the fault's and not a backlog's.
 * {@link KillWithoutRestart#stall} then measures the longest stall.
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
        long seconds = before.plus(after).toSeconds();
        CompletableFuture<?> producing = CompletableFuture.runAsync(() -> {
            for (long second = 0; second < seconds; second++) {
                feed.produceTasks(TASKS_PER_SECOND, Duration.ofSeconds(1).dividedBy(TASKS_PER_SECOND), task -> { });
            }
        });
        Thread.sleep(before.toMillis());   // the fault's place in the flow
        Deadline.within(Duration.ofMinutes(2)).await(() -> run.terminalProgress() >= feed.produced().size(),
                "the service to keep up with the flow");
        Instant injected = Instant.now();
        fault.inject();
        producing.get();
        return injected;
    }
}
