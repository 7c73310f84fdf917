package io.marketprism.reliability.limiter;

import io.marketprism.reliability.Priority;
import java.util.Optional;

/**
 * The waiting tasks of one limit domain, one FIFO per priority ordered by {@link Waiting#arrivalSeq()}.
 * The limiter reads and changes it but does not own it: the topology backs it with a store keyed
 * (domain, priority, arrivalSeq); {@link InMemoryWaitQueue} serves tests and simple callers.
 */
public interface WaitQueue {

    /** Number of tasks waiting at {@code priority}. */
    int depth(Priority priority);

    /** The oldest task waiting at {@code priority}. */
    Optional<Waiting> head(Priority priority);

    /** Appends {@code waiting}; its arrivalSeq is larger than any already queued at its priority. */
    void add(Waiting waiting);

    /** Removes and returns the oldest task at {@code priority}; fails when none waits. */
    Waiting removeHead(Priority priority);

    /** Removes and returns the newest task at {@code priority}, if any. */
    Optional<Waiting> removeNewest(Priority priority);

    /**
     * The highest {@link Waiting#arrivalSeq()} of any task waiting, at any priority; -1 when none waits. A fresh
     * limiter asks it once, so that it numbers new arrivals after the tasks it finds waiting.
     */
    long maxArrivalSeq();

    /** Number of tasks waiting at all priorities. */
    default int totalDepth() {
        int total = 0;
        for (Priority priority : Priority.values()) {
            total += depth(priority);
        }
        return total;
    }
}
