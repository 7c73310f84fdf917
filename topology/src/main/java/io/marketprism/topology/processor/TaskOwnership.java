package io.marketprism.topology.processor;

import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;

/**
 * The exceptions by which Kafka Streams tells a processor that its task is no longer its own to write: its producer
 * was fenced or it missed a rebalance ({@link TaskMigratedException}), or its state must be restored again
 * ({@link TaskCorruptedException}). They are no failure of the task being handled, and nothing written after them
 * commits, so fault isolation must let them reach Kafka Streams, which closes the task and rejoins the group; its own
 * {@code ProcessorNode} lets them past the processing-exception handler in the same way.
 */
final class TaskOwnership {

    private TaskOwnership() {
    }

    /** Rethrows {@code failure} when it says the task is lost; otherwise returns, for the caller to isolate it. */
    static void rethrowIfLost(RuntimeException failure) {
        if (failure instanceof TaskMigratedException || failure instanceof TaskCorruptedException) {
            throw failure;
        }
    }
}
