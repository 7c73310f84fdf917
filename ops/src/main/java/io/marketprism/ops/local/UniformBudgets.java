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
 * Exchange definition files that give every limit group of the shipped definitions one and the same budget: far
 * above any load ({@link #generous()}), for benchmarks and tests that measure the service rather than the exchanges'
 * budgets, or a tiny one, for backlogs. Given to the service with {@code exchange.definitions}.
 */
public final class UniformBudgets {

    /** Weight per minute of every group in {@link #generous()}: far above what a machine can send. */
    static final long GENEROUS_LIMIT = 100_000_000_000L;

    private UniformBudgets() {
    }

    /** Generous budgets, written once per JVM into a temporary directory, as the value of the key. */
    public static String generous() {
        return TemporaryFiles.PATHS;
    }

    /**
     * Writes one file per shipped exchange into {@code dir}, every group allowed {@code limit} of {@code measure}
     * ({@code weight} or {@code requests}) per {@code window} (e.g. {@code 1s}); returns them, comma-separated, as the
     * value of {@code exchange.definitions}.
     */
    public static String write(Path dir, String measure, long limit, String window) throws IOException {
        ObjectMapper json = new ObjectMapper();
        StringBuilder files = new StringBuilder();
        for (ExchangeDefinition definition : ExchangeDefinitions.builtIn().all().values()) {
            ObjectNode patch = json.createObjectNode().put("exchange", definition.name());
            ObjectNode groups = patch.putObject("limitGroups");
            for (String group : definition.limitGroups().keySet()) {
                ObjectNode uniform = groups.putObject(group);
                uniform.putArray("rules").addObject()
                        .put("measure", measure).put("limit", limit).put("window", window).put("clock", "rolling");
                if (!measure.equals("weight")) {
                    // a used-weight header (Binance's) tells a weight; a group counting requests has none to read
                    uniform.putNull("usedWeightHeader");
                }
            }
            Path file = dir.resolve("budgets-" + definition.name() + ".json");
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
                return write(dir, "weight", GENEROUS_LIMIT, "1m");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
