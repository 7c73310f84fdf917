package io.marketprism.topology.config;

import io.marketprism.reliability.config.ReliabilityConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The service's whole configuration: immutable, validated on construction. Build it with {@link #builder()} or read it
 * from properties with {@link #fromProperties(Properties)}; every key is listed in the README's configuration table.
 * Keys starting with {@code kafka.} are passed, without the prefix, to every Kafka client the service creates.
 */
public final class ServiceConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String TOPIC_TASKS = "topic.tasks";
    public static final String TOPIC_RESULTS = "topic.results";
    public static final String TOPIC_RETRY = "topic.retry";
    public static final String TOPIC_DLQ = "topic.dlq";
    public static final String TOPIC_EVENTS = "topic.events";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String EXCHANGES = "exchanges";
    public static final String EXCHANGE_PREFIX = "exchange.";
    public static final String ENDPOINTS_SUFFIX = ".endpoints";
    public static final String EXECUTION_TIMEOUT_MS = "execution.timeout.ms";
    public static final String EXECUTION_MAX_IN_FLIGHT = "execution.max.in.flight.per.endpoint";
    public static final String EXECUTION_TICK_MS = "execution.tick.ms";
    public static final String EXECUTION_MAX_BODY_BYTES = "execution.max.body.bytes";
    public static final String DEDUPE_WINDOW_MS = "dedupe.window.ms";
    public static final String KAFKA_PREFIX = "kafka.";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String ADMIN_TOKEN = "admin.token";
    public static final String APPLICATION_SERVER = "application.server";

    private static final Set<String> SCALAR_KEYS = Set.of(BOOTSTRAP_SERVERS, APPLICATION_ID, STATE_DIR, TOPIC_TASKS,
            TOPIC_RESULTS, TOPIC_RETRY, TOPIC_DLQ, TOPIC_EVENTS, TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR, EXCHANGES,
            EXECUTION_TIMEOUT_MS, EXECUTION_MAX_IN_FLIGHT, EXECUTION_TICK_MS, EXECUTION_MAX_BODY_BYTES, DEDUPE_WINDOW_MS, HTTP_HOST, HTTP_PORT, ADMIN_TOKEN,
            APPLICATION_SERVER);
    /**
     * Default of {@link #EXECUTION_MAX_BODY_BYTES}: the producer's default {@code max.request.size} (1 MiB) less 64 KiB
     * for the rest of the result record (ids, attempt history, headers).
     */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024 - 64 * 1024;
    /** Upper bound of {@link #EXECUTION_MAX_BODY_BYTES}: 64 MiB, beyond what any broker is set to accept. */
    private static final int MAX_BODY_BYTES_LIMIT = 64 * 1024 * 1024;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    /** Public REST endpoints of the exchanges known out of the box. */
    public static final Map<String, String> DEFAULT_ENDPOINTS = Map.of(
            "binance", "api=https://api.binance.com,api1=https://api1.binance.com,"
                    + "api2=https://api2.binance.com,api3=https://api3.binance.com",
            "okx", "www=https://www.okx.com,aws=https://aws.okx.com",
            "deribit", "www=https://www.deribit.com");

    private final String bootstrapServers;
    private final String applicationId;
    private final Path stateDir;
    private final TopicNames topics;
    private final int topicPartitions;
    private final short topicReplicationFactor;
    private final Map<String, List<Endpoint>> endpointsByExchange;
    private final Duration executionTimeout;
    private final int maxInFlightPerEndpoint;
    private final Duration executionTick;
    private final int maxBodyBytes;
    private final Duration dedupeWindow;
    private final Map<String, String> kafkaOverrides;
    private final Map<String, String> reliabilitySettings;
    private final String httpHost;
    private final int httpPort;
    private final String adminToken;
    private final String applicationServer;
    private final ReliabilityConfig reliability;

    private ServiceConfig(Builder b, ReliabilityConfig reliability) {
        this.bootstrapServers = b.bootstrapServers;
        this.applicationId = b.applicationId;
        this.stateDir = b.stateDir;
        this.topics = new TopicNames(b.tasksTopic, b.resultsTopic, b.retryTopic, b.dlqTopic, b.eventsTopic);
        this.topicPartitions = b.topicPartitions;
        this.topicReplicationFactor = b.topicReplicationFactor;
        this.endpointsByExchange = Collections.unmodifiableMap(new LinkedHashMap<>(b.endpoints));
        this.executionTimeout = b.executionTimeout;
        this.maxInFlightPerEndpoint = b.maxInFlightPerEndpoint;
        this.executionTick = b.executionTick;
        this.maxBodyBytes = b.maxBodyBytes;
        this.dedupeWindow = b.dedupeWindow;
        this.kafkaOverrides = Map.copyOf(b.kafkaOverrides);
        this.reliabilitySettings = Map.copyOf(b.reliabilitySettings);
        this.reliability = reliability;
        this.httpHost = b.httpHost;
        this.httpPort = b.httpPort;
        this.adminToken = b.adminToken;
        this.applicationServer = b.applicationServer;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults for a local broker at 127.0.0.1:9092 and the exchanges' public endpoints. */
    public static ServiceConfig ofDefaults() {
        return builder().build();
    }

    /**
     * Reads a configuration from properties, on top of the defaults. Unknown keys are refused (a typo should not be
     * silently ignored), except {@code kafka.*} keys, which pass through to the Kafka clients.
     */
    public static ServiceConfig fromProperties(Properties props) {
        Builder b = builder();
        Map<String, String> endpointSpecs = new LinkedHashMap<>();
        List<String> exchanges = null;
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            String value = props.getProperty(key).trim();
            if (key.startsWith(KAFKA_PREFIX)) {
                b.kafka(key.substring(KAFKA_PREFIX.length()), value);
            } else if (key.startsWith(EXCHANGE_PREFIX) && key.endsWith(ENDPOINTS_SUFFIX)) {
                endpointSpecs.put(key.substring(EXCHANGE_PREFIX.length(), key.length() - ENDPOINTS_SUFFIX.length()), value);
            } else if (!SCALAR_KEYS.contains(key) && ReliabilityConfig.ownsKey(key)) {
                b.reliability(key, value);
            } else if (!SCALAR_KEYS.contains(key)) {
                throw new ConfigException(key, value, "unknown key; known keys are " + new TreeSet<>(SCALAR_KEYS)
                        + ", exchange.<name>.endpoints, the reliability keys (breaker.*, retry.*, balancer.*, "
                        + "limiter.*, exchange.<name>.*) and kafka.<client property>");
            } else {
                switch (key) {
                    case BOOTSTRAP_SERVERS -> b.bootstrapServers(value);
                    case APPLICATION_ID -> b.applicationId(value);
                    case STATE_DIR -> b.stateDir(Path.of(value));
                    case TOPIC_TASKS -> b.tasksTopic(value);
                    case TOPIC_RESULTS -> b.resultsTopic(value);
                    case TOPIC_RETRY -> b.retryTopic(value);
                    case TOPIC_DLQ -> b.dlqTopic(value);
                    case TOPIC_EVENTS -> b.eventsTopic(value);
                    case TOPIC_PARTITIONS -> b.topicPartitions(parseInt(key, value));
                    case TOPIC_REPLICATION_FACTOR -> b.topicReplicationFactor(parseInt(key, value));
                    case EXCHANGES -> exchanges = splitList(value);
                    case EXECUTION_TIMEOUT_MS -> b.executionTimeout(Duration.ofMillis(parseInt(key, value)));
                    case EXECUTION_MAX_IN_FLIGHT -> b.maxInFlightPerEndpoint(parseInt(key, value));
                    case EXECUTION_TICK_MS -> b.executionTick(Duration.ofMillis(parseInt(key, value)));
                    case EXECUTION_MAX_BODY_BYTES -> b.maxBodyBytes(parseInt(key, value));
                    case DEDUPE_WINDOW_MS -> b.dedupeWindow(Duration.ofMillis(parseInt(key, value)));
                    case HTTP_HOST -> b.httpHost(value);
                    case HTTP_PORT -> b.httpPort(parseInt(key, value));
                    case ADMIN_TOKEN -> b.adminToken(value);
                    case APPLICATION_SERVER -> b.applicationServer(value);
                    default -> throw new IllegalStateException("unhandled key " + key);
                }
            }
        }
        List<String> names = exchanges != null ? exchanges : new ArrayList<>(
                endpointSpecs.isEmpty() ? DEFAULT_ENDPOINTS.keySet() : endpointSpecs.keySet());
        b.clearExchanges();
        for (String exchange : names) {
            String spec = endpointSpecs.getOrDefault(exchange, DEFAULT_ENDPOINTS.get(exchange));
            if (spec == null) {
                throw new ConfigException(EXCHANGE_PREFIX + exchange + ENDPOINTS_SUFFIX, null,
                        "required for exchange '" + exchange + "' listed in '" + EXCHANGES + "'");
            }
            b.exchange(exchange, spec);
        }
        for (String exchange : endpointSpecs.keySet()) {
            if (!names.contains(exchange)) {
                throw new ConfigException(EXCHANGE_PREFIX + exchange + ENDPOINTS_SUFFIX, endpointSpecs.get(exchange),
                        "exchange '" + exchange + "' is not listed in '" + EXCHANGES + "' " + names);
            }
        }
        return b.build();
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "must be an integer");
        }
    }

    private static List<String> splitList(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String applicationId() {
        return applicationId;
    }

    public Path stateDir() {
        return stateDir;
    }

    public TopicNames topics() {
        return topics;
    }

    public int topicPartitions() {
        return topicPartitions;
    }

    /** Replication factor for topics the service creates; -1 takes the broker's default. */
    public short topicReplicationFactor() {
        return topicReplicationFactor;
    }

    /** Endpoints per exchange, in configuration order. */
    public Map<String, List<Endpoint>> endpointsByExchange() {
        return endpointsByExchange;
    }

    public Set<String> exchanges() {
        return endpointsByExchange.keySet();
    }

    public Duration executionTimeout() {
        return executionTimeout;
    }

    public int maxInFlightPerEndpoint() {
        return maxInFlightPerEndpoint;
    }

    /** How often the stream thread hands finished calls back to the topology and dispatches waiting ones. */
    public Duration executionTick() {
        return executionTick;
    }

    /** The largest response body read; a larger one makes the task a dead letter RESULT_TOO_LARGE. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** How long finished task ids are remembered, so that a task sent again within it is not called again. */
    public Duration dedupeWindow() {
        return dedupeWindow;
    }

    /** Breaker, limiter, retry and balancer settings of every exchange, endpoints as configured here. */
    public ReliabilityConfig reliability() {
        return reliability;
    }

    /** Kafka client properties given with the {@code kafka.} prefix, prefix removed. */
    public Map<String, String> kafkaOverrides() {
        return kafkaOverrides;
    }

    /** Address the HTTP server (metrics, health, admin API) binds to; loopback unless configured otherwise. */
    public String httpHost() {
        return httpHost;
    }

    /** Port of the HTTP server; 0 takes a free port. */
    public int httpPort() {
        return httpPort;
    }

    /** The bearer token mutating admin calls must present; empty when unset, which refuses every mutating call. */
    public Optional<String> adminToken() {
        return Optional.ofNullable(adminToken);
    }

    /**
     * The host:port other instances reach this one's HTTP server at (Kafka Streams' {@code application.server});
     * empty when unset, meaning {@link #httpHost()} and the port actually bound.
     */
    public Optional<String> applicationServer() {
        return Optional.ofNullable(applicationServer);
    }

    /** The same configuration with some values changed. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bootstrapServers = bootstrapServers;
        b.applicationId = applicationId;
        b.stateDir = stateDir;
        b.tasksTopic = topics.tasks();
        b.resultsTopic = topics.results();
        b.retryTopic = topics.retry();
        b.dlqTopic = topics.deadLetters();
        b.eventsTopic = topics.events();
        b.topicPartitions = topicPartitions;
        b.topicReplicationFactor = topicReplicationFactor;
        b.endpoints.clear();
        b.endpoints.putAll(endpointsByExchange);
        b.executionTimeout = executionTimeout;
        b.maxInFlightPerEndpoint = maxInFlightPerEndpoint;
        b.executionTick = executionTick;
        b.maxBodyBytes = maxBodyBytes;
        b.dedupeWindow = dedupeWindow;
        b.kafkaOverrides.putAll(kafkaOverrides);
        b.reliabilitySettings.putAll(reliabilitySettings);
        b.httpHost = httpHost;
        b.httpPort = httpPort;
        b.adminToken = adminToken;
        b.applicationServer = applicationServer;
        return b;
    }

    /** Names of the topics the service reads and writes. */
    public record TopicNames(String tasks, String results, String retry, String deadLetters, String events) {
        public List<String> all() {
            return List.of(tasks, results, retry, deadLetters, events);
        }
    }

    /** Builder of {@link ServiceConfig}; every setter validates its argument. */
    public static final class Builder {
        private String bootstrapServers = "127.0.0.1:9092";
        private String applicationId = "marketprism-reliability";
        private Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "marketprism-streams");
        private String tasksTopic = "collector.tasks";
        private String resultsTopic = "collector.results";
        private String retryTopic = "collector.tasks.retry";
        private String dlqTopic = "collector.tasks.dlq";
        private String eventsTopic = "reliability.events";
        private int topicPartitions = 6;
        private short topicReplicationFactor = -1;
        private final Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
        private Duration executionTimeout = Duration.ofSeconds(5);
        private int maxInFlightPerEndpoint = 32;
        private Duration executionTick = Duration.ofMillis(10);
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration dedupeWindow = Duration.ofHours(1);
        private final Map<String, String> kafkaOverrides = new LinkedHashMap<>();
        private final Map<String, String> reliabilitySettings = new LinkedHashMap<>();
        private String httpHost = "127.0.0.1";
        private int httpPort = 8080;
        private String adminToken;
        private String applicationServer;

        private Builder() {
            DEFAULT_ENDPOINTS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> exchange(e.getKey(), e.getValue()));
        }

        public Builder bootstrapServers(String value) {
            this.bootstrapServers = requireText(BOOTSTRAP_SERVERS, value, "host:port[,host:port...]");
            return this;
        }

        public Builder applicationId(String value) {
            this.applicationId = requireText(APPLICATION_ID, value, "a non-empty Kafka Streams application id");
            return this;
        }

        public Builder stateDir(Path value) {
            this.stateDir = Objects.requireNonNull(value, STATE_DIR);
            return this;
        }

        public Builder tasksTopic(String value) {
            this.tasksTopic = requireTopic(TOPIC_TASKS, value);
            return this;
        }

        public Builder resultsTopic(String value) {
            this.resultsTopic = requireTopic(TOPIC_RESULTS, value);
            return this;
        }

        public Builder retryTopic(String value) {
            this.retryTopic = requireTopic(TOPIC_RETRY, value);
            return this;
        }

        public Builder dlqTopic(String value) {
            this.dlqTopic = requireTopic(TOPIC_DLQ, value);
            return this;
        }

        public Builder eventsTopic(String value) {
            this.eventsTopic = requireTopic(TOPIC_EVENTS, value);
            return this;
        }

        /**
         * One reliability setting by its flat key, e.g. {@code breaker.failure.rate.threshold} or
         * {@code exchange.binance.retry.max.attempts}; validated in {@link #build()}.
         */
        public Builder reliability(String key, String value) {
            if (!ReliabilityConfig.ownsKey(key) || key.endsWith(ENDPOINTS_SUFFIX)) {
                throw new ConfigException(key, value, "not a reliability key (breaker.*, retry.*, balancer.*, "
                        + "limiter.*, exchange.<name>.*)");
            }
            reliabilitySettings.put(key, Objects.requireNonNull(value, key));
            return this;
        }

        public Builder topicPartitions(int value) {
            this.topicPartitions = requireRange(TOPIC_PARTITIONS, value, 1, 10_000);
            return this;
        }

        public Builder topicReplicationFactor(int value) {
            if (value != -1) {
                requireRange(TOPIC_REPLICATION_FACTOR, value, 1, Short.MAX_VALUE);
            }
            this.topicReplicationFactor = (short) value;
            return this;
        }

        /** Removes every exchange, including the defaults, before configuring others with {@link #exchange}. */
        public Builder clearExchanges() {
            endpoints.clear();
            return this;
        }

        /**
         * Adds or replaces an exchange and its endpoints, given as {@code name=url[,name=url...]}, for example
         * {@code api=https://api.binance.com,api1=https://api1.binance.com}.
         */
        public Builder exchange(String exchange, String endpointSpec) {
            String key = EXCHANGE_PREFIX + exchange + ENDPOINTS_SUFFIX;
            if (exchange == null || !NAME.matcher(exchange).matches()) {
                throw new ConfigException(key, exchange, "exchange names are lower case letters, digits, '-' and '_'");
            }
            List<Endpoint> list = new ArrayList<>();
            for (String item : splitList(requireText(key, endpointSpec, "name=url[,name=url...]"))) {
                int eq = item.indexOf('=');
                String name = eq < 0 ? "" : item.substring(0, eq).trim();
                String url = eq < 0 ? "" : item.substring(eq + 1).trim();
                if (!NAME.matcher(name).matches() || url.isEmpty()) {
                    throw new ConfigException(key, endpointSpec, "each endpoint is name=url with a lower-case name, got '" + item + "'");
                }
                if (list.stream().anyMatch(e -> e.name().equals(name))) {
                    throw new ConfigException(key, endpointSpec, "endpoint name '" + name + "' appears twice");
                }
                list.add(new Endpoint(exchange, name, parseUrl(key, url)));
            }
            endpoints.put(exchange, List.copyOf(list));
            return this;
        }

        public Builder executionTimeout(Duration value) {
            requireRange(EXECUTION_TIMEOUT_MS, value.toMillis(), 1, 120_000);
            this.executionTimeout = value;
            return this;
        }

        public Builder maxInFlightPerEndpoint(int value) {
            this.maxInFlightPerEndpoint = requireRange(EXECUTION_MAX_IN_FLIGHT, value, 1, 10_000);
            return this;
        }

        public Builder maxBodyBytes(int value) {
            this.maxBodyBytes = requireRange(EXECUTION_MAX_BODY_BYTES, value, 1024, MAX_BODY_BYTES_LIMIT);
            return this;
        }

        public Builder dedupeWindow(Duration value) {
            requireRange(DEDUPE_WINDOW_MS, value.toMillis(), 1_000, 7L * 24 * 3600 * 1000);
            this.dedupeWindow = value;
            return this;
        }

        public Builder executionTick(Duration value) {
            requireRange(EXECUTION_TICK_MS, value.toMillis(), 1, 1_000);
            this.executionTick = value;
            return this;
        }

        public Builder httpHost(String value) {
            this.httpHost = requireText(HTTP_HOST, value, "a host name or IP address to bind to, e.g. 127.0.0.1 or 0.0.0.0");
            return this;
        }

        public Builder httpPort(int value) {
            this.httpPort = requireRange(HTTP_PORT, value, 0, 65_535);
            return this;
        }

        /** The admin bearer token; at least 16 characters so it cannot be guessed. */
        public Builder adminToken(String value) {
            if (value == null || value.strip().length() < 16 || value.strip().chars().anyMatch(Character::isWhitespace)) {
                // Never echo the value: it is a secret.
                throw new ConfigException(ADMIN_TOKEN, "<hidden>", "must be at least 16 characters without spaces");
            }
            this.adminToken = value.strip();
            return this;
        }

        /** host:port other instances reach this instance's HTTP server at. */
        public Builder applicationServer(String value) {
            String text = requireText(APPLICATION_SERVER, value, "host:port");
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw new ConfigException(APPLICATION_SERVER, value, "expected host:port with port 1..65535");
            }
            try {
                requireRange(APPLICATION_SERVER, Integer.parseInt(text.substring(colon + 1)), 1, 65_535);
            } catch (NumberFormatException e) {
                throw new ConfigException(APPLICATION_SERVER, value, "expected host:port with port 1..65535");
            }
            this.applicationServer = text;
            return this;
        }

        /** A Kafka client property passed through unchanged (e.g. {@code security.protocol}). */
        public Builder kafka(String property, String value) {
            kafkaOverrides.put(requireText(KAFKA_PREFIX + "<property>", property, "a Kafka client property name"),
                    Objects.requireNonNull(value, KAFKA_PREFIX + property));
            return this;
        }

        public ServiceConfig build() {
            if (endpoints.isEmpty()) {
                throw new ConfigException(EXCHANGES, "", "at least one exchange with endpoints is required");
            }
            List<String> names = List.of(tasksTopic, resultsTopic, retryTopic, dlqTopic, eventsTopic);
            if (new TreeSet<>(names).size() != names.size()) {
                throw new ConfigException("topic.*", names, "the five topics must have distinct names");
            }
            Map<String, String> settings = new LinkedHashMap<>(reliabilitySettings);
            endpoints.forEach((exchange, list) -> settings.put(EXCHANGE_PREFIX + exchange + ENDPOINTS_SUFFIX,
                    String.join(",", list.stream().map(Endpoint::name).toList())));
            // Names the bad key itself, with the value and what is allowed.
            return new ServiceConfig(this, ReliabilityConfig.fromMap(settings).servingOnly(endpoints.keySet()));
        }

        private static URI parseUrl(String key, String url) {
            try {
                URI uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException(key, url, "endpoint URLs are absolute http or https URLs");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new ConfigException(key, url, "not a URL: " + e.getMessage());
            }
        }

        private static String requireText(String key, String value, String allowed) {
            if (value == null || value.isBlank()) {
                throw new ConfigException(key, value, "must not be empty; expected " + allowed);
            }
            return value.trim();
        }

        private static String requireTopic(String key, String value) {
            if (value == null || !value.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new ConfigException(key, value, "topic names are 1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'");
            }
            return value;
        }

        private static int requireRange(String key, long value, long min, long max) {
            if (value < min || value > max) {
                throw new ConfigException(key, value, "allowed range is " + min + ".." + max);
            }
            return (int) value;
        }
    }
}
