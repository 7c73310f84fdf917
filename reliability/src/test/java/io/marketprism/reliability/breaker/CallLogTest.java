package io.marketprism.reliability.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class CallLogTest {

    private static final long ORIGIN = 1_700_000_000_000L;

    @Property(tries = 200)
    void shouldHoldTheNewestCallsInOrderAsAListOfThemWould(
            @ForAll @Size(max = 1500) List<@LongRange(min = 0, max = 3_000) Long> gaps,
            @ForAll @IntRange(min = 1, max = 60) int maxSize,
            @ForAll @IntRange(min = 0, max = 3) int dropSeconds) {
        CallLog log = new CallLog(4);
        List<RecordedCall> model = new ArrayList<>();
        long at = ORIGIN;
        for (int i = 0; i < gaps.size(); i++) {
            at += gaps.get(i);
            RecordedCall call = new RecordedCall(at, i % 7 == 0, i % 5 == 0);
            log.append(call.encode(), maxSize);
            model.add(call);
            if (model.size() > maxSize) {
                model.remove(0);
            }
            if (dropSeconds > 0 && i % 11 == 0) {
                long lastDropped = Math.floorDiv(at, 1000L) - dropSeconds;
                log.dropUpToSecond(lastDropped);
                model.removeIf(c -> Math.floorDiv(c.at(), 1000L) <= lastDropped);
            }

            assertThat(log.toList()).as("after call %s", i).isEqualTo(model);
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
        if (after > 0) {
            assertThat(log.toList().get(0).at()).isEqualTo(ORIGIN + 7L * Math.max(0, after - 50));
        }
    }
}
