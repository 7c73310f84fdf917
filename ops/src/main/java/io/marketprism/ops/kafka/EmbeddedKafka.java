package io.marketprism.ops.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka cluster (combined KRaft broker and controller) running inside this JVM, for the local
 * stack and integration tests.
 *
 * <p>{@link #start()} formats the data directory with a random cluster id, or a quorum's (skipped when the directory already holds
 * a formatted log directory, so a broker can restart on its old data), starts {@code kafka.server.KafkaRaftServer} and returns once an admin client sees the broker and the
 * controller accepts a topic. Settings suit one node: internal topics have replication factor 1, consumer groups
 * rebalance without delay and topics are never created automatically. Started again after {@link #close()}, it comes
 * back on the same ports (and, with a {@link Builder#dataDirectory data directory} of its own, on the same log). As one
 * node of a {@link Builder#quorum quorum} it is one of several combined brokers and controllers, each in a JVM of its
 * own ({@link #main}), with replicated internal topics. Not thread-safe: start and close it from one thread.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_POLL_INTERVAL = Duration.ofMillis(100);

    private final Builder settings;
    private Path dataDirectory;
    private boolean deleteDataDirectoryOnClose;
    private int port;
    private int controllerPort;
    private KafkaRaftServer server;

    private EmbeddedKafka(Builder builder) {
        this.settings = builder.copy();
    }

    /** Starts building an embedded broker; defaults: free ports, a temp data directory deleted on close. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the storage, starts the broker and controller and waits until they accept topics.
     *
     * @return this broker, started
     * @throws IllegalStateException if already started, or if the broker fails to start or become ready in time
     */
    public EmbeddedKafka start() {
        if (server != null) {
            throw new IllegalStateException("EmbeddedKafka is already started on " + bootstrapServers());
        }
        try {
            prepareDataDirectory();
            if (port == 0) {   // the first start: a restart keeps the ports
                port = settings.port == 0 ? freePort() : settings.port;
                controllerPort = settings.quorum.isEmpty()
                        ? settings.controllerPort == 0 ? freePortOtherThan(port) : settings.controllerPort
                        : settings.quorum.get(settings.nodeId);
            }
            Properties properties = serverProperties();
            format(properties);
            KafkaRaftServer starting = new KafkaRaftServer(new KafkaConfig(properties, false), Time.SYSTEM);
            server = starting;
            starting.startup();
            awaitReady();
            return this;
        } catch (RuntimeException | IOException e) {
            close();
            throw new IllegalStateException("EmbeddedKafka failed to start: " + e.getMessage(), e);
        }
    }

    /** The address clients connect to, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        requireStarted();
        return LOOPBACK + ":" + port;
    }

    /** The directory holding the broker's configuration and logs. */
    public Path dataDirectory() {
        requireStarted();
        return dataDirectory;
    }

    /**
     * Creates a topic with replication factor 1 and waits until the controller has accepted it.
     *
     * @throws IllegalStateException if the topic cannot be created, e.g. because it exists
     */
    public void createTopic(String name, int partitions) {
        requireStarted();
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 but was " + partitions);
        }
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            awaitPartitionsOnline(admin, name, partitions);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topic " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /**
     * Waits until the broker serves every partition of a new topic, which it does a moment after the topic exists in
     * the metadata. An idempotent producer writing in that moment can have its first batch refused as "not leader"
     * while a later one is appended, and then retries the first one until it expires (KAFKA-15591); asking each
     * partition's latest offset succeeds only once the partition is served.
     */
    private static void awaitPartitionsOnline(Admin admin, String topic, int partitions)
            throws InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException notServedYet) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("partitions of " + topic + " not online within " + READY_TIMEOUT
                            + ": " + notServedYet.getCause());
                }
                Thread.sleep(READY_POLL_INTERVAL.toMillis());
            }
        }
    }

    /** Stops the broker and controller and deletes the data directory if it was a temporary one. Idempotent. */
    @Override
    public void close() {
        KafkaRaftServer stopping = server;
        server = null;
        if (stopping != null) {
            stopping.shutdown();
            stopping.awaitShutdown();
        }
        if (deleteDataDirectoryOnClose && dataDirectory != null) {
            deleteRecursively(dataDirectory);
            dataDirectory = null;
        }
    }

    /**
     * Starts a broker, prints its bootstrap address and runs until the JVM is stopped. Arguments: {@code [port]} for a
     * single node on that port (default 9092), or {@code port data-dir node-id cluster-id quorum} for one node of a
     * quorum, the quorum given as {@code node=controller-port,...} (e.g. {@code 1=19411,2=19412,3=19413}); broker
     * properties anywhere among them as {@code --key=value} (e.g. {@code --group.min.session.timeout.ms=3000}).
     */
    public static void main(String[] arguments) throws InterruptedException {
        List<String> positional = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        for (String argument : arguments) {
            if (argument.startsWith("--")) {
                String[] keyAndValue = argument.substring(2).split("=", 2);
                if (keyAndValue.length != 2) {
                    throw new IllegalArgumentException("a broker property is --key=value, got " + argument);
                }
                properties.put(keyAndValue[0], keyAndValue[1]);
            } else {
                positional.add(argument);
            }
        }
        String[] args = positional.toArray(new String[0]);
        Builder builder = builder().port(args.length > 0 ? Integer.parseInt(args[0]) : 9092);
        properties.forEach(builder::brokerProperty);
        if (args.length == 5) {
            Map<Integer, Integer> quorum = new LinkedHashMap<>();
            for (String voter : args[4].split(",")) {
                String[] nodeAndPort = voter.split("=", 2);
                quorum.put(Integer.parseInt(nodeAndPort[0].strip()), Integer.parseInt(nodeAndPort[1].strip()));
            }
            builder.dataDirectory(Path.of(args[1])).quorum(Integer.parseInt(args[2]), args[3], quorum);
        } else if (args.length > 1) {
            throw new IllegalArgumentException("arguments: [port], or port data-dir node-id cluster-id quorum; got "
                    + String.join(" ", args));
        }
        EmbeddedKafka kafka = builder.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "embedded-kafka-shutdown"));
        System.out.println("Kafka bootstrap servers: " + kafka.bootstrapServers());
        stopped.await();
    }

    private void prepareDataDirectory() throws IOException {
        if (settings.dataDirectory == null) {
            dataDirectory = Files.createTempDirectory("embedded-kafka-");
            deleteDataDirectoryOnClose = true;
        } else {
            dataDirectory = Files.createDirectories(settings.dataDirectory);
            deleteDataDirectoryOnClose = false;
        }
    }

    private Properties serverProperties() {
        Map<Integer, Integer> voters = settings.quorum.isEmpty() ? Map.of(settings.nodeId, controllerPort)
                : settings.quorum;
        // Internal topics on every node of a quorum of three, two in sync for a write, as production runs them; on
        // one node there is no choice.
        String replication = String.valueOf(voters.size());
        String minInSync = String.valueOf(Math.max(1, voters.size() - 1));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(settings.nodeId));
        p.put("controller.quorum.voters", voters.entrySet().stream()
                .map(v -> v.getKey() + "@" + LOOPBACK + ":" + v.getValue()).collect(Collectors.joining(",")));
        p.put("listeners", "PLAINTEXT://" + LOOPBACK + ":" + port + ",CONTROLLER://" + LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDirectory().toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("default.replication.factor", replication);
        p.put("min.insync.replicas", minInSync);
        p.put("offsets.topic.replication.factor", replication);
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", replication);
        p.put("transaction.state.log.min.isr", minInSync);
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", replication);
        p.put("share.coordinator.state.topic.min.isr", minInSync);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.putAll(settings.extraProperties);
        return p;
    }

    /** Formats the log directory the way {@code kafka-storage.sh format} does, leaving a formatted one alone. */
    private void format(Properties properties) throws IOException {
        if (Files.exists(logDirectory().resolve("meta.properties"))) {
            return;
        }
        Path configFile = dataDirectory.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            properties.store(out, "Written by EmbeddedKafka");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(new String[]{"format", "--config", configFile.toString(),
                    "--cluster-id", settings.clusterId != null ? settings.clusterId : Uuid.randomUuid().toString()},
                    printer);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("formatting " + dataDirectory + " failed with exit code " + exitCode
                    + ": " + output.toString(StandardCharsets.UTF_8));
        }
    }

    /** Ready means: the broker is registered and unfenced, so the controller can place a new topic's replica. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminProperties())) {
            NewTopic probe = new NewTopic("embedded-kafka-readiness-probe", 1, (short) 1);
            CreateTopicsOptions validateOnly = new CreateTopicsOptions().validateOnly(true).timeoutMs(5_000);
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        admin.createTopics(List.of(probe), validateOnly).all().get(5, TimeUnit.SECONDS);
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("broker not ready within " + READY_TIMEOUT, notYet);
                    }
                }
                Thread.sleep(READY_POLL_INTERVAL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    private Path logDirectory() {
        return dataDirectory.resolve("logs");
    }

    private Map<String, Object> adminProperties() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("EmbeddedKafka is not started");
        }
    }

    private static int freePortOtherThan(int taken) throws IOException {
        int candidate = freePort();
        return candidate != taken ? candidate : freePort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }

    /** Settings of an {@link EmbeddedKafka}; every setter validates its value. */
    public static final class Builder {

        private int port;
        private int controllerPort;
        private int nodeId = 1;
        private String clusterId;
        private final Map<Integer, Integer> quorum = new LinkedHashMap<>();
        private Path dataDirectory;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Client listener port; 0 (the default) picks a free one. The local stack uses 9092. */
        public Builder port(int port) {
            this.port = validPort("port", port);
            return this;
        }

        /** Controller listener port; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = validPort("controllerPort", controllerPort);
            return this;
        }

        /**
         * Directory for configuration and logs, kept on close so a later broker can reuse it; by default a fresh
         * temp directory is used and deleted on close.
         */
        public Builder dataDirectory(Path dataDirectory) {
            if (dataDirectory == null) {
                throw new IllegalArgumentException("dataDirectory must not be null");
            }
            this.dataDirectory = dataDirectory;
            return this;
        }

        /**
         * Makes this broker node {@code nodeId} of a quorum of combined brokers and controllers sharing {@code
         * clusterId}, {@code controllerPorts} giving every node's controller port (this node's included, which then
         * is its own). Internal topics and topics created without a replication factor get one replica on every
         * node, and need every node but one in sync for a write (three nodes: replication factor 3, min ISR 2).
         */
        public Builder quorum(int nodeId, String clusterId, Map<Integer, Integer> controllerPorts) {
            if (!controllerPorts.containsKey(nodeId)) {
                throw new IllegalArgumentException("the quorum " + controllerPorts + " does not name node " + nodeId);
            }
            if (clusterId == null || clusterId.isBlank()) {
                throw new IllegalArgumentException("a quorum needs a cluster id");
            }
            controllerPorts.forEach((node, port) -> validPort("controller port of node " + node, port));
            this.nodeId = nodeId;
            this.clusterId = clusterId;
            this.quorum.clear();
            this.quorum.putAll(controllerPorts);
            return this;
        }

        /** Adds or overrides one broker property, e.g. {@code log.retention.ms}. */
        public Builder brokerProperty(String key, String value) {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException("brokerProperty needs a non-blank key and a value, got "
                        + key + "=" + value);
            }
            extraProperties.put(key, value);
            return this;
        }

        /** Checks the settings against each other and returns a broker that is not yet started. */
        public EmbeddedKafka build() {
            if (port != 0 && port == controllerPort) {
                throw new IllegalStateException("port and controllerPort must differ but both are " + port);
            }
            return new EmbeddedKafka(this);
        }

        private Builder copy() {
            Builder copy = new Builder();
            copy.port = port;
            copy.controllerPort = controllerPort;
            copy.nodeId = nodeId;
            copy.clusterId = clusterId;
            copy.quorum.putAll(quorum);
            copy.dataDirectory = dataDirectory;
            copy.extraProperties.putAll(extraProperties);
            return copy;
        }

        private static int validPort(String key, int value) {
            if (value < 0 || value > 65_535) {
                throw new IllegalArgumentException(key + " must be in [0, 65535] but was " + value);
            }
            return value;
        }
    }
}
