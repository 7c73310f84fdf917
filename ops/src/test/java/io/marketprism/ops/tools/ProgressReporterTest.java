package io.marketprism.ops.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final StringWriter written = new StringWriter();

    @Test
    void shouldPrintOnePlainLineEveryFiveSecondsWhenNotATerminal() {
        // Given
        ProgressReporter progress = new ProgressReporter(new PrintWriter(written), false, 1000, "tasks", nanos::get);

        // When
        advance(Duration.ofSeconds(4));
        progress.update(400);
        advance(Duration.ofSeconds(1));
        progress.update(500);
        advance(Duration.ofSeconds(1));
        progress.update(600);

        // Then
        assertThat(written.toString()).isEqualTo("500/1000 tasks (50%), 100.0 tasks/s" + System.lineSeparator());
    }

    @Test
    void shouldRedrawABarInPlaceWhenATerminal() {
        ProgressReporter progress = new ProgressReporter(new PrintWriter(written), true, 100, "tasks", nanos::get);

        advance(Duration.ofMillis(100));
        progress.update(50);

        assertThat(written.toString()).startsWith("\r[" + "#".repeat(15) + ".".repeat(15) + "] 50/100 tasks (50%)")
                .doesNotContain("\n");
    }

    @Test
    void shouldSummariseCountSecondsAndRate() {
        ProgressReporter progress = new ProgressReporter(new PrintWriter(written), false, 1000, "tasks", nanos::get);

        advance(Duration.ofMillis(2500));

        assertThat(progress.finish(1000)).isEqualTo("1000 tasks in 2.50 s (400.0 tasks/s)");
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
