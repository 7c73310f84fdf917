package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GcPausesTest {

    @Test
    void shouldNoteAStopTheWorldCollectionAtItsWallClockTime() {
        try (GcPauses pauses = new GcPauses()) {
            // Given a full collection asked for now
            long before = System.currentTimeMillis();
            System.gc();

            // Then a pause is noted, begun on the wall clock between the request and now (not on the JVM's uptime)
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !pauses.between(before - 1, System.currentTimeMillis()).isEmpty());
            GcPauses.Pause pause = pauses.between(before - 1, System.currentTimeMillis()).get(0);
            assertThat(pause.millis()).isGreaterThanOrEqualTo(0);
            assertThat(pause.overlaps(before, System.currentTimeMillis())).isTrue();
        }
    }

    @Test
    void shouldTellWhetherAPauseOverlapsATasksWay() {
        GcPauses.Pause pause = new GcPauses.Pause(1_000, 50);

        assertThat(pause.overlaps(900, 1_000)).isTrue();
        assertThat(pause.overlaps(1_050, 1_200)).isTrue();
        assertThat(pause.overlaps(1_020, 1_030)).isTrue();
        assertThat(pause.overlaps(900, 999)).isFalse();
        assertThat(pause.overlaps(1_051, 1_200)).isFalse();
    }
}
