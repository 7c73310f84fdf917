package io.marketprism.topology.admin;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Hands admin commands from the HTTP threads to the stream thread processing a partition: the HTTP side
 * {@link #submit}s for the partition that owns the command's domain, the processor of that partition
 * {@link #poll}s at every tick. One mailbox per service instance.
 */
public final class AdminMailbox {

    private final Map<Integer, Queue<AdminCommand>> byPartition = new ConcurrentHashMap<>();

    public void submit(int partition, AdminCommand command) {
        byPartition.computeIfAbsent(partition, p -> new ConcurrentLinkedQueue<>()).add(command);
    }

    /** The next command for {@code partition}, or null; cheap when there is none. */
    public AdminCommand poll(int partition) {
        Queue<AdminCommand> queue = byPartition.get(partition);
        return queue == null ? null : queue.poll();
    }
}
