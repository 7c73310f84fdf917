package io.marketprism.ops.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.chaos.Trend.Sample;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The soak's measure of state: the latest record of every live key of a changelog, which a growing store makes grow
 * and a log the cleaner has not compacted yet does not.
 */
class CompactedStateTest {

    private static final int MINUTES = 30;
    private static final int KEYS_PER_MINUTE = 100;
    private static final int WINDOW_MINUTES = 5;

    @Test
    void shouldKeepTheLatestRecordOfEachKeyAndForgetTombstonedOnes() {
        CompactedState state = new CompactedState();

        state.add(0, bytes("a"), bytes("1234"));
        state.add(0, bytes("a"), bytes("12"));
        state.add(0, bytes("b"), bytes("1"));
        state.add(0, bytes("b"), null);
        state.add(1, bytes("a"), bytes("123"));

        assertThat(state.keys()).isEqualTo(2);
        assertThat(state.bytes()).isEqualTo((1 + 2) + (1 + 3));
    }

    @Test
    void shouldJudgeAStoreThatForgetsAfterItsWindowFlatThoughItsUncompactedLogGrows() {
        List<Sample> live = new ArrayList<>();
        List<Sample> logged = new ArrayList<>();
        runStore(true, live, logged);

        assertThat(Trend.ofSecondHalf(live).flat(0.10)).as(Trend.ofSecondHalf(live).describe("B")).isTrue();
        assertThat(Trend.ofSecondHalf(logged).flat(0.10)).isFalse();
    }

    @Test
    void shouldJudgeAStoreThatKeepsEveryKeyGrowing() {
        List<Sample> live = new ArrayList<>();
        runStore(false, live, new ArrayList<>());

        Trend trend = Trend.ofSecondHalf(live);
        assertThat(trend.flat(0.10)).as(trend.describe("B")).isFalse();
    }

    /**
     * A store written at a steady rate for {@link #MINUTES}: each minute {@link #KEYS_PER_MINUTE} new keys, and, when
     * {@code forgets}, a tombstone for each key older than {@link #WINDOW_MINUTES}. Samples each minute the live
     * state and every byte logged (a log no cleaner has compacted).
     */
    private static void runStore(boolean forgets, List<Sample> live, List<Sample> logged) {
        CompactedState state = new CompactedState();
        long loggedBytes = 0;
        for (int minute = 0; minute < MINUTES; minute++) {
            for (int i = 0; i < KEYS_PER_MINUTE; i++) {
                state.add(0, bytes(minute + "-" + i), bytes("value"));
                loggedBytes += 16;
                if (forgets && minute >= WINDOW_MINUTES) {
                    state.add(0, bytes((minute - WINDOW_MINUTES) + "-" + i), null);
                    loggedBytes += 8;
                }
            }
            live.add(new Sample(minute, state.bytes()));
            logged.add(new Sample(minute, loggedBytes));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
