package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.FaultProfile;
import io.marketprism.ops.exchange.SimulatedExchange;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.topology.exchange.EgressRoute;
import io.marketprism.schemas.DeadLetter;
import io.marketprism.schemas.codec.AvroCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.IsolationLevel;

/**
 * Scenario 7: a steady flow of tasks with deadlines against the strict simulator failing 30 % of calls with 5xx and
 * more with connection resets, hangs past the call timeout, 429s (with Retry-After where the venue sends one) and the
 * bans they lead to (Binance's 418), each in the venue's own shape; meanwhile one endpoint goes down (every connection
 * reset), comes back, then a whole exchange goes down and comes back. Every
 * task's deadline leaves room for the outages, so all of them should end in a result. Figures: that share, how long
 * market-data calls kept reaching the dead endpoint and exchange, how long they took to come back.
 */
public final class UpstreamChaos implements Scenario {

    /** The venue (host set) that goes down whole, and one host of Binance spot that goes down alone. */
    private static final String DOWN_EXCHANGE = "okx";
    private static final String DOWN_ENDPOINT_VENUE = "binance-spot";
    private static final String DOWN_ENDPOINT = "api1";
    private static final int TASKS_PER_SECOND = 100;
    /**
     * Calls already on the wire when the first 418 of a ban arrives may still reach the exchange: within 300 ms on a
     * quiet machine (FaultyExchangeIT), later when two instances and the broker share two busy cores.
     */
    private static final Duration BAN_GRACE = Duration.ofSeconds(1);
    private static final Duration QUIET_MACHINE_BAN_GRACE = Duration.ofMillis(300);
    private static final double SLA_TARGET = 0.999;
    /** How the failed check of the result share begins. */
    public static final String SLA_CHECK = "result share";
    private static final String RETURN_CHECK = "traffic to the recovered";
    private static final Duration LEAVE_TARGET = Duration.ofSeconds(5);
    private static final Duration RETURN_TARGET = Duration.ofSeconds(30);

    /** The faults of the whole run, on every endpoint that is not down. */
    static FaultProfile background() {
        return FaultProfile.builder()
                .errorRate(0.30)
                .connectionResetRate(0.03)
                .timeoutRate(0.02)
                .hangLimit(Duration.ofSeconds(3))
                .rateLimitRate(0.03)
                .retryAfterSeconds(1)
                .banAfter429s(10)
                .banDuration(Duration.ofSeconds(3))
                .fixedLatency(Duration.ofMillis(2))
                .randomLatencyUpTo(Duration.ofMillis(20))
                .build();
    }

    private static FaultProfile down() {
        return FaultProfile.builder().connectionResetRate(1.0).build();
    }

    @Override
    public String name() {
        return "upstream";
    }

    @Override
    public String title() {
        return "30 % 5xx, resets, hangs, 429 Retry-After, 418 bans; one endpoint, then one exchange down for "
                + "a while; deadlines allow the retries";
    }

    @Override
    public ScenarioReport run(ChaosRun run) throws Exception {
        Duration outage = Duration.ofSeconds(run.scale().pick(60, 8));
        Duration lead = Duration.ofSeconds(run.scale().pick(20, 6));
        Duration flow = lead.plus(outage).plus(lead).plus(outage).plus(lead);
        Duration deadline = outage.multipliedBy(3);
        SimulatedExchange exchange = run.stack().exchange();
        exchange.setFaults(background());
        run.fault("on every endpoint of the strict simulator: 30 % 5xx, 3 % resets, 2 % hangs of 3 s (call timeout "
                + "1 s), 3 % 429 (Binance with Retry-After 1 s), a 3 s ban of the route after 10 429s (Binance 418, "
                + "OKX and Deribit 429), latency 2-22 ms");
        run.startInstances(2, run.settings(Map.of("execution.timeout.ms", "1000")));

        TaskFeed feed = run.feed();
        int tasks = (int) (flow.toSeconds() * TASKS_PER_SECOND);
        CompletableFuture<?> producing = CompletableFuture.runAsync(() -> feed.produceTasks(tasks,
                Duration.ofSeconds(1).dividedBy(TASKS_PER_SECOND),
                task -> task.setDeadline(Instant.now().plus(deadline))));
        run.log("producing " + tasks + " tasks over " + flow.toSeconds() + " s, each with a deadline "
                + deadline.toSeconds() + " s after its creation");

        List<String> endpoint = List.of(servedId(DOWN_ENDPOINT_VENUE, DOWN_ENDPOINT));
        Set<String> exchangeHosts = ExchangeDefinitions.builtIn().all().get(DOWN_EXCHANGE).hostSets()
                .get(DOWN_EXCHANGE).endpoints().keySet();
        List<String> wholeExchange = exchangeHosts.stream().map(host -> servedId(DOWN_EXCHANGE, host)).toList();
        hold(lead);
        Instant endpointDown = Instant.now();
        exchange.setFaults(DOWN_ENDPOINT_VENUE, DOWN_ENDPOINT, down());
        run.fault(DOWN_ENDPOINT_VENUE + "/" + DOWN_ENDPOINT + " down (every connection reset) for "
                + outage.toSeconds() + " s");
        hold(outage);
        Instant endpointUp = Instant.now();
        exchange.clearFaults(DOWN_ENDPOINT_VENUE, DOWN_ENDPOINT);
        run.fault(DOWN_ENDPOINT_VENUE + "/" + DOWN_ENDPOINT + " back");
        hold(lead);
        Instant exchangeDown = Instant.now();
        exchangeHosts.forEach(host -> exchange.setFaults(DOWN_EXCHANGE, host, down()));
        run.fault(DOWN_EXCHANGE + " down (all " + exchangeHosts.size() + " endpoints) for " + outage.toSeconds()
                + " s");
        hold(outage);
        Instant exchangeUp = Instant.now();
        exchangeHosts.forEach(host -> exchange.clearFaults(DOWN_EXCHANGE, host));
        run.fault(DOWN_EXCHANGE + " back");
        producing.get();

        Verdict verdict = run.verify(deadline.plus(Duration.ofMinutes(2)));
        ExchangeTraffic traffic = new ExchangeTraffic(exchange.requests());
        Instant end = Instant.now();
        figures(run, "endpoint", traffic.timeToLeave(endpoint, endpointDown, endpointUp),
                traffic.timeToReturn(endpoint, endpointDown, endpointUp, end));
        figures(run, "exchange", traffic.timeToLeave(wholeExchange, exchangeDown, exchangeUp),
                traffic.timeToReturn(wholeExchange, exchangeDown, exchangeUp, end));
        run.figure("result share", String.format(Locale.ROOT, "%.3f %% (target >= %.1f %%)",
                verdict.resultShare() * 100, SLA_TARGET * 100));
        if (verdict.resultShare() < SLA_TARGET) {
            run.fail(String.format(Locale.ROOT, "%s %.3f %% below %.1f %%; dead letters %s", SLA_CHECK,
                    verdict.resultShare() * 100, SLA_TARGET * 100, verdict.deadLetters()));
        }
        run.figure("dead letters by exchange and reason", deadLettersByExchange(run));
        List<String> banned = traffic.callsWhileBanned(BAN_GRACE);
        run.figure("calls to a banned route more than 0.3 s / 1 s after its ban was announced",
                traffic.callsWhileBanned(QUIET_MACHINE_BAN_GRACE).size() + " / " + banned.size());
        if (!banned.isEmpty()) {
            run.fail(banned.size() + " calls reached a route more than 1 s after its ban was announced, e.g. "
                    + banned.get(0));
        }
        if (exchange.requests().stream().noneMatch(r -> r.banned())) {
            run.fail("no ban happened: the scenario did not test bans");
        }
        return run.report(Expectation.EXACTLY_ONCE, verdict);
    }

    /** How many dead letters each exchange had of each reason, with the first one's detail. */
    private static String deadLettersByExchange(ChaosRun run) {
        Map<String, Long> counts = new TreeMap<>();
        Map<String, String> details = new TreeMap<>();
        KafkaChecks.forEach(run.stack().bootstrap(), ChaosStack.DEAD_LETTERS, IsolationLevel.READ_COMMITTED, r -> {
            DeadLetter letter = AvroCodec.deadLetters().decode(r.value());
            String key = (letter.getTask() == null ? "?" : letter.getTask().getExchange()) + " " + letter.getReason();
            counts.merge(key, 1L, Long::sum);
            details.putIfAbsent(key, letter.getDetail() + " (attempts: " + (letter.getTask() == null ? 0
                    : letter.getTask().getAttempts().size()) + ")");
        });
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " (e.g. '"
                + details.get(e.getKey()) + "')").collect(Collectors.joining("; "));
    }

    private static void figures(ChaosRun run, String what, Optional<Duration> leave, Optional<Duration> back) {
        run.figure("traffic left the dead " + what + " after", leave.map(ChaosRun::seconds).orElse("never"));
        run.figure("traffic back on the " + what + " after", back.map(ChaosRun::seconds).orElse("never"));
        if (leave.isEmpty() || leave.get().compareTo(LEAVE_TARGET) > 0) {
            run.fail("traffic to the dead " + what + " did not stop within " + ChaosRun.seconds(LEAVE_TARGET));
        }
        if (back.isEmpty() || back.get().compareTo(RETURN_TARGET) > 0) {
            run.fail(RETURN_CHECK + " " + what + " did not return within " + ChaosRun.seconds(RETURN_TARGET));
        }
    }

    /** How the simulator records the service's calls to one host of a venue, on the service's default route. */
    private static String servedId(String venue, String host) {
        return SimulatedExchange.strictEndpointId(venue, EgressRoute.DIRECT, host);
    }

    /** Lets the scenario's timeline run on: an outage lasts this long. */
    private static void hold(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}
