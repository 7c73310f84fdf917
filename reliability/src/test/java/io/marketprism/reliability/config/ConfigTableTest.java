package io.marketprism.reliability.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ConfigTableTest {

    private final ConfigTable.Builder builder = ConfigTable.builder();
    private final ConfigKey<Integer> partitions = builder.define("topic.partitions", ValueType.integer(1, 10_000), 6,
            "partitions of the topics the service creates");
    private final ConfigKey<String> token = builder.define("admin.token", ValueType.secret(16), null,
            "bearer token | for admin calls");
    private final ConfigKey<String> endpoints = builder.define("exchange.<name>.endpoints",
            ValueType.text("name=url list"), null, "the exchange's public hosts", "REST endpoints of one exchange");
    private final ConfigKey<Integer> attempts = builder.define("[exchange.<name>.]retry.max.attempts",
            ValueType.integer(1, 1_000), null, "`5`", "attempts in all");
    private final ConfigTable table = builder.build();

    @Test
    void shouldFindLiteralKeysPatternsAndExchangeScopedKeys() {
        assertThat(table.find("topic.partitions")).containsSame(partitions);
        assertThat(table.find("exchange.okx.endpoints")).containsSame(endpoints);
        assertThat(table.find("retry.max.attempts")).containsSame(attempts);
        assertThat(table.find("exchange.okx.retry.max.attempts")).containsSame(attempts);
        assertThat(table.find("exchange.okx.retry.max")).isEmpty();
        assertThat(table.find("topic.partitions.x")).isEmpty();
    }

    @Test
    void shouldSuggestTheKeyATypoWasMeantToBe() {
        assertThat(table.closest("topic.partitons")).containsExactly("topic.partitions");
        assertThat(table.closest("exchange.okx.endpoint")).containsExactly("exchange.okx.endpoints");
        assertThat(table.closest("exchange.okx.retry.max.atempts")).containsExactly("exchange.okx.retry.max.attempts");
        assertThat(table.closest("topic.aprtitions")).containsExactly("topic.partitions");
        assertThat(table.closest("exchagne.okx.endpoints")).containsExactly("exchange.okx.endpoints");
        assertThat(table.unknownKey("admin.tokn"))
                .hasMessage("unknown configuration key 'admin.tokn'; did you mean admin.token?");
    }

    @Test
    void shouldSuggestKeysSharingTheFirstPartWhenNoneIsClose() {
        assertThat(table.closest("retry.backoff.style.of.choice")).containsExactly("retry.max.attempts");
    }

    @Test
    void shouldSaySoWhenNoKnownKeyIsClose() {
        assertThat(table.unknownKey("colour")).hasMessage("unknown configuration key 'colour'; no known key is close;"
                + " the README's configuration table lists them all");
    }

    @Test
    void shouldRenderOneMarkdownRowPerKeyInDeclarationOrder() {
        assertThat(table.markdown()).isEqualTo("""
                | Key | Default | Allowed | Meaning |
                |---|---|---|---|
                | `topic.partitions` | `6` | [1, 10000] | partitions of the topics the service creates |
                | `admin.token` | none | 16+ characters, no spaces | bearer token \\| for admin calls |
                | `exchange.<name>.endpoints` | the exchange's public hosts | name=url list \
                | REST endpoints of one exchange |
                | `[exchange.<name>.]retry.max.attempts` | `5` | [1, 1000] | attempts in all |
                """);
    }

    @Test
    void shouldNameKeyValueAndWhatIsAllowedWhenAValueIsRefused() {
        assertThatThrownBy(() -> partitions.parse("topic.partitions", "0"))
                .hasMessage("topic.partitions must be in [1, 10000], was 0");
        assertThatThrownBy(() -> partitions.parse("topic.partitions", "six"))
                .hasMessage("topic.partitions must be in [1, 10000], was 'six'");
        assertThatThrownBy(() -> token.parse("admin.token", "short secret"))
                .hasMessage("admin.token must be at least 16 characters without spaces, was <hidden>");
    }

    @Test
    void shouldRefuseAKeyDeclaredTwiceOrAfterTheTableWasBuilt() {
        ConfigTable.Builder twice = ConfigTable.builder();
        twice.define("a.b", ValueType.bool(), true, "x");

        assertThatThrownBy(() -> twice.define("a.b", ValueType.bool(), false, "y"))
                .hasMessage("a.b is declared twice");
        assertThatThrownBy(() -> builder.define("late.key", ValueType.bool(), true, "z"))
                .hasMessageContaining("late.key is declared after its table was built");
    }

    @Test
    void shouldPutTheFirstTablesKeysFirstAndReplaceSameNamedOnes() {
        ConfigTable.Builder service = ConfigTable.builder();
        service.define("exchange.<name>.endpoints", ValueType.text("name=url list"), null, "hosts", "service's");
        service.define("http.port", ValueType.integer(0, 65_535), 8080, "port");

        List<String> names = service.build().followedBy(table).keys().stream().map(ConfigKey::name).toList();

        assertThat(names).containsExactly("exchange.<name>.endpoints", "http.port", "topic.partitions", "admin.token",
                "[exchange.<name>.]retry.max.attempts");
    }

    @Property
    void editDistanceCountsOneForEveryCharacterChanged(@ForAll @IntRange(min = 0, max = 20) int position,
                                                      @ForAll char replacement) {
        String key = "breaker.failure.rate.threshold";
        int at = position % key.length();
        String typo = key.substring(0, at) + replacement + key.substring(at + 1);

        int expected = key.charAt(at) == replacement ? 0 : 1;
        assertThat(ConfigTable.editDistance(key, typo)).isEqualTo(expected);
        assertThat(ConfigTable.editDistance(key, key.substring(0, at) + key.substring(at + 1))).isEqualTo(1);
    }

    @Property
    void editDistanceCountsASwapOfNeighboursAsOneEdit(@ForAll @IntRange(min = 0, max = 28) int position) {
        String key = "breaker.failure.rate.threshold";
        String swapped = key.substring(0, position) + key.charAt(position + 1) + key.charAt(position)
                + key.substring(position + 2);

        int expected = key.charAt(position) == key.charAt(position + 1) ? 0 : 1;
        assertThat(ConfigTable.editDistance(key, swapped)).isEqualTo(expected);
    }
}
