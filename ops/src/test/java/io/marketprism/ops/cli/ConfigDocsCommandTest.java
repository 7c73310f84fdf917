package io.marketprism.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.topology.config.ConfigDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDocsCommandTest {

    @Test
    void shouldPrintTheTableOfEveryKey() {
        CliRun run = CliRun.of("config-docs");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(ConfigDocs.table());
    }

    @Test
    void shouldWriteTheTableBetweenTheMarkersAndSayWhenNothingChanged(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# Configuration\n" + ConfigDocs.START + "\n| stale |\n" + ConfigDocs.END + "\n");

        CliRun first = CliRun.of("config-docs", "--write", readme.toString());
        CliRun second = CliRun.of("config-docs", "--write", readme.toString());

        assertThat(Files.readString(readme)).isEqualTo("# Configuration\n" + ConfigDocs.START + "\n"
                + ConfigDocs.table() + ConfigDocs.END + "\n");
        assertThat(first.out()).contains("configuration table rewritten");
        assertThat(second.out()).contains("the configuration table is up to date");
    }
}
