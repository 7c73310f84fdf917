package io.marketprism.topology.processor;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.topology.state.StoreWaitQueue;
import io.marketprism.topology.state.UndoLog;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/** The durable wait queue of every limit domain of one partition, opened on first use over one store. */
final class DomainQueues {

    private final KeyValueStore<Bytes, byte[]> store;
    private final UndoLog undo;
    private final Map<String, StoreWaitQueue> byDomain = new HashMap<>();

    DomainQueues(KeyValueStore<Bytes, byte[]> store, UndoLog undo) {
        this.store = store;
        this.undo = undo;
    }

    StoreWaitQueue of(String domain) {
        return byDomain.computeIfAbsent(domain, d -> new StoreWaitQueue(store, d, TaskViews::avoidEndpoint, undo));
    }

    /** Closes the queue of {@code domain}, which holds no task: a per-instrument domain that was forgotten. */
    void close(String domain) {
        byDomain.remove(domain);
    }

    /**
     * The depth by priority of the opened queues, summed by the domain of their group on their route
     * ({@link DomainId#groupDomain()}): a per-instrument group's queues count as one.
     */
    Map<String, int[]> depthsByGroupDomain() {
        Map<String, int[]> depths = new HashMap<>();
        byDomain.forEach((domain, queue) -> {
            int[] sums = depths.computeIfAbsent(new DomainId(domain).groupDomain().name(),
                    group -> new int[Priority.values().length]);
            for (Priority priority : Priority.values()) {
                sums[priority.ordinal()] += queue.depth(priority);
            }
        });
        return depths;
    }

    /** The domains whose queue was opened. */
    Set<String> opened() {
        return byDomain.keySet();
    }

    /** The domains that have tasks waiting in the store, opened or not (after a restore: those of other configs). */
    Collection<String> withWaitingTasks() {
        return StoreWaitQueue.domainsIn(store);
    }
}
