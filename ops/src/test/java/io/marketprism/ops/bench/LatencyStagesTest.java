package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.ops.bench.LatencyStages.Stage;
import io.marketprism.ops.bench.LatencyStages.Timeline;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LatencyStagesTest {

    /** Created at 1,000; acked 2 ms later; called at 1,005 for 50 ms; handed back at 1,060; committed at 1,140. */
    private static Timeline oneCall(long committedAt, long seenAt) {
        return new Timeline(1_000, 1_002, 1_005, 50, 1_055, 1_060, committedAt, seenAt);
    }

    @Test
    void shouldCutATasksWayAtItsTimes() {
        // Given a task with one call, its result committed at 1,140 and read at 1,143
        Timeline timeline = oneCall(1_140, 1_143);

        // When it is cut into stages
        long[] stages = timeline.stages();

        // Then each stage spans two of its times, and together they are what the service added
        assertThat(stages[Stage.SEND.ordinal()]).isEqualTo(2);
        assertThat(stages[Stage.TAKE_UP.ordinal()]).isEqualTo(3);
        assertThat(stages[Stage.BETWEEN_ATTEMPTS.ordinal()]).isZero();
        assertThat(stages[Stage.HAND_BACK.ordinal()]).isEqualTo(5);
        assertThat(stages[Stage.AWAIT_COMMIT.ordinal()]).isEqualTo(80);
        assertThat(stages[Stage.VISIBLE.ordinal()]).isEqualTo(3);
        assertThat(Arrays.stream(stages).sum()).isEqualTo(timeline.serviceAddedMillis()).isEqualTo(93);
    }

    @Test
    void shouldCountTheWaitBetweenAttemptsAsItsOwnStage() {
        // Given two calls of 50 ms each, the second started 200 ms after the first: 150 ms between them
        Timeline timeline = new Timeline(1_000, 1_000, 1_000, 100, 1_250, 1_250, 1_300, 1_300);

        // When it is cut into stages
        long[] stages = timeline.stages();

        // Then
        assertThat(stages[Stage.BETWEEN_ATTEMPTS.ordinal()]).isEqualTo(150);
        assertThat(Arrays.stream(stages).sum()).isEqualTo(timeline.serviceAddedMillis());
    }

    @Test
    void shouldCountAStageWhoseTimesCrossedAsZero() {
        // Given a call that started before the producer heard the broker's acknowledgement (read on another thread)
        Timeline timeline = new Timeline(1_000, 1_004, 1_003, 50, 1_053, 1_060, 1_100, 1_101);

        // Then take-up is 0 ms, not -1
        assertThat(timeline.stages()[Stage.TAKE_UP.ordinal()]).isZero();
    }

    @Test
    void shouldShowWhichStagesTheSlowestTasksSpentTheirTimeIn() {
        // Given 98 tasks committed 80 ms after their hand-back and two that waited 400 ms for their commit
        LatencyStages stages = new LatencyStages(60_000);
        for (int i = 0; i < 98; i++) {
            stages.record(oneCall(1_140, 1_143));
        }
        stages.record(oneCall(1_460, 1_463));
        stages.record(oneCall(1_460, 1_463));

        // When the tasks at or above 413 ms added (the slow two) are looked at
        var means = stages.meanOfTasksAtOrAbove(413);

        // Then their time went to the commit
        assertThat(means.get(Stage.AWAIT_COMMIT)).isEqualTo(400.0);
        assertThat(means.get(Stage.HAND_BACK)).isEqualTo(5.0);
        assertThat(stages.percentiles().get(Stage.AWAIT_COMMIT).p50()).isEqualTo(80);
        assertThat(stages.percentiles().get(Stage.AWAIT_COMMIT).max()).isBetween(400L, 401L);
    }

    @Test
    void shouldCountTheTasksWhoseWaySpannedAPause() {
        // Given a slow task (created 1,000, read 1,463) and a fast one created at 2,000, and one pause at 1,300
        LatencyStages stages = new LatencyStages(60_000);
        stages.record(oneCall(1_460, 1_463));
        stages.record(new Timeline(2_000, 2_002, 2_005, 50, 2_055, 2_060, 2_140, 2_143));

        // When they are held against the pause
        LatencyStages.PauseOverlap overlap = stages.overlapWith(List.of(new GcPauses.Pause(1_300, 40)), 413);

        // Then the slow task spanned it, the fast one (93 ms added) did not
        assertThat(overlap).isEqualTo(new LatencyStages.PauseOverlap(2, 1, 1, 1, 93));
    }

    @Property
    void shouldAddUpToWhatTheServiceAddsWhenNoTimesCross(@ForAll @IntRange(max = 500) int send,
                                                         @ForAll @IntRange(max = 500) int takeUp,
                                                         @ForAll @IntRange(max = 500) int call,
                                                         @ForAll @IntRange(max = 500) int handBack,
                                                         @ForAll @IntRange(max = 500) int awaitCommit,
                                                         @ForAll @IntRange(max = 500) int visible) {
        long acked = 10_000 + send;
        long started = acked + takeUp;
        long answered = started + call;
        long produced = answered + handBack;
        long committed = produced + awaitCommit;
        Timeline timeline = new Timeline(10_000, acked, started, call, answered, produced, committed,
                committed + visible);

        assertThat(Arrays.stream(timeline.stages()).sum()).isEqualTo(timeline.serviceAddedMillis())
                .isEqualTo((long) send + takeUp + handBack + awaitCommit + visible);
    }
}
