package io.marketprism.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    /** Surefire runs in the module's directory; the docs are one level up. */
    private static final Path README = Path.of("..", "README.md");
    private static final Path EXCHANGES = Path.of("..", "docs", "exchanges.md");
    private static final String HOW = "Regenerate them from the repository root with%n"
            + "    ops/marketprism config-docs --write README.md docs/exchanges.md%nand commit the result.";

    @Test
    void readmeConfigurationTableShouldBeTheOneRenderedFromTheKeyDeclarations() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);

        assertThat(ConfigDocs.CONFIGURATION.isIn(readme)).isTrue();
        assertThat(readme).withFailMessage("README.md's configuration table differs from the keys declared in"
                + " ServiceKeys and the reliability module's Settings. " + HOW).isEqualTo(ConfigDocs.regenerate(readme));
    }

    @Test
    void exchangeTablesShouldBeTheOnesRenderedFromTheShippedDefinitions() throws IOException {
        String exchanges = Files.readString(EXCHANGES, StandardCharsets.UTF_8);

        assertThat(ConfigDocs.EXCHANGES.isIn(exchanges)).isTrue();
        assertThat(exchanges).withFailMessage("docs/exchanges.md's tables differ from the exchange definitions in"
                + " reliability/src/main/resources/io/marketprism/reliability/exchange. " + HOW)
                .isEqualTo(ConfigDocs.regenerate(exchanges));
    }

    @Test
    void shouldReplaceOnlyTheTextBetweenTheMarkers() {
        ConfigDocs table = ConfigDocs.CONFIGURATION;
        String readme = "# Title\n\n" + table.start() + "\n| old |\n" + table.end() + "\n\nAfter.\n";

        String updated = table.withTable(readme, "| new |\n");

        assertThat(updated).isEqualTo("# Title\n\n" + table.start() + "\n| new |\n" + table.end() + "\n\nAfter.\n");
        assertThat(table.withTable(updated, "| new |\n")).isEqualTo(updated);
    }

    @Test
    void shouldSayWhereTheMarkersGoWhenTheyAreMissing() {
        assertThatThrownBy(() -> ConfigDocs.regenerate("# Title\n"))
                .hasMessageContaining("no generated table")
                .hasMessageContaining(ConfigDocs.CONFIGURATION.start());
    }

    @Test
    void shouldListEveryServiceKeyThenEveryReliabilityKeyOnce() {
        String table = ConfigDocs.CONFIGURATION.table();

        assertThat(table).startsWith("| Key | Default | Allowed | Meaning |\n|---|---|---|---|\n"
                + "| `bootstrap.servers` | `127.0.0.1:9092` | host:port list | Kafka cluster |\n");
        assertThat(table).contains("| `topic.partitions` | `6` | [1, 10000] |");
        assertThat(table).contains("| `topic.replication.factor` | `-1` | -1 or [1, 32767] |");
        assertThat(table).contains("| `[exchange.<name>.]retry.max.attempts` | `5` | [1, 1000] |");
    }

    @Test
    void shouldShowEveryRequestWithItsUrlWeightAndGroupAndEveryGroupWithItsRules() {
        String table = ConfigDocs.EXCHANGES.table();

        assertThat(table).contains("| binance | perp | FUNDING_RATE | `https://fapi.binance.com/fapi/v1/premiumIndex"
                + "?symbol=BTCUSDT` | 1 | usdm |");
        assertThat(table).contains("| okx | perp | OPEN_INTEREST | `https://www.okx.com/api/v5/public/open-interest"
                + "?instId=BTC-USDT&instType=SWAP` | 1 | open-interest |");
        assertThat(table).contains("/api/v2/public/get_tradingview_chart_data?end_timestamp=<end_timestamp>");
        assertThat(table).contains("| binance | spot | binance-spot | 6000 weight / 1m (clock); 300000 requests / 5m"
                + " (clock) | `X-MBX-USED-WEIGHT-1M` |");
    }
}
