package io.marketprism.reliability.engine;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.limiter.WaitQueue;
import io.marketprism.reliability.limiter.Waiting;
import java.util.Optional;

/**
 * A view of a wait queue that looks empty once one task was removed from it, so that a limiter drain through it
 * admits at most the single highest-priority task. Lets the engine check the endpoints before each admission.
 */
final class SingleTaskView implements WaitQueue {

    private WaitQueue queue;
    private boolean taken;

    /** Starts viewing {@code target} with nothing taken. */
    SingleTaskView over(WaitQueue target) {
        this.queue = target;
        this.taken = false;
        return this;
    }

    @Override
    public int depth(Priority priority) {
        return taken ? 0 : queue.depth(priority);
    }

    @Override
    public int totalDepth() {
        return taken ? 0 : queue.totalDepth();
    }

    @Override
    public Optional<Waiting> head(Priority priority) {
        return taken ? Optional.empty() : queue.head(priority);
    }

    @Override
    public long maxArrivalSeq() {
        return queue.maxArrivalSeq();
    }

    @Override
    public void add(Waiting waiting) {
        throw new UnsupportedOperationException("a drain does not add tasks");
    }

    @Override
    public Waiting removeHead(Priority priority) {
        taken = true;
        return queue.removeHead(priority);
    }

    @Override
    public Optional<Waiting> removeNewest(Priority priority) {
        throw new UnsupportedOperationException("a drain does not shed tasks");
    }
}
