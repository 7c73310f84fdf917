package io.marketprism.ops.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service instance in a child JVM, started with the launcher's main class, so a test can kill it the way a
 * machine dies: SIGKILL, no shutdown hook, no clean close, transactions left open.
 */
final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code marketprism service} with these settings; output goes to {@code log}. */
    static ServiceProcess start(String bootstrap, Map<String, String> settings, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                "io.marketprism.ops.cli.MarketPrismCli", "service", "--bootstrap-servers", bootstrap));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ServiceProcess(process, log);
    }

    /** Kills the JVM at once, like a power cut: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process did not die; log: " + log);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    File log() {
        return log.toFile();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
