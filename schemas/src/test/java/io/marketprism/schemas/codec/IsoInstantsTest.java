package io.marketprism.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.schemas.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantsTest {

    private static final long FIRST_OF_YEAR_0 = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    private static final long LAST_OF_YEAR_9999 = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            2026-11-26T01:02:03.456Z       | 2026-11-26T01:02:03.456Z
            2026-11-26T01:02:03Z           | 2026-11-26T01:02:03Z
            2026-11-26T01:02:03.4Z         | 2026-11-26T01:02:03.400Z
            2026-11-26T01:02:03.45Z        | 2026-11-26T01:02:03.450Z
            2026-11-26T01:02:03.4567Z      | 2026-11-26T01:02:03.456Z
            2026-11-26T01:02:03.999999999Z | 2026-11-26T01:02:03.999Z
            2024-02-29T23:59:59.999Z       | 2024-02-29T23:59:59.999Z
            2000-02-29T12:00:00Z           | 2000-02-29T12:00:00Z
            1970-01-01T00:00:00Z           | 1970-01-01T00:00:00Z
            1969-12-31T23:59:59.999Z       | 1969-12-31T23:59:59.999Z
            0000-01-01T00:00:00Z           | 0000-01-01T00:00:00Z
            9999-12-31T23:59:59.9Z         | 9999-12-31T23:59:59.900Z
            """)
    void shouldReadUtcInstantsOnTheFastPathTruncatedToMillis(String text, String expected) {
        long fast = IsoInstants.utcEpochMilli(text);

        assertThat(fast).isEqualTo(Instant.parse(expected).toEpochMilli());
        assertThat(IsoInstants.toEpochMilli(text)).isEqualTo(fast);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2026-11-26T01:02:03+01:00", "2026-11-26T01:02:03.5-05:30", "2026-11-26T01:02:03+00:00",
        "2026-11-26t01:02:03z", "2026-11-26T01:02:03.Z", "2026-11-26T23:59:60Z", "2026-11-26T24:00:00Z", "+12026-11-26T01:02:03Z"})
    void shouldLeaveOffsetsLowerCaseEmptyFractionsLeapSecondsAndLongYearsToInstantParse(String text) {
        assertThat(IsoInstants.utcEpochMilli(text)).isEqualTo(Long.MIN_VALUE);
        assertThat(IsoInstants.toEpochMilli(text)).isEqualTo(Instant.parse(text).toEpochMilli());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-26T25:00:00Z",
        "2026-11-26T01:60:00Z", "2026-11-26T01:02:61Z", "2026-11-26T01:02:03.1234567890Z",
        "2026-11-26T01:02:03,5Z", "2026-11-26 01:02:03Z", "2026-11-26T01:02:03", "2026-1-26T01:02:03Z",
        "2026-11-26T01:02:0xZ", "yesterday", ""})
    void shouldRejectWhatInstantParseRejects(String text) {
        assertThat(IsoInstants.utcEpochMilli(text)).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> IsoInstants.toEpochMilli(text)).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void shouldRejectAnInvalidDateInAJsonTaskWithTheSameMessageAsAnyOtherBadTimestamp() {
        byte[] json = ("{\"exchange\":\"okx\",\"dataType\":\"TRADES\",\"symbol\":\"X\","
                + "\"createdAt\":\"2026-02-29T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8);

        TaskReadResult read = new TaskReader().read(json, "tasks", 0, 1, 1L);

        assertThat(read).isEqualTo(new TaskReadResult.Rejected(DeadLetterReason.INVALID,
                "field 'createdAt': '2026-02-29T00:00:00Z' is neither epoch millis nor an ISO-8601 instant"));
    }

    @Property(tries = 2000)
    void shouldReadEveryUtcInstantOfFourDigitYearsAsInstantParseDoes(
            @ForAll("fourDigitYearMillis") long millis,
            @ForAll @IntRange(min = 0, max = 999_999) int nanosBelowMillis,
            @ForAll @IntRange(min = 0, max = 9) int fractionDigits) {
        String text = utcText(Instant.ofEpochMilli(millis).plusNanos(nanosBelowMillis), fractionDigits);

        long fast = IsoInstants.utcEpochMilli(text);

        assertThat(fast).as(text).isNotEqualTo(Long.MIN_VALUE).isEqualTo(Instant.parse(text).toEpochMilli());
    }

    @Property(tries = 3000)
    void shouldAcceptExactlyWhatInstantParseAcceptsWithTheSameResult(@ForAll("nearlyInstants") String text) {
        Long expected;
        try {
            expected = Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            expected = null;
        }

        if (expected == null) {
            assertThatThrownBy(() -> IsoInstants.toEpochMilli(text)).as(text)
                    .isInstanceOf(DateTimeParseException.class);
        } else {
            assertThat(IsoInstants.toEpochMilli(text)).as(text).isEqualTo(expected);
        }
    }

    @Provide
    Arbitrary<Long> fourDigitYearMillis() {
        return Arbitraries.longs().between(FIRST_OF_YEAR_0, LAST_OF_YEAR_9999);
    }

    /** Instants in the fast shape with one or two characters replaced by others that could appear in an instant. */
    @Provide
    Arbitrary<String> nearlyInstants() {
        Arbitrary<String> valid = Combinators.combine(
                fourDigitYearMillis(),
                Arbitraries.integers().between(0, 9)).as((millis, digits) -> utcText(Instant.ofEpochMilli(millis), digits));
        Arbitrary<Character> replacement = Arbitraries.of('0', '1', '2', '3', '5', '6', '9', '-', ':', '.', 'T', 'Z', 'z',
                '+', ' ');
        return Combinators.combine(valid, Arbitraries.integers().greaterOrEqual(0).list().ofMinSize(1).ofMaxSize(2),
                replacement.list().ofSize(2)).as((text, positions, with) -> {
                    char[] chars = text.toCharArray();
                    for (int i = 0; i < positions.size(); i++) {
                        chars[positions.get(i) % chars.length] = with.get(i);
                    }
                    return new String(chars);
                });
    }

    /** {@code yyyy-MM-ddTHH:mm:ss}, the first {@code fractionDigits} digits of the nanos, and {@code Z}. */
    private static String utcText(Instant instant, int fractionDigits) {
        String seconds = Instant.ofEpochSecond(instant.getEpochSecond()).toString();
        String fraction = String.format("%09d", instant.getNano()).substring(0, fractionDigits);
        return seconds.substring(0, seconds.length() - 1) + (fractionDigits == 0 ? "" : "." + fraction) + "Z";
    }
}
