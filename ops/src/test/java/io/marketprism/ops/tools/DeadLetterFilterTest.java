package io.marketprism.ops.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.schemas.DeadLetter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterFilterTest {

    private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");
    private static final DeadLetterEntry OKX_EXHAUSTED = entry(0, 3, DeadLetters.exhausted("t-1", "okx", AT));
    private static final DeadLetterEntry MALFORMED = entry(1, 9, DeadLetters.malformed("t-2", new byte[] {1, 2}, AT));
    private static final DeadLetterEntry NOT_A_DEAD_LETTER =
            new DeadLetterEntry("dlq", 2, 0, null, new byte[] {9}, "not Avro", "binance", AT);

    @Test
    void shouldMatchEverythingWhenNothingIsSet() {
        DeadLetterFilter filter = DeadLetterFilter.all();

        assertThat(List.of(OKX_EXHAUSTED, MALFORMED, NOT_A_DEAD_LETTER)).allMatch(filter::matches);
    }

    @Test
    void shouldMatchOnlyTheReasonsAskedFor() {
        DeadLetterFilter filter = DeadLetterFilter.builder().reasons(List.of("retries_exhausted")).build();

        assertThat(filter.matches(OKX_EXHAUSTED)).isTrue();
        assertThat(filter.matches(MALFORMED)).isFalse();
        assertThat(filter.matches(NOT_A_DEAD_LETTER)).isFalse();
    }

    @Test
    void shouldMatchExchangeOfTheTaskOrElseOfTheHeader() {
        DeadLetterFilter okx = DeadLetterFilter.builder().exchanges(List.of("OKX")).build();
        DeadLetterFilter binance = DeadLetterFilter.builder().exchanges(List.of("binance")).build();

        assertThat(okx.matches(OKX_EXHAUSTED)).isTrue();
        assertThat(okx.matches(MALFORMED)).isFalse();
        assertThat(binance.matches(NOT_A_DEAD_LETTER)).isTrue();
    }

    @Test
    void shouldTreatSinceAsInclusiveAndUntilAsExclusive() {
        assertThat(DeadLetterFilter.builder().since(AT).build().matches(OKX_EXHAUSTED)).isTrue();
        assertThat(DeadLetterFilter.builder().since(AT.plusMillis(1)).build().matches(OKX_EXHAUSTED)).isFalse();
        assertThat(DeadLetterFilter.builder().until(AT).build().matches(OKX_EXHAUSTED)).isFalse();
        assertThat(DeadLetterFilter.builder().until(AT.plusMillis(1)).build().matches(OKX_EXHAUSTED)).isTrue();
    }

    @Test
    void shouldMatchOnlyTheGivenPositions() {
        DeadLetterFilter filter = DeadLetterFilter.builder().positions(List.of("0:3", " 2:0")).build();

        assertThat(filter.matches(OKX_EXHAUSTED)).isTrue();
        assertThat(filter.matches(MALFORMED)).isFalse();
        assertThat(filter.matches(NOT_A_DEAD_LETTER)).isTrue();
    }

    @Test
    void shouldRejectBadPositionNamingTheOptionAndTheForm() {
        assertThatThrownBy(() -> DeadLetterFilter.builder().positions(List.of("0-3")))
                .hasMessageContaining("--offsets").hasMessageContaining("'0-3'").hasMessageContaining("partition:offset");
        assertThatThrownBy(() -> DeadLetterFilter.builder().positions(List.of("-1:3")))
                .hasMessageContaining("--offsets");
    }

    @Test
    void shouldRejectUnknownReasonListingTheKnownOnes() {
        assertThatThrownBy(() -> DeadLetterFilter.builder().reasons(List.of("TIRED")))
                .hasMessageContaining("--reason").hasMessageContaining("TIRED").hasMessageContaining("EXPIRED");
    }

    @Test
    void shouldRejectSinceThatIsNotBeforeUntil() {
        assertThatThrownBy(() -> DeadLetterFilter.builder().since(AT).until(AT).build())
                .hasMessageContaining("--since").hasMessageContaining("--until");
    }

    private static DeadLetterEntry entry(int partition, long offset, DeadLetter letter) {
        return new DeadLetterEntry("dlq", partition, offset, letter, null, null, null, AT.plusSeconds(1));
    }
}
