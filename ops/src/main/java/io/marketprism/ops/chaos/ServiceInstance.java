package io.marketprism.ops.chaos;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named service instance of a {@link ChaosStack}: its settings and state directory outlive the child JVM, so it can
 * be killed, paused, resumed and started again as the same instance (same state directory, hence the same process id
 * and transactional ids), the way a supervisor restarts a crashed service on the same machine.
 */
public final class ServiceInstance implements AutoCloseable {

    /** The line AdminHttpServer logs once it listens. */
    private static final Pattern SERVING = Pattern.compile("serving metrics, health and admin API on (http://\\S+)");

    private final String name;
    private final String bootstrap;
    private final Map<String, String> settings;
    private final Path log;
    private ServiceProcess process;

    ServiceInstance(String name, String bootstrap, Map<String, String> settings, Path stateDir, Path log) {
        this.name = name;
        this.bootstrap = bootstrap;
        this.settings = new LinkedHashMap<>(settings);
        this.settings.put("state.dir", stateDir.toString());
        this.log = log;
    }

    public String name() {
        return name;
    }

    /** Starts the child JVM; a second start after {@link #kill()} or {@link #stop()} is a restart. */
    public synchronized ServiceInstance start() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("instance " + name + " is already running");
        }
        process = ServiceProcess.start(bootstrap, settings, log);
        return this;
    }

    /**
     * A rolling upgrade's step: stops the JVM cleanly and starts it again with {@code settings} (on the same state
     * directory, so the same process and transactional ids).
     */
    public synchronized ServiceInstance restartWith(Map<String, String> settings) throws IOException,
            InterruptedException {
        stop();
        String stateDir = this.settings.get("state.dir");
        this.settings.clear();
        this.settings.putAll(settings);
        this.settings.put("state.dir", stateDir);
        return start();
    }

    /** SIGKILL: the JVM dies at once with its transactions open. */
    public synchronized void kill() throws InterruptedException {
        requireRunning().kill();
    }

    /** SIGSTOP: the JVM freezes, heartbeats and commits stop. */
    public synchronized void pause() throws IOException, InterruptedException {
        requireRunning().pause();
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() throws IOException, InterruptedException {
        requireRunning().resume();
    }

    /** A clean stop: SIGTERM, the service closes its streams. */
    public synchronized void stop() throws IOException, InterruptedException {
        if (process != null) {
            process.close();
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The process id of the running JVM. */
    public synchronized long pid() {
        return requireRunning().pid();
    }

    /**
     * Where the running JVM serves metrics, health and the admin API, as its last start logged it (with {@code
     * http.port} 0 each start takes a free port).
     *
     * @throws IllegalStateException when the log holds no such line yet
     */
    public URI httpAddress() throws IOException {
        String address = null;
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                Matcher serving = SERVING.matcher(line);
                if (serving.find()) {
                    address = serving.group(1);
                }
            }
        }
        if (address == null) {
            throw new IllegalStateException("instance " + name + " has not logged its HTTP address yet; log: " + log);
        }
        return URI.create(address);
    }

    /** Where the instance's output goes, across restarts. */
    public Path log() {
        return log;
    }

    private ServiceProcess requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException("instance " + name + " is not running; log: " + log);
        }
        return process;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }
}
