package io.marketprism.ops.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettlingTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aCountIsSettledOnlyOnceItStayedTheSameForTheWholeSpan() {
        Settling settling = new Settling(Duration.ofSeconds(30));

        assertThat(settling.settled(10, 0)).isFalse();
        assertThat(settling.settled(10, 29 * SECOND)).isFalse();
        assertThat(settling.settled(10, 30 * SECOND)).isTrue();
    }

    @Test
    void growthStartsTheSpanAgain() {
        Settling settling = new Settling(Duration.ofSeconds(30));

        settling.settled(10, 0);
        assertThat(settling.settled(11, 25 * SECOND)).isFalse();
        assertThat(settling.settled(11, 50 * SECOND)).isFalse();
        assertThat(settling.settled(11, 55 * SECOND)).isTrue();
    }
}
