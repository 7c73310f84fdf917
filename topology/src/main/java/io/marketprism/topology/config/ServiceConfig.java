package io.marketprism.topology.config;

import io.marketprism.schemas.codec.OutputFormat;
import io.marketprism.reliability.config.ConfigKey;
import io.marketprism.reliability.config.ConfigTable;
import io.marketprism.reliability.config.ConfigValues;
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
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The service's whole configuration: immutable, validated on construction; a typed view over the keys declared in
 * {@link ServiceKeys} (and, for breakers, limiters, retries and balancers, in {@link ReliabilityConfig#table()}).
 * Build it with {@link #builder()} or read it from properties with {@link #fromProperties(Properties)}; every key is
 * in the README's configuration table, which is rendered from {@link #table()}. Keys starting with {@code kafka.} are
 * passed, without the prefix, to every Kafka client the service creates.
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
    public static final String OUTPUT_FORMAT = "output.format";
    public static final String KAFKA_PREFIX = "kafka.";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String ADMIN_TOKEN = "admin.token";
    public static final String APPLICATION_SERVER = "application.server";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    /** Public REST endpoints of the exchanges known out of the box. */
    public static final Map<String, String> DEFAULT_ENDPOINTS = Map.of(
            "binance", "api=https://api.binance.com,api1=https://api1.binance.com,"
                    + "api2=https://api2.binance.com,api3=https://api3.binance.com",
            "okx", "www=https://www.okx.com,aws=https://aws.okx.com",
            "deribit", "www=https://www.deribit.com");

    private final ConfigValues values;
    private final Map<String, List<Endpoint>> endpointsByExchange;
    private final Map<String, String> kafkaOverrides;
    private final Map<String, String> reliabilitySettings;
    private final ReliabilityConfig reliability;

    private ServiceConfig(Builder b, ReliabilityConfig reliability) {
        this.values = b.values.build();
        this.endpointsByExchange = Collections.unmodifiableMap(new LinkedHashMap<>(b.endpoints));
        this.kafkaOverrides = Map.copyOf(b.kafkaOverrides);
        this.reliabilitySettings = Map.copyOf(b.reliabilitySettings);
        this.reliability = reliability;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults for a local broker at 127.0.0.1:9092 and the exchanges' public endpoints. */
    public static ServiceConfig ofDefaults() {
        return builder().build();
    }

    /** Every key the service reads, its own first, then the reliability keys: the README's configuration table. */
    public static ConfigTable table() {
        return ServiceKeys.TABLE.followedBy(ReliabilityConfig.table());
    }

    /**
     * Reads a configuration from properties, on top of the defaults. Unknown keys are refused, naming the closest
     * known keys (a typo should not be silently ignored), except {@code kafka.*} keys, which pass through to the
     * Kafka clients.
     */
    public static ServiceConfig fromProperties(Properties props) {
        return fromProperties(props, key -> null);
    }

    /**
     * As {@link #fromProperties(Properties)}; {@code origin} tells where a key's value came from (e.g. the file it
     * was read from, or {@code --set}), or null, and every error starts with it.
     */
    public static ServiceConfig fromProperties(Properties props, Function<String, String> origin) {
        Builder b = builder();
        Map<String, String> endpointSpecs = new LinkedHashMap<>();
        List<String> exchanges = null;
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            String value = props.getProperty(key).trim();
            Optional<ConfigKey<?>> declared = ServiceKeys.TABLE.find(key);
            try {
                if (key.startsWith(KAFKA_PREFIX)) {
                    b.kafka(key.substring(KAFKA_PREFIX.length()), value);
                } else if (ServiceKeys.ENDPOINTS.matches(key)) {
                    endpointSpecs.put(exchangeOf(key), value);
                } else if (key.equals(EXCHANGES)) {
                    exchanges = ServiceKeys.EXCHANGES.parse(key, value);
                } else if (declared.isPresent()) {
                    b.values.parse(declared.get(), value);
                } else if (ReliabilityConfig.ownsKey(key)) {
                    b.reliability(key, value);
                } else {
                    throw table().unknownKey(key);
                }
            } catch (IllegalArgumentException e) {
                throw ConfigException.in(origin.apply(key), e);
            }
        }
        List<String> names = exchanges != null ? exchanges : new ArrayList<>(
                endpointSpecs.isEmpty() ? DEFAULT_ENDPOINTS.keySet() : endpointSpecs.keySet());
        b.clearExchanges();
        for (String exchange : names) {
            String key = EXCHANGE_PREFIX + exchange + ENDPOINTS_SUFFIX;
            String spec = endpointSpecs.getOrDefault(exchange, DEFAULT_ENDPOINTS.get(exchange));
            try {
                if (spec == null) {
                    throw new ConfigException(key, null, "required for exchange '" + exchange + "' listed in '"
                            + EXCHANGES + "'");
                }
                b.exchange(exchange, spec);
            } catch (IllegalArgumentException e) {
                throw ConfigException.in(origin.apply(endpointSpecs.containsKey(exchange) ? key : EXCHANGES), e);
            }
        }
        for (String exchange : endpointSpecs.keySet()) {
            if (!names.contains(exchange)) {
                String key = EXCHANGE_PREFIX + exchange + ENDPOINTS_SUFFIX;
                throw ConfigException.in(origin.apply(key), new ConfigException(key, endpointSpecs.get(exchange),
                        "exchange '" + exchange + "' is not listed in '" + EXCHANGES + "' " + names));
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            Set<String> origins = new TreeSet<>();
            props.stringPropertyNames().forEach(key -> origins.add(Objects.toString(origin.apply(key), "")));
            origins.remove("");
            throw ConfigException.in(origins.isEmpty() ? null : String.join(" or ", origins), e);
        }
    }

    public String bootstrapServers() {
        return values.get(ServiceKeys.BOOTSTRAP_SERVERS);
    }

    public String applicationId() {
        return values.get(ServiceKeys.APPLICATION_ID);
    }

    public Path stateDir() {
        return values.get(ServiceKeys.STATE_DIR);
    }

    public TopicNames topics() {
        return new TopicNames(values.get(ServiceKeys.TOPIC_TASKS), values.get(ServiceKeys.TOPIC_RESULTS),
                values.get(ServiceKeys.TOPIC_RETRY), values.get(ServiceKeys.TOPIC_DLQ),
                values.get(ServiceKeys.TOPIC_EVENTS));
    }

    public int topicPartitions() {
        return values.get(ServiceKeys.TOPIC_PARTITIONS);
    }

    /** Replication factor for topics the service creates; -1 takes the broker's default. */
    public short topicReplicationFactor() {
        return values.get(ServiceKeys.TOPIC_REPLICATION_FACTOR).shortValue();
    }

    /** Endpoints per exchange, in configuration order. */
    public Map<String, List<Endpoint>> endpointsByExchange() {
        return endpointsByExchange;
    }

    public Set<String> exchanges() {
        return endpointsByExchange.keySet();
    }

    public Duration executionTimeout() {
        return Duration.ofMillis(values.get(ServiceKeys.EXECUTION_TIMEOUT_MS));
    }

    public int maxInFlightPerEndpoint() {
        return values.get(ServiceKeys.EXECUTION_MAX_IN_FLIGHT);
    }

    /** How often the stream thread hands finished calls back to the topology and dispatches waiting ones. */
    public Duration executionTick() {
        return Duration.ofMillis(values.get(ServiceKeys.EXECUTION_TICK_MS));
    }

    /** The largest response body read; a larger one makes the task a dead letter RESULT_TOO_LARGE. */
    public int maxBodyBytes() {
        return values.get(ServiceKeys.EXECUTION_MAX_BODY_BYTES);
    }

    /** How long finished task ids are remembered, so that a task sent again within it is not called again. */
    public Duration dedupeWindow() {
        return Duration.ofMillis(values.get(ServiceKeys.DEDUPE_WINDOW_MS));
    }

    /** How results, retries and dead letters are written: Avro single-object encoding, or JSON text. */
    public OutputFormat outputFormat() {
        return values.get(ServiceKeys.OUTPUT_FORMAT);
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
        return values.get(ServiceKeys.HTTP_HOST);
    }

    /** Port of the HTTP server; 0 takes a free port. */
    public int httpPort() {
        return values.get(ServiceKeys.HTTP_PORT);
    }

    /** The bearer token mutating admin calls must present; empty when unset, which refuses every mutating call. */
    public Optional<String> adminToken() {
        return values.find(ServiceKeys.ADMIN_TOKEN);
    }

    /**
     * The host:port other instances reach this one's HTTP server at (Kafka Streams' {@code application.server});
     * empty when unset, meaning {@link #httpHost()} and the port actually bound.
     */
    public Optional<String> applicationServer() {
        return values.find(ServiceKeys.APPLICATION_SERVER);
    }

    /** The same configuration with some values changed. */
    public Builder toBuilder() {
        Builder b = new Builder(values.toBuilder());
        b.endpoints.putAll(endpointsByExchange);
        b.kafkaOverrides.putAll(kafkaOverrides);
        b.reliabilitySettings.putAll(reliabilitySettings);
        return b;
    }

    private static String exchangeOf(String endpointsKey) {
        return endpointsKey.substring(EXCHANGE_PREFIX.length(), endpointsKey.length() - ENDPOINTS_SUFFIX.length());
    }

    /** Names of the topics the service reads and writes. */
    public record TopicNames(String tasks, String results, String retry, String deadLetters, String events) {
        public List<String> all() {
            return List.of(tasks, results, retry, deadLetters, events);
        }
    }

    /**
     * Builder of {@link ServiceConfig}; every setter checks its value against the key's declaration in
     * {@link ServiceKeys} (range, allowed values), and {@link #build()} checks keys against each other.
     */
    public static final class Builder {
        private final ConfigValues.Builder values;
        private final Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
        private final Map<String, String> kafkaOverrides = new LinkedHashMap<>();
        private final Map<String, String> reliabilitySettings = new LinkedHashMap<>();

        private Builder() {
            this.values = ConfigValues.builder();
            DEFAULT_ENDPOINTS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> exchange(e.getKey(), e.getValue()));
        }

        private Builder(ConfigValues.Builder values) {
            this.values = values;
        }

        /** Sets any key declared in {@link ServiceKeys}, checked against its declaration. */
        public <T> Builder set(ConfigKey<T> key, T value) {
            values.set(key, value);
            return this;
        }

        public Builder bootstrapServers(String value) {
            return set(ServiceKeys.BOOTSTRAP_SERVERS, value);
        }

        public Builder applicationId(String value) {
            return set(ServiceKeys.APPLICATION_ID, value);
        }

        public Builder stateDir(Path value) {
            return set(ServiceKeys.STATE_DIR, value);
        }

        public Builder tasksTopic(String value) {
            return set(ServiceKeys.TOPIC_TASKS, value);
        }

        public Builder resultsTopic(String value) {
            return set(ServiceKeys.TOPIC_RESULTS, value);
        }

        public Builder retryTopic(String value) {
            return set(ServiceKeys.TOPIC_RETRY, value);
        }

        public Builder dlqTopic(String value) {
            return set(ServiceKeys.TOPIC_DLQ, value);
        }

        public Builder eventsTopic(String value) {
            return set(ServiceKeys.TOPIC_EVENTS, value);
        }

        public Builder topicPartitions(int value) {
            return set(ServiceKeys.TOPIC_PARTITIONS, value);
        }

        public Builder topicReplicationFactor(int value) {
            return set(ServiceKeys.TOPIC_REPLICATION_FACTOR, value);
        }

        public Builder executionTimeout(Duration value) {
            return set(ServiceKeys.EXECUTION_TIMEOUT_MS, value.toMillis());
        }

        public Builder maxInFlightPerEndpoint(int value) {
            return set(ServiceKeys.EXECUTION_MAX_IN_FLIGHT, value);
        }

        public Builder executionTick(Duration value) {
            return set(ServiceKeys.EXECUTION_TICK_MS, value.toMillis());
        }

        public Builder maxBodyBytes(int value) {
            return set(ServiceKeys.EXECUTION_MAX_BODY_BYTES, value);
        }

        public Builder dedupeWindow(Duration value) {
            return set(ServiceKeys.DEDUPE_WINDOW_MS, value.toMillis());
        }

        /** @param value {@code avro} or {@code json}, in any case */
        public Builder outputFormat(String value) {
            return set(ServiceKeys.OUTPUT_FORMAT, ServiceKeys.OUTPUT_FORMAT.parse(OUTPUT_FORMAT, value));
        }

        public Builder httpHost(String value) {
            return set(ServiceKeys.HTTP_HOST, value);
        }

        public Builder httpPort(int value) {
            return set(ServiceKeys.HTTP_PORT, value);
        }

        /** The admin bearer token; at least 16 characters so it cannot be guessed. */
        public Builder adminToken(String value) {
            return set(ServiceKeys.ADMIN_TOKEN, value == null ? null : value.strip());
        }

        /** host:port other instances reach this instance's HTTP server at. */
        public Builder applicationServer(String value) {
            return set(ServiceKeys.APPLICATION_SERVER, value == null ? null : value.strip());
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
            for (String item : ServiceKeys.ENDPOINTS.parse(key, endpointSpec).split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                int eq = item.indexOf('=');
                String name = eq < 0 ? "" : item.substring(0, eq).trim();
                String url = eq < 0 ? "" : item.substring(eq + 1).trim();
                if (!NAME.matcher(name).matches() || url.isEmpty()) {
                    throw new ConfigException(key, endpointSpec,
                            "each endpoint is name=url with a lower-case name, got '" + item.trim() + "'");
                }
                if (list.stream().anyMatch(e -> e.name().equals(name))) {
                    throw new ConfigException(key, endpointSpec, "endpoint name '" + name + "' appears twice");
                }
                list.add(new Endpoint(exchange, name, parseUrl(key, url)));
            }
            endpoints.put(exchange, List.copyOf(list));
            return this;
        }

        /** A Kafka client property passed through unchanged (e.g. {@code security.protocol}). */
        public Builder kafka(String property, String value) {
            if (property == null || property.isBlank()) {
                throw new ConfigException(ServiceKeys.KAFKA.name(), property, "a Kafka client property name");
            }
            kafkaOverrides.put(property.trim(), Objects.requireNonNull(value, KAFKA_PREFIX + property));
            return this;
        }

        public ServiceConfig build() {
            if (endpoints.isEmpty()) {
                throw new ConfigException(EXCHANGES, "", "at least one exchange with endpoints is required");
            }
            ConfigValues built = values.build();
            List<String> topics = List.of(ServiceKeys.TOPIC_TASKS, ServiceKeys.TOPIC_RESULTS, ServiceKeys.TOPIC_RETRY,
                    ServiceKeys.TOPIC_DLQ, ServiceKeys.TOPIC_EVENTS).stream().map(built::get).toList();
            if (new TreeSet<>(topics).size() != topics.size()) {
                throw new ConfigException("topic.*", topics, "the five topics must have distinct names");
            }
            checkBodyFitsTheProducer(built.get(ServiceKeys.EXECUTION_MAX_BODY_BYTES));
            Map<String, String> settings = new LinkedHashMap<>(reliabilitySettings);
            endpoints.forEach((exchange, list) -> settings.put(EXCHANGE_PREFIX + exchange + ENDPOINTS_SUFFIX,
                    String.join(",", list.stream().map(Endpoint::name).toList())));
            // Names the bad key itself, with the value and what is allowed. Only the served exchanges are configured
            // in the engine: a preset the service does not serve is not an exchange it knows.
            return new ServiceConfig(this, ReliabilityConfig.fromMap(settings).servingOnly(endpoints.keySet()));
        }

        /**
         * A result carries the body and up to {@link ServiceKeys#RESULT_OVERHEAD_BYTES} of ids, attempt history and
         * headers; the producer refuses a record larger than its {@code max.request.size} (checked before compression),
         * which would abort every transaction that tries to write it.
         */
        private void checkBodyFitsTheProducer(int maxBodyBytes) {
            String override = kafkaOverrides.getOrDefault("producer.max.request.size",
                    kafkaOverrides.get("max.request.size"));
            long maxRequest = override == null ? ServiceKeys.PRODUCER_DEFAULT_MAX_REQUEST_BYTES : Long.parseLong(override);
            if (maxBodyBytes + ServiceKeys.RESULT_OVERHEAD_BYTES > maxRequest) {
                throw new ConfigException(EXECUTION_MAX_BODY_BYTES, maxBodyBytes, "at most the producer's"
                        + " max.request.size (" + maxRequest + ") less " + ServiceKeys.RESULT_OVERHEAD_BYTES
                        + " bytes for the rest of the result; raise kafka.producer.max.request.size (and the broker's"
                        + " message.max.bytes) to allow larger bodies");
            }
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
    }
}
