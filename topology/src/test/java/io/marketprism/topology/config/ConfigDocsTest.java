package io.marketprism.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    /** Surefire runs in the module's directory; the README is one level up. */
    private static final Path README = Path.of("..", "README.md");

    @Test
    void readmeConfigurationTableShouldBeTheOneRenderedFromTheKeyDeclarations() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);

        String regenerated = ConfigDocs.withTable(readme, ConfigDocs.table());

        assertThat(readme)
                .withFailMessage("README.md's configuration table differs from the keys declared in ServiceKeys and"
                        + " the reliability module's Settings. Regenerate it from the repository root with%n"
                        + "    ops/marketprism config-docs --write README.md%nand commit the result.")
                .isEqualTo(regenerated);
    }

    @Test
    void shouldReplaceOnlyTheTextBetweenTheMarkers() {
        String readme = "# Title\n\n" + ConfigDocs.START + "\n| old |\n" + ConfigDocs.END + "\n\nAfter.\n";

        String updated = ConfigDocs.withTable(readme, "| new |\n");

        assertThat(updated).isEqualTo("# Title\n\n" + ConfigDocs.START + "\n| new |\n" + ConfigDocs.END
                + "\n\nAfter.\n");
        assertThat(ConfigDocs.withTable(updated, "| new |\n")).isEqualTo(updated);
    }

    @Test
    void shouldSayWhereTheMarkersGoWhenTheyAreMissing() {
        assertThatThrownBy(() -> ConfigDocs.withTable("# Title\n", "| new |\n"))
                .hasMessageContaining("no configuration table markers")
                .hasMessageContaining(ConfigDocs.START);
    }

    @Test
    void shouldListEveryServiceKeyThenEveryReliabilityKeyOnce() {
        String table = ConfigDocs.table();

        assertThat(table).startsWith("| Key | Default | Allowed | Meaning |\n|---|---|---|---|\n"
                + "| `bootstrap.servers` | `127.0.0.1:9092` | host:port list | Kafka cluster |\n");
        assertThat(table).contains("| `topic.partitions` | `6` | [1, 10000] |");
        assertThat(table).contains("| `topic.replication.factor` | `-1` | -1 or [1, 32767] |");
        assertThat(table).contains("| `[exchange.<name>.]retry.max.attempts` | `5` | [1, 1000] |");
        assertThat(table.split("`exchange.<name>.endpoints`", -1)).hasSize(2);
    }
}
