package io.marketprism.ops.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus' {@code promtool} (Debian package {@code prometheus}), run by tests. Where it is missing a test fails
 * under CI ({@code CI=true}, where {@code .ci/run} installs it) and is skipped elsewhere, saying how to install it.
 */
public final class Promtool {

    private static final String BINARY = "promtool";

    private Promtool() {
    }

    /** What a run printed (stdout and stderr together) and its exit code. */
    public record Run(int exitCode, String output) {
    }

    /** Runs {@code promtool args...} in {@code directory}, feeding it {@code stdin}; fails or skips if it is missing. */
    public static Run run(Path directory, String stdin, String... args) throws IOException, InterruptedException {
        requireInstalled();
        List<String> command = new ArrayList<>();
        command.add(BINARY);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Run(process.exitValue(), output);
    }

    /** Asserts that {@code promtool check metrics} finds no problem in {@code scrape}. */
    public static void assertCleanScrape(String scrape) throws IOException, InterruptedException {
        Run run = run(Path.of("."), scrape, "check", "metrics");
        assertThat(run.output()).as("promtool check metrics").isEmpty();
        assertThat(run.exitCode()).as("promtool check metrics exit code").isZero();
    }

    private static void requireInstalled() {
        String path = System.getenv().getOrDefault("PATH", "");
        if (Arrays.stream(path.split(File.pathSeparator)).anyMatch(dir -> Files.isExecutable(Path.of(dir, BINARY)))) {
            return;
        }
        String howTo = "promtool is not on the PATH; install it with `apt-get install prometheus` (Debian/Ubuntu; "
                + "only the promtool binary is used)";
        if ("true".equals(System.getenv("CI"))) {
            fail(howTo + " (CI=true: .ci/run installs it)");
        }
        Assumptions.assumeTrue(false, howTo);
    }
}
