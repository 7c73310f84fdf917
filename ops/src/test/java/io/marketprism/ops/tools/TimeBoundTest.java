package io.marketprism.ops.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TimeBoundTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @ParameterizedTest
    @CsvSource({
            "90s, 2025-06-01T11:58:30Z",
            "15m, 2025-06-01T11:45:00Z",
            "1h, 2025-06-01T11:00:00Z",
            "7d, 2025-05-25T12:00:00Z",
            "500ms, 2025-06-01T11:59:59.500Z",
            "PT1H30M, 2025-06-01T10:30:00Z",
            "2025-01-31T08:00:00Z, 2025-01-31T08:00:00Z"})
    void shouldReadDurationsBeforeNowAndInstants(String text, String expected) {
        assertThat(TimeBound.parse("--since", text, NOW)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void shouldRejectOtherTextNamingTheOptionAndTheAcceptedForms() {
        assertThatThrownBy(() -> TimeBound.parse("--until", "yesterday", NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--until").hasMessageContaining("yesterday").hasMessageContaining("1h");
    }
}
