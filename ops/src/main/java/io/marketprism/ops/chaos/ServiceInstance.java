package io.marketprism.ops.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named service instance of a {@link ChaosStack}: its settings and state directory outlive the child JVM, so it can
 * be killed, paused, resumed and started again as the same instance (same state directory, hence the same process id
 * and transactional ids), the way a supervisor restarts a crashed service on the same machine.
 */
public final class ServiceInstance implements AutoCloseable {

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
