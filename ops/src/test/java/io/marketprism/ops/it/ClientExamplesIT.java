package io.marketprism.ops.it;

import static io.marketprism.ops.exchange.SimulatedExchange.Mode.LENIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.ops.kafka.EmbeddedKafka;
import io.marketprism.topology.MarketPrismService;
import io.marketprism.topology.config.ServiceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Python and Node examples in {@code ops/examples}, run as child processes against a real broker, the service and
 * the simulated exchange, once per output format: each produces a JSON task, an Avro task and a task for an unknown
 * exchange, and must print a result for the first two and a dead letter for the third, decoded from the format the
 * service wrote. Without the interpreter or the packages the test is skipped, saying how to install them, except
 * under {@code CI=true}, where it fails.
 */
class ClientExamplesIT {

    private static final Path EXAMPLES = Path.of(System.getProperty("basedir", "."), "examples");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration EXAMPLE_TIMEOUT = Duration.ofSeconds(120);

    private static EmbeddedKafka kafka;
    private static SimulatedExchange exchange;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startBrokerAndExchange() throws IOException {
        kafka = EmbeddedKafka.builder().port(0).build().start();
        exchange = SimulatedExchange.builder().mode(LENIENT).port(0).seed(3).build().start();
    }

    @AfterAll
    static void stop() {
        exchange.close();
        kafka.close();
    }

    @ParameterizedTest(name = "output.format={0}")
    @ValueSource(strings = {"avro", "json"})
    void pythonExampleShouldReadItsResultsAndItsDeadLetter(String format) throws Exception {
        requireTool(PYTHON.toString() + " with confluent_kafka and avro",
                "apt-get install python3-confluent-kafka python3-avro",
                PYTHON.toString(), "-c", "import confluent_kafka, avro");
        ServiceConfig config = config("python-" + format, format);
        try (MarketPrismService service = MarketPrismService.withHttp(config)) {
            service.start();
            service.awaitRunning(Duration.ofSeconds(60));

            String printed = run(config, PYTHON.toString(), EXAMPLES.resolve("python/example.py").toString());

            assertOutcomes(printed, "py-", format);
        }
    }

    @ParameterizedTest(name = "output.format={0}")
    @ValueSource(strings = {"avro", "json"})
    void nodeExampleShouldReadItsResultsAndItsDeadLetter(String format) throws Exception {
        requireTool("node", "apt-get install nodejs npm", "node", "--version");
        requireTool("the example's node_modules", "cd ops/examples/node && npm ci",
                "node", "-e", "require('" + EXAMPLES.resolve("node/node_modules/kafkajs").toAbsolutePath()
                        + "'); require('" + EXAMPLES.resolve("node/node_modules/avsc").toAbsolutePath() + "')");
        ServiceConfig config = config("node-" + format, format);
        try (MarketPrismService service = MarketPrismService.withHttp(config)) {
            service.start();
            service.awaitRunning(Duration.ofSeconds(60));

            String printed = run(config, "node", EXAMPLES.resolve("node/example.js").toString());

            assertOutcomes(printed, "node-", format);
        }
    }

    private static void assertOutcomes(String printed, String idPrefix, String format) {
        String id = Pattern.quote(idPrefix) + "[0-9a-f]{8}";
        assertThat(printed).containsPattern("(?m)^result " + id + "-json okx TICKER BTC-USDT endpoint=okx/\\w+ "
                + "attempts=1 format=" + format + "$");
        assertThat(printed).containsPattern("(?m)^result " + id + "-avro binance ORDER_BOOK BTCUSDT "
                + "endpoint=binance-spot/\\w+ attempts=1 format=" + format + "$");
        assertThat(printed).containsPattern("(?m)^dead-letter " + id + "-bad reason=INVALID "
                + "detail=unknown exchange 'nasdaq'.* format=" + format + "$");
    }

    /** Its own topics and application id per run, so that runs on the one broker do not see each other's records. */
    private ServiceConfig config(String name, String format) {
        Properties props = new Properties();
        props.putAll(Workloads.generousSettings(exchange));
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("application.id", "examples-" + name);
        props.put("state.dir", stateDir.toString());
        props.put("topic.partitions", "2");
        props.put("http.port", "0");
        props.put("output.format", format);
        for (String topic : List.of("tasks", "results", "retry", "dlq", "events")) {
            props.put("topic." + topic, name + "." + topic);
        }
        return ServiceConfig.fromProperties(props);
    }

    private static String run(ServiceConfig config, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--bootstrap-servers", config.bootstrapServers(),
                "--tasks-topic", config.topics().tasks(), "--results-topic", config.topics().results(),
                "--dlq-topic", config.topics().deadLetters(), "--timeout", "60"));
        Path output = Files.createTempFile("marketprism-example-", ".log");
        try {
            Process process = new ProcessBuilder(args).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(EXAMPLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("%s did not finish within %s; it printed:%n%s", args, EXAMPLE_TIMEOUT, Files.readString(output));
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("exit code of %s; it printed:%n%s", args, printed).isZero();
            return printed;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Runs the probe; when it fails, fails under CI=true and skips otherwise, saying how to install the tool. */
    private static void requireTool(String what, String install, String... probe) throws InterruptedException {
        boolean available;
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            available = process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            available = false;
        }
        String message = what + " is not available; install it with: " + install;
        if (!available && "true".equals(System.getenv("CI"))) {
            fail(message + " (.ci/run does this)");
        }
        assumeTrue(available, message);
    }
}
