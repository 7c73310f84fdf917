package io.marketprism.topology.config;

import static io.marketprism.reliability.config.ValueType.hostAndPort;
import static io.marketprism.reliability.config.ValueType.integer;
import static io.marketprism.reliability.config.ValueType.longInteger;
import static io.marketprism.reliability.config.ValueType.matching;
import static io.marketprism.reliability.config.ValueType.names;
import static io.marketprism.reliability.config.ValueType.oneOf;
import static io.marketprism.reliability.config.ValueType.path;
import static io.marketprism.reliability.config.ValueType.secret;
import static io.marketprism.reliability.config.ValueType.text;

import io.marketprism.reliability.config.ConfigKey;
import io.marketprism.reliability.config.ConfigTable;
import io.marketprism.reliability.config.ValueType;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.schemas.codec.OutputFormat;
import io.marketprism.topology.exchange.EgressRoute;
import java.nio.file.Path;
import java.util.List;

/**
 * The declaration of every key of the service itself, in the order of the README's configuration table: name, type
 * and allowed values, default, meaning. {@link ServiceConfig} parses and checks its values by these declarations
 * and reads its fields from them; the reliability keys follow from
 * {@link io.marketprism.reliability.config.ReliabilityConfig#table()}. A new key is one {@code define} line here
 * (above {@link #TABLE}) and an accessor in {@link ServiceConfig}.
 */
public final class ServiceKeys {

    /** The Kafka producer's default {@code max.request.size}: 1 MiB. */
    static final int PRODUCER_DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    /** Room a result record needs besides the body: ids, attempt history, headers. */
    static final int RESULT_OVERHEAD_BYTES = 64 * 1024;
    private static final String TOPIC = "topic name (1-249 of a-z A-Z 0-9 . _ -)";
    private static final String NAME = "[a-z0-9][a-z0-9_-]*";
    private static final ConfigTable.Builder DECLARE = ConfigTable.builder();

    public static final ConfigKey<String> BOOTSTRAP_SERVERS = DECLARE.define(ServiceConfig.BOOTSTRAP_SERVERS,
            text("host:port list"), "127.0.0.1:9092", "Kafka cluster");
    public static final ConfigKey<String> APPLICATION_ID = DECLARE.define(ServiceConfig.APPLICATION_ID,
            text("text"), "marketprism-reliability",
            "Kafka Streams application id; instances sharing it share the work");
    public static final ConfigKey<Path> STATE_DIR = DECLARE.define(ServiceConfig.STATE_DIR, path(),
            Path.of(System.getProperty("java.io.tmpdir"), "marketprism-streams"), "`<tmp>/marketprism-streams`",
            "where RocksDB state lives");
    public static final ConfigKey<String> TOPIC_TASKS = DECLARE.define(ServiceConfig.TOPIC_TASKS,
            topicName(), "collector.tasks", "input");
    public static final ConfigKey<String> TOPIC_RESULTS = DECLARE.define(ServiceConfig.TOPIC_RESULTS,
            topicName(), "collector.results", "results");
    public static final ConfigKey<String> TOPIC_RETRY = DECLARE.define(ServiceConfig.TOPIC_RETRY,
            topicName(), "collector.tasks.retry", "tasks waiting for another try");
    public static final ConfigKey<String> TOPIC_DLQ = DECLARE.define(ServiceConfig.TOPIC_DLQ,
            topicName(), "collector.tasks.dlq", "dead letters");
    public static final ConfigKey<String> TOPIC_EVENTS = DECLARE.define(ServiceConfig.TOPIC_EVENTS,
            topicName(), "reliability.events",
            "reliability events (breaker transitions, bans, sheds, give-ups) as JSON");
    public static final ConfigKey<Integer> TOPIC_PARTITIONS = DECLARE.define(ServiceConfig.TOPIC_PARTITIONS,
            integer(1, 10_000), 6, "partitions of topics the service creates, and of its repartition topic");
    public static final ConfigKey<Integer> TOPIC_REPLICATION_FACTOR = DECLARE.define(
            ServiceConfig.TOPIC_REPLICATION_FACTOR, integer(1, Short.MAX_VALUE).or(-1), -1,
            "replication of topics the service creates; -1 takes the broker's default");
    public static final ConfigKey<List<String>> EXCHANGE_DEFINITIONS = DECLARE.define(
            ServiceConfig.EXCHANGE_DEFINITIONS, names("[^,]+", "comma-separated JSON files"), null, "none",
            "exchange definition files that change shipped exchanges (merged key by key) or add new ones; see"
                    + " docs/exchanges.md");
    public static final ConfigKey<List<String>> EXCHANGES = DECLARE.define(ServiceConfig.EXCHANGES,
            names(NAME, "comma-separated exchange definition names"), null,
            "every definition (shipped: " + String.join(", ", ExchangeDefinitions.BUILT_IN) + ")",
            "exchanges served, each with all the host sets of its definition");
    public static final ConfigKey<String> ENDPOINTS = DECLARE.define(
            ServiceConfig.EXCHANGE_PREFIX + "<host set>" + ServiceConfig.ENDPOINTS_SUFFIX,
            text("name=url[,name=url...]"), null, "the definition's hosts",
            "endpoints of a served host set (`binance-spot`, `binance-usdm`, `okx`, ...), replacing its"
                    + " definition's: the names appear in metrics, state and attempt histories");
    public static final ConfigKey<List<String>> ROUTES = DECLARE.define(ServiceConfig.ROUTES,
            names(NAME, "comma-separated names of lower-case letters, digits, '-' and '_'"),
            List.of(EgressRoute.DIRECT), "egress routes: exchanges limit per IP, so each route has every exchange's"
                    + " full budgets and is a limit domain of its own; tasks spread over routes by symbol");
    public static final ConfigKey<String> ROUTE_PROXY = DECLARE.define(
            ServiceConfig.ROUTE_PREFIX + "<route>" + ServiceConfig.PROXY_SUFFIX, text("http://host:port"), null,
            "none: a direct connection", "HTTP proxy the route's calls go through");
    public static final ConfigKey<String> ROUTE_ENDPOINTS = DECLARE.define(
            ServiceConfig.EXCHANGE_PREFIX + "<host set>." + ServiceConfig.ROUTE_PREFIX + "<route>"
                    + ServiceConfig.ENDPOINTS_SUFFIX, text("name=url[,name=url...]"), null,
            "the endpoints' own URLs", "base URLs of some endpoints of a host set as seen on one route (a mock or"
                    + " the simulator, where a route is a URL)");
    public static final ConfigKey<Long> EXECUTION_TIMEOUT_MS = DECLARE.define(ServiceConfig.EXECUTION_TIMEOUT_MS,
            longInteger(1, 120_000), 5_000L, "per-call timeout (connect and response)");
    public static final ConfigKey<Integer> EXECUTION_MAX_IN_FLIGHT = DECLARE.define(
            ServiceConfig.EXECUTION_MAX_IN_FLIGHT, integer(1, 10_000), 32,
            "call slots per endpoint on each egress route: a task is dispatched only to an endpoint with a free"
                    + " slot; beyond them tasks wait in the durable priority queue");
    public static final ConfigKey<Long> EXECUTION_TICK_MS = DECLARE.define(ServiceConfig.EXECUTION_TICK_MS,
            longInteger(1, 1_000), 10L,
            "how often finished calls are handed back, held tasks released and queues drained");
    public static final ConfigKey<Integer> EXECUTION_MAX_BODY_BYTES = DECLARE.define(
            ServiceConfig.EXECUTION_MAX_BODY_BYTES, integer(1024, 64 * 1024 * 1024),
            PRODUCER_DEFAULT_MAX_REQUEST_BYTES - RESULT_OVERHEAD_BYTES,
            "largest response body read; a larger 2xx body makes the task a dead letter `RESULT_TOO_LARGE`; at most"
                    + " the producer's `max.request.size` less 64 KiB");
    public static final ConfigKey<Long> DEDUPE_WINDOW_MS = DECLARE.define(ServiceConfig.DEDUPE_WINDOW_MS,
            longInteger(1_000, 7L * 24 * 3600 * 1000), 3_600_000L,
            "how long finished task ids are remembered: a task sent again within it is not called again");
    public static final ConfigKey<OutputFormat> OUTPUT_FORMAT = DECLARE.define(ServiceConfig.OUTPUT_FORMAT,
            oneOf(OutputFormat.class), OutputFormat.AVRO,
            "how results, retries and dead letters are written: Avro single-object encoding, or JSON text (readable"
                    + " with kcat); readers tell the two apart per record");
    public static final ConfigKey<String> HTTP_HOST = DECLARE.define(ServiceConfig.HTTP_HOST,
            text("host or IP"), "127.0.0.1",
            "address of the metrics, health and admin server; `0.0.0.0` in containers");
    public static final ConfigKey<Integer> HTTP_PORT = DECLARE.define(ServiceConfig.HTTP_PORT,
            integer(0, 65_535), 8080, "its port; 0 takes a free one");
    public static final ConfigKey<String> ADMIN_TOKEN = DECLARE.define(ServiceConfig.ADMIN_TOKEN, secret(16), null,
            "bearer token for admin write calls; unset refuses them all");
    public static final ConfigKey<String> APPLICATION_SERVER = DECLARE.define(ServiceConfig.APPLICATION_SERVER,
            hostAndPort(), null, "`http.host:` bound port; bound to `0.0.0.0`, this machine's address",
            "address other instances reach this one at (interactive queries); unique per instance");
    public static final ConfigKey<String> KAFKA = DECLARE.define(ServiceConfig.KAFKA_PREFIX + "<property>",
            ValueType.of("any Kafka client property", value -> value, value -> value), null, "the client's",
            "passed to every Kafka client, e.g. `kafka.security.protocol=SASL_SSL`, `kafka.num.stream.threads=2`,"
                    + " `kafka.num.standby.replicas=1`");

    /** The service's own keys; {@link ServiceConfig#table()} appends the reliability keys. */
    public static final ConfigTable TABLE = DECLARE.build();

    private ServiceKeys() {
    }

    private static ValueType<String> topicName() {
        return matching("[a-zA-Z0-9._-]{1,249}", TOPIC);
    }
}
