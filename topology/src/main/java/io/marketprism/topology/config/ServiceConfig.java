package io.marketprism.topology.config;

import io.marketprism.schemas.codec.OutputFormat;
import io.marketprism.reliability.config.ConfigKey;
import io.marketprism.reliability.config.ConfigTable;
import io.marketprism.reliability.config.ConfigValues;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.reliability.exchange.LimitRule;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.topology.exchange.EgressRoute;
import io.marketprism.topology.exchange.ExchangeRoutes;
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
    public static final String EXCHANGE_DEFINITIONS = "exchange.definitions";
    public static final String EXCHANGE_PREFIX = "exchange.";
    public static final String ENDPOINTS_SUFFIX = ".endpoints";
    public static final String ROUTES = "routes";
    public static final String ROUTE_PREFIX = "route.";
    public static final String PROXY_SUFFIX = ".proxy";
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

    private final ConfigValues values;
    private final ExchangeRoutes routes;
    private final Map<String, String> kafkaOverrides;
    private final Map<String, String> reliabilitySettings;
    private final Map<String, String> endpointSpecs;
    private final Map<String, String> routeEndpointSpecs;
    private final Map<String, String> proxies;
    private final ReliabilityConfig reliability;

    private ServiceConfig(Builder b, ExchangeRoutes routes, ReliabilityConfig reliability) {
        this.values = b.values.build();
        this.routes = routes;
        this.kafkaOverrides = Map.copyOf(b.kafkaOverrides);
        this.reliabilitySettings = Map.copyOf(b.reliabilitySettings);
        this.endpointSpecs = Map.copyOf(b.endpointSpecs);
        this.routeEndpointSpecs = Map.copyOf(b.routeEndpointSpecs);
        this.proxies = Map.copyOf(b.proxies);
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
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            String value = props.getProperty(key).trim();
            Optional<ConfigKey<?>> declared = ServiceKeys.TABLE.find(key);
            try {
                if (key.startsWith(KAFKA_PREFIX)) {
                    b.kafka(key.substring(KAFKA_PREFIX.length()), value);
                } else if (ServiceKeys.ROUTE_ENDPOINTS.matches(key)) {
                    String hostSet = key.substring(EXCHANGE_PREFIX.length(), key.indexOf("." + ROUTE_PREFIX));
                    String route = key.substring(key.indexOf("." + ROUTE_PREFIX) + ROUTE_PREFIX.length() + 1,
                            key.length() - ENDPOINTS_SUFFIX.length());
                    b.routeEndpoints(hostSet, route, value);
                } else if (ServiceKeys.ENDPOINTS.matches(key)) {
                    b.exchange(key.substring(EXCHANGE_PREFIX.length(), key.length() - ENDPOINTS_SUFFIX.length()),
                            value);
                } else if (ServiceKeys.ROUTE_PROXY.matches(key)) {
                    b.routeProxy(key.substring(ROUTE_PREFIX.length(), key.length() - PROXY_SUFFIX.length()), value);
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

    /**
     * Endpoints per served host set (the engine's exchanges: {@code binance-spot}, {@code okx}, ...), in definition
     * order, with their direct URLs.
     */
    public Map<String, List<Endpoint>> endpointsByExchange() {
        return routes.endpointsByHostSet();
    }

    /** The served host sets. */
    public Set<String> exchanges() {
        return routes.endpointsByHostSet().keySet();
    }

    /** Where tasks go: their requests, routes and limit domains, by the served exchange definitions. */
    public ExchangeRoutes routes() {
        return routes;
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
        b.endpointSpecs.putAll(endpointSpecs);
        b.routeEndpointSpecs.putAll(routeEndpointSpecs);
        b.proxies.putAll(proxies);
        b.kafkaOverrides.putAll(kafkaOverrides);
        b.reliabilitySettings.putAll(reliabilitySettings);
        return b;
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
        /** Endpoint overrides by host set, as {@code name=url,...}. */
        private final Map<String, String> endpointSpecs = new LinkedHashMap<>();
        /** Per-route endpoint URLs, by {@code hostSet route}. */
        private final Map<String, String> routeEndpointSpecs = new LinkedHashMap<>();
        private final Map<String, String> proxies = new LinkedHashMap<>();
        private final Map<String, String> kafkaOverrides = new LinkedHashMap<>();
        private final Map<String, String> reliabilitySettings = new LinkedHashMap<>();

        private Builder() {
            this.values = ConfigValues.builder();
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

        /** The exchange definitions served; by default every definition known. */
        public Builder exchanges(List<String> names) {
            return set(ServiceKeys.EXCHANGES, names);
        }

        /** Exchange definition files applied over the shipped ones, in order. */
        public Builder definitionFiles(List<Path> files) {
            return set(ServiceKeys.EXCHANGE_DEFINITIONS, files.stream().map(Path::toString).toList());
        }

        /**
         * Replaces the endpoints of a served host set, given as {@code name=url[,name=url...]}, for example
         * {@code api=http://localhost:8081,api1=http://localhost:8082}; the names and URLs are checked here, that the
         * host set is served in {@link #build()}.
         */
        public Builder exchange(String hostSet, String endpointSpec) {
            String key = EXCHANGE_PREFIX + hostSet + ENDPOINTS_SUFFIX;
            String spec = ServiceKeys.ENDPOINTS.parse(key, endpointSpec);
            parseEndpoints(key, spec);
            endpointSpecs.put(hostSet, spec);
            return this;
        }

        /** The egress routes, by name; by default one, {@code direct}. */
        public Builder routes(List<String> names) {
            return set(ServiceKeys.ROUTES, names);
        }

        /** The HTTP proxy the calls of {@code route} go through; that the route is listed is checked in build(). */
        public Builder routeProxy(String route, String proxyUrl) {
            parseUrl(ROUTE_PREFIX + route + PROXY_SUFFIX, Objects.requireNonNull(proxyUrl, route));
            proxies.put(route, proxyUrl);
            return this;
        }

        /**
         * Base URLs of some endpoints of {@code hostSet} on {@code route}, as {@code name=url[,name=url...]}; that
         * the host set is served, the route listed and the endpoints are the host set's is checked in build().
         */
        public Builder routeEndpoints(String hostSet, String route, String endpointSpec) {
            parseEndpoints(EXCHANGE_PREFIX + hostSet + "." + ROUTE_PREFIX + route + ENDPOINTS_SUFFIX,
                    Objects.requireNonNull(endpointSpec, route));
            routeEndpointSpecs.put(hostSet + " " + route, endpointSpec);
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
            ConfigValues built = values.build();
            List<String> topics = List.of(ServiceKeys.TOPIC_TASKS, ServiceKeys.TOPIC_RESULTS, ServiceKeys.TOPIC_RETRY,
                    ServiceKeys.TOPIC_DLQ, ServiceKeys.TOPIC_EVENTS).stream().map(built::get).toList();
            if (new TreeSet<>(topics).size() != topics.size()) {
                throw new ConfigException("topic.*", topics, "the five topics must have distinct names");
            }
            checkBodyFitsTheProducer(built.get(ServiceKeys.EXECUTION_MAX_BODY_BYTES));
            ExchangeDefinitions definitions = ExchangeDefinitions.load(built.find(ServiceKeys.EXCHANGE_DEFINITIONS)
                    .orElse(List.of()).stream().map(Path::of).toList());
            List<String> served = built.find(ServiceKeys.EXCHANGES)
                    .orElse(List.copyOf(definitions.all().keySet()));
            for (String name : served) {
                if (!definitions.all().containsKey(name)) {
                    throw new ConfigException(EXCHANGES, String.join(",", served), "'" + name + "' has no exchange"
                            + " definition; defined: " + definitions.all().keySet()
                            + " (add one with " + EXCHANGE_DEFINITIONS + ")");
                }
            }
            Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
            for (String name : served) {
                definitions.get(name).hostSets().forEach((hostSet, hosts) -> {
                    String spec = endpointSpecs.get(hostSet);
                    List<Endpoint> list = new ArrayList<>();
                    if (spec == null) {
                        hosts.endpoints().forEach((endpoint, url) -> list.add(new Endpoint(hostSet, endpoint, url)));
                    } else {
                        parseEndpoints(EXCHANGE_PREFIX + hostSet + ENDPOINTS_SUFFIX, spec).forEach((endpoint, url) ->
                                list.add(new Endpoint(hostSet, endpoint, url)));
                    }
                    endpoints.put(hostSet, List.copyOf(list));
                });
            }
            for (String hostSet : endpointSpecs.keySet()) {
                if (!endpoints.containsKey(hostSet)) {
                    throw new ConfigException(EXCHANGE_PREFIX + hostSet + ENDPOINTS_SUFFIX, endpointSpecs.get(hostSet),
                            "'" + hostSet + "' is not a served host set; served: " + endpoints.keySet());
                }
            }
            ExchangeRoutes routes = new ExchangeRoutes(definitions, served, endpoints,
                    egressRoutes(built.get(ServiceKeys.ROUTES), endpoints));
            Map<String, String> settings = new LinkedHashMap<>(reliabilitySettings);
            endpoints.forEach((hostSet, list) -> settings.put(EXCHANGE_PREFIX + hostSet + ENDPOINTS_SUFFIX,
                    String.join(",", list.stream().map(Endpoint::name).toList())));
            // Names the bad key itself, with the value and what is allowed. Only the served host sets are configured
            // in the engine: a definition the service does not serve is not an exchange it knows.
            Map<String, String> hostSetByDomain = new LinkedHashMap<>();
            routes.domains().forEach(domain -> hostSetByDomain.put(domain.name(), domain.hostSet()));
            ReliabilityConfig reliability = ReliabilityConfig.fromMap(definitions, settings)
                    .servingOnly(endpoints.keySet()).withDomains(hostSetByDomain);
            checkEveryDomainCanBeBudgeted(routes, reliability);
            return new ServiceConfig(this, routes, reliability);
        }

        /**
         * A limit group's budgets and the limiter settings must fit together (a limit of 1 leaves nothing outside a
         * critical reserve of 10 %): refused here, naming the group and the keys, not when the first task arrives.
         */
        private static void checkEveryDomainCanBeBudgeted(ExchangeRoutes routes, ReliabilityConfig reliability) {
            for (ExchangeRoutes.Domain domain : routes.domains()) {
                try {
                    reliability.exchange(domain.hostSet()).limiterOf(new DomainId(domain.name()));
                } catch (IllegalArgumentException e) {
                    String exchange = domain.name().substring(0, domain.name().indexOf('.'));
                    throw new ConfigException("limitGroups." + domain.group().name() + " of exchange definition "
                            + exchange, domain.group().rules().stream().map(LimitRule::describe).toList(),
                            e.getMessage() + "; raise the group's limits (" + EXCHANGE_DEFINITIONS + ") or lower "
                                    + EXCHANGE_PREFIX + domain.hostSet() + ".limiter.critical.reserve");
                }
            }
        }

        private List<EgressRoute> egressRoutes(List<String> names, Map<String, List<Endpoint>> endpoints) {
            for (String route : proxies.keySet()) {
                if (!names.contains(route)) {
                    throw new ConfigException(ROUTE_PREFIX + route + PROXY_SUFFIX, proxies.get(route),
                            "'" + route + "' is not listed in '" + ROUTES + "' " + names);
                }
            }
            Map<String, Map<String, Map<String, URI>>> urlsByRoute = new LinkedHashMap<>();
            routeEndpointSpecs.forEach((hostSetAndRoute, spec) -> {
                String hostSet = hostSetAndRoute.substring(0, hostSetAndRoute.indexOf(' '));
                String route = hostSetAndRoute.substring(hostSetAndRoute.indexOf(' ') + 1);
                String key = EXCHANGE_PREFIX + hostSet + "." + ROUTE_PREFIX + route + ENDPOINTS_SUFFIX;
                if (!names.contains(route)) {
                    throw new ConfigException(key, spec, "'" + route + "' is not listed in '" + ROUTES + "' " + names);
                }
                List<Endpoint> hostSetEndpoints = endpoints.get(hostSet);
                if (hostSetEndpoints == null) {
                    throw new ConfigException(key, spec, "'" + hostSet + "' is not a served host set; served: "
                            + endpoints.keySet());
                }
                Map<String, URI> urls = parseEndpoints(key, spec);
                List<String> known = hostSetEndpoints.stream().map(Endpoint::name).toList();
                for (String endpoint : urls.keySet()) {
                    if (!known.contains(endpoint)) {
                        throw new ConfigException(key, spec, "'" + endpoint + "' is not an endpoint of " + hostSet
                                + " " + known);
                    }
                }
                urlsByRoute.computeIfAbsent(route, r -> new LinkedHashMap<>()).put(hostSet, urls);
            });
            List<EgressRoute> routes = new ArrayList<>();
            for (String name : names) {
                String proxy = proxies.get(name);
                routes.add(new EgressRoute(name, proxy == null ? null
                        : parseUrl(ROUTE_PREFIX + name + PROXY_SUFFIX, proxy), urlsByRoute.getOrDefault(name, Map.of())));
            }
            return routes;
        }

        private static Map<String, URI> parseEndpoints(String key, String endpointSpec) {
            Map<String, URI> urls = new LinkedHashMap<>();
            for (String item : endpointSpec.split(",")) {
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
                if (urls.put(name, parseUrl(key, url)) != null) {
                    throw new ConfigException(key, endpointSpec, "endpoint name '" + name + "' appears twice");
                }
            }
            if (urls.isEmpty()) {
                throw new ConfigException(key, endpointSpec, "at least one name=url");
            }
            return urls;
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
