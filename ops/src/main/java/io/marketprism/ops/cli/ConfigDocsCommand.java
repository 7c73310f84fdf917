package io.marketprism.ops.cli;

import io.marketprism.topology.config.ConfigDocs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marketprism config-docs}: the tables rendered from declarations, the configuration keys and the shipped
 * exchange definitions.
 */
@Command(name = "config-docs", mixinStandardHelpOptions = true,
        description = "Print the table of every configuration key (Markdown), or write the generated tables into the"
                + " documents that hold their markers.")
final class ConfigDocsCommand implements Callable<Integer> {

    @Option(names = "--write", paramLabel = "FILE", arity = "1..*",
            description = "Replace every generated table between its markers in each FILE (README.md holds the"
                    + " configuration table, docs/exchanges.md the exchange tables) instead.")
    List<Path> targets = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (targets.isEmpty()) {
            out.print(ConfigDocs.CONFIGURATION.table());
            out.flush();
            return 0;
        }
        for (Path target : targets) {
            String before = Files.readString(target, StandardCharsets.UTF_8);
            String after = ConfigDocs.regenerate(before);
            if (after.equals(before)) {
                out.println(target + ": the generated tables are up to date");
            } else {
                Files.writeString(target, after, StandardCharsets.UTF_8);
                out.println(target + ": generated tables rewritten");
            }
        }
        return 0;
    }
}
