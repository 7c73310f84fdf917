package io.marketprism.ops.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.reliability.exchange.ExchangeDefinition;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An exchange definition file that raises every limit group of the shipped definitions far above any load, for
 * benchmarks and tests that measure the service rather than the exchanges' budgets. Given to the service with
 * {@code exchange.definitions}.
 */
public final class GenerousBudgets {

    /** Weight per minute of every group: far above what a machine can send. */
    static final long LIMIT = 100_000_000_000L;

    private GenerousBudgets() {
    }

    /** Files written once per JVM into a temporary directory, as {@link #write} gives them. */
    public static String files() {
        return TemporaryFiles.PATHS;
    }

    /** Writes one file per shipped exchange into {@code dir}; returns them, comma-separated, as the key's value. */
    public static String write(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        StringBuilder files = new StringBuilder();
        for (ExchangeDefinition definition : ExchangeDefinitions.builtIn().all().values()) {
            ObjectNode patch = json.createObjectNode().put("exchange", definition.name());
            ObjectNode groups = patch.putObject("limitGroups");
            definition.limitGroups().keySet().forEach(group -> groups.putObject(group).putArray("rules").addObject()
                    .put("measure", "weight").put("limit", LIMIT).put("window", "1m").put("clock", "rolling"));
            Path file = dir.resolve("generous-" + definition.name() + ".json");
            Files.createDirectories(dir);
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), patch);
            files.append(files.length() == 0 ? "" : ",").append(file);
        }
        return files.toString();
    }

    /** Written when first asked for; removed when the JVM exits. */
    private static final class TemporaryFiles {
        static final String PATHS = writeOnce();

        private static String writeOnce() {
            try {
                Path dir = Files.createTempDirectory("marketprism-budgets");
                dir.toFile().deleteOnExit();
                return write(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
