package io.marketprism.ops.chaos;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One service instance (or a broker of a {@link BrokerCluster}) in a child JVM, started with this JVM's class path, so
 * it can be treated the way a machine fails: SIGKILL (no shutdown hook, no clean close, transactions left open), or SIGSTOP and
 * SIGCONT (a stalled process that wakes up after its group has moved on).
 */
public final class ServiceProcess implements AutoCloseable {

    /** Children still running; killed when this JVM exits, so an interrupted run leaves no instance behind. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "service-process-reaper"));
    }

    private final Process process;
    private final Path log;
    private volatile boolean paused;

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code marketprism service} with these settings; output is appended to {@code log}. */
    public static ServiceProcess start(String bootstrap, Map<String, String> settings, Path log) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("service", "--bootstrap-servers", bootstrap));
        settings.forEach((key, value) -> arguments.addAll(List.of("--set", key + "=" + value)));
        return startMain("io.marketprism.ops.cli.MarketPrismCli", arguments, log);
    }

    /** Starts {@code mainClass} with {@code arguments} in a JVM of at most 512 MiB heap; output appended to {@code log}. */
    public static ServiceProcess startMain(String mainClass, List<String> arguments, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                mainClass));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        RUNNING.add(process);
        process.onExit().thenAccept(RUNNING::remove);
        return new ServiceProcess(process, log);
    }

    /** Kills the JVM at once (SIGKILL), like a power cut: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + pid() + " did not die; log: " + log);
        }
    }

    /** Freezes the JVM (SIGSTOP): it neither polls, heartbeats nor commits until {@link #resume()}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
        paused = true;
    }

    /** Lets a paused JVM run again (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
        paused = false;
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public File log() {
        return log.toFile();
    }

    /**
     * Stops the JVM cleanly (SIGTERM, the service closes; a paused one is resumed first), or kills it when it has not
     * stopped within a minute.
     */
    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            if (paused) {
                resume();
            }
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
