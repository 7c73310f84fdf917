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
        assertThat(run.out()).isEqualTo(ConfigDocs.CONFIGURATION.table());
    }

    @Test
    void shouldWriteTheTableBetweenTheMarkersAndSayWhenNothingChanged(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# Configuration\n" + ConfigDocs.CONFIGURATION.start() + "\n| stale |\n"
                + ConfigDocs.CONFIGURATION.end() + "\n");

        CliRun first = CliRun.of("config-docs", "--write", readme.toString());
        CliRun second = CliRun.of("config-docs", "--write", readme.toString());

        assertThat(Files.readString(readme)).isEqualTo("# Configuration\n" + ConfigDocs.CONFIGURATION.start() + "\n"
                + ConfigDocs.CONFIGURATION.table() + ConfigDocs.CONFIGURATION.end() + "\n");
        assertThat(first.out()).contains("generated tables rewritten");
        assertThat(second.out()).contains("the generated tables are up to date");
    }
}
