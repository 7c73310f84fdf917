package io.marketprism.ops.cli;

import io.marketprism.topology.config.ConfigDocs;
import io.marketprism.topology.config.ServiceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marketprism config-docs}: the configuration table rendered from the key declarations. */
@Command(name = "config-docs", mixinStandardHelpOptions = true,
        description = "Print the table of every configuration key (Markdown), or write it into the README.")
final class ConfigDocsCommand implements Callable<Integer> {

    @Option(names = "--write", paramLabel = "FILE",
            description = "Replace the table between the config-table markers of FILE (e.g. README.md) instead.")
    Path target;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        String table = ConfigDocs.table();
        if (target == null) {
            out.print(table);
            out.flush();
            return 0;
        }
        String before = Files.readString(target, StandardCharsets.UTF_8);
        String after = ConfigDocs.withTable(before, table);
        if (after.equals(before)) {
            out.println(target + ": the configuration table is up to date");
        } else {
            Files.writeString(target, after, StandardCharsets.UTF_8);
            out.println(target + ": configuration table rewritten (" + ServiceConfig.table().keys().size()
                    + " keys)");
        }
        return 0;
    }
}
