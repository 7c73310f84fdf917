package io.marketprism.reliability.breaker;

import io.marketprism.reliability.internal.ByteSink;
import java.util.ArrayList;
import java.util.List;

/**
 * Our mirror of the calls Resilience4j holds in a window, oldest first, packed as {@link RecordedCall#encode}
 * longs in a growable ring. It allocates only when it has to grow, so recording is cheap on the hot path. Alongside
 * it keeps every call but the oldest in its saved form ({@link #writeTo}), so saving copies bytes instead of encoding
 * the whole window again.
 */
final class CallLog {

    private long[] ring;
    private int head;
    private int size;
    /** Calls 1 to size - 1 in their saved form, each relative to the call before it, from {@link #tailStart} on. */
    private final ByteSink encodedTail = new ByteSink(64);
    private int tailStart;

    CallLog(int initialCapacity) {
        this.ring = new long[Math.max(1, initialCapacity)];
    }

    /** A log holding {@code calls}, oldest first. */
    static CallLog of(List<RecordedCall> calls) {
        CallLog log = new CallLog(calls.size());
        for (RecordedCall call : calls) {
            log.append(call.encode(), Integer.MAX_VALUE);
        }
        return log;
    }

    int size() {
        return size;
    }

    void clear() {
        head = 0;
        size = 0;
        encodedTail.reset();
        tailStart = 0;
    }

    /** Appends a call; when {@code maxSize} calls are already held the oldest is dropped. */
    void append(long encodedCall, int maxSize) {
        if (size == maxSize) {
            dropOldest();
        }
        if (size == ring.length) {
            grow();
        }
        if (size > 0) {
            encodedTail.writeVarLong(savedForm(get(size - 1) >> 2, encodedCall));
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

    /**
     * Writes the number of calls, then each call, oldest first, as a variable-length number: the zig-zag time
     * delta from the call before (the first from {@code origin}) shifted over the failure and slow flag bits.
     */
    void writeTo(ByteSink out, long origin) {
        out.writeVarLong(size);
        if (size > 0) {
            out.writeVarLong(savedForm(origin, get(0)));
            encodedTail.copyTo(out, tailStart, encodedTail.length() - tailStart);
        }
    }

    /** The saved form of {@code encodedCall} after a call at {@code previousAt}. */
    private static long savedForm(long previousAt, long encodedCall) {
        long delta = (encodedCall >> 2) - previousAt;
        long zigZag = (delta << 1) ^ (delta >> 63);
        return (zigZag << 2) | (encodedCall & 3);
    }

    private void dropOldest() {
        head = (head + 1) % ring.length;
        size--;
        // the new oldest call is saved relative to the origin: its form relative to the dropped one goes
        if (size == 0) {
            encodedTail.reset();
            tailStart = 0;
            return;
        }
        int skipped;
        do {
            skipped = encodedTail.byteAt(tailStart++);
        } while ((skipped & 0x80) != 0);
        if (tailStart > 256 && tailStart > encodedTail.length() / 2) {
            encodedTail.removeFirst(tailStart);
            tailStart = 0;
        }
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
