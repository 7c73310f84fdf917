package io.marketprism.reliability.limiter;

import io.marketprism.reliability.Priority;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/** A {@link WaitQueue} on the heap: one deque per priority. Not thread-safe. */
public final class InMemoryWaitQueue implements WaitQueue {

    private final List<ArrayDeque<Waiting>> byPriority = new ArrayList<>();
    private int total;

    public InMemoryWaitQueue() {
        for (int i = 0; i < Priority.values().length; i++) {
            byPriority.add(new ArrayDeque<>());
        }
    }

    /** A queue holding the same tasks as {@code other}, independent of it afterwards. */
    public static InMemoryWaitQueue copyOf(InMemoryWaitQueue other) {
        InMemoryWaitQueue copy = new InMemoryWaitQueue();
        for (ArrayDeque<Waiting> level : other.byPriority) {
            level.forEach(copy::add);
        }
        return copy;
    }

    @Override
    public int depth(Priority priority) {
        return level(priority).size();
    }

    @Override
    public int totalDepth() {
        return total;
    }

    @Override
    public Optional<Waiting> head(Priority priority) {
        return Optional.ofNullable(level(priority).peekFirst());
    }

    @Override
    public void add(Waiting waiting) {
        ArrayDeque<Waiting> level = level(waiting.priority());
        Waiting newest = level.peekLast();
        if (newest != null && newest.arrivalSeq() >= waiting.arrivalSeq()) {
            throw new IllegalArgumentException("arrivalSeq " + waiting.arrivalSeq()
                    + " must exceed the newest waiting " + newest.arrivalSeq() + " at " + waiting.priority());
        }
        level.addLast(waiting);
        total++;
    }

    @Override
    public Waiting removeHead(Priority priority) {
        Waiting head = level(priority).pollFirst();
        if (head == null) {
            throw new NoSuchElementException("no task waits at " + priority);
        }
        total--;
        return head;
    }

    @Override
    public Optional<Waiting> removeNewest(Priority priority) {
        Waiting newest = level(priority).pollLast();
        if (newest != null) {
            total--;
        }
        return Optional.ofNullable(newest);
    }

    @Override
    public long maxArrivalSeq() {
        long highest = -1;
        for (ArrayDeque<Waiting> level : byPriority) {
            Waiting newest = level.peekLast();
            if (newest != null) {
                highest = Math.max(highest, newest.arrivalSeq());
            }
        }
        return highest;
    }

    /** All waiting tasks, CRITICAL first, oldest first within a priority. */
    public List<Waiting> contents() {
        List<Waiting> all = new ArrayList<>(total);
        byPriority.forEach(all::addAll);
        return all;
    }

    private ArrayDeque<Waiting> level(Priority priority) {
        return byPriority.get(priority.ordinal());
    }
}
