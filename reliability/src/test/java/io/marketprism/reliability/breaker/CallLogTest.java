package io.marketprism.reliability.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.internal.ByteSink;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class CallLogTest {

    private static final long ORIGIN = 1_700_000_000_000L;

    @Property(tries = 200)
    void shouldWriteWhatAFreshLogOfTheSameCallsWrites(@ForAll @Size(max = 1500) List<@LongRange(min = 0, max = 3_000) Long> gaps,
                                                      @ForAll @IntRange(min = 1, max = 60) int maxSize,
                                                      @ForAll @IntRange(min = 0, max = 3) int dropSeconds) {
        CallLog log = new CallLog(4);
        long at = ORIGIN;
        for (int i = 0; i < gaps.size(); i++) {
            at += gaps.get(i);
            log.append(RecordedCall.encode(at, i % 7 == 0, i % 5 == 0), maxSize);
            if (dropSeconds > 0 && i % 11 == 0) {
                log.dropUpToSecond(Math.floorDiv(at, 1000L) - dropSeconds);
            }

            assertThat(bytesOf(log)).as("after call %s", i).isEqualTo(bytesOf(CallLog.of(log.toList())));
        }
    }

    @Property(tries = 50)
    void shouldStartOverWhenCleared(@ForAll @IntRange(min = 1, max = 400) int before,
                                    @ForAll @IntRange(min = 0, max = 60) int after) {
        CallLog log = new CallLog(4);
        for (int i = 0; i < before; i++) {
            log.append(RecordedCall.encode(ORIGIN + 10L * i, i % 3 == 0, false), 50);
        }

        log.clear();
        for (int i = 0; i < after; i++) {
            log.append(RecordedCall.encode(ORIGIN + 7L * i, false, i % 2 == 0), 50);
        }

        assertThat(log.size()).isEqualTo(Math.min(after, 50));
        assertThat(bytesOf(log)).isEqualTo(bytesOf(CallLog.of(log.toList())));
    }

    private static byte[] bytesOf(CallLog log) {
        ByteSink sink = new ByteSink(16);
        log.writeTo(sink, ORIGIN);
        return sink.toByteArray();
    }
}
