package io.marketprism.reliability.breaker;

import java.util.ArrayList;
import java.util.List;

/**
 * Our mirror of the calls Resilience4j holds in a window, oldest first, packed as {@link RecordedCall#encode}
 * longs in a growable ring. It allocates only when it has to grow, so recording is cheap on the hot path.
 */
final class CallLog {

    private long[] ring;
    private int head;
    private int size;

    CallLog(int initialCapacity) {
        this.ring = new long[Math.max(1, initialCapacity)];
    }

    int size() {
        return size;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    /** Appends a call; when {@code maxSize} calls are already held the oldest is dropped. */
    void append(long encodedCall, int maxSize) {
        if (size == maxSize) {
            dropOldest();
        }
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) % ring.length] = encodedCall;
        size++;
    }

    /** Drops the calls recorded in an epoch second at or before {@code lastDroppedSecond}. */
    void dropUpToSecond(long lastDroppedSecond) {
        while (size > 0 && Math.floorDiv(ring[head] >> 2, 1000L) <= lastDroppedSecond) {
            dropOldest();
        }
    }

    long get(int index) {
        return ring[(head + index) % ring.length];
    }

    List<RecordedCall> toList() {
        List<RecordedCall> calls = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            calls.add(RecordedCall.decode(get(i)));
        }
        return calls;
    }

    private void dropOldest() {
        head = (head + 1) % ring.length;
        size--;
    }

    private void grow() {
        long[] bigger = new long[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = get(i);
        }
        ring = bigger;
        head = 0;
    }
}
