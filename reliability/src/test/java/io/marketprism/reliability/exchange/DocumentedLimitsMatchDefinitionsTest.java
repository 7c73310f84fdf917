package io.marketprism.reliability.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.exchange.DocumentedLimits.Limit;
import io.marketprism.reliability.exchange.DocumentedLimits.Signal;
import io.marketprism.reliability.exchange.DocumentedLimits.SignalKind;
import io.marketprism.reliability.exchange.DocumentedRequests.Request;
import io.marketprism.reliability.limiter.WindowMeasure;
import io.marketprism.reliability.retry.CallFailure;
import io.marketprism.reliability.retry.ErrorClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The limits, health paths and rate-limit signals the exchanges document ({@code documented-limits.tsv}, written from
 * the docs) against the shipped definitions: each documented limit a request consumes is a rule of the limit group
 * the definitions charge that request to, with the same amount, window and scope.
 */
class DocumentedLimitsMatchDefinitionsTest {

    private static final ExchangeDefinitions DEFINITIONS = ExchangeDefinitions.builtIn();
    private static final DocumentedRequests REQUESTS = DocumentedRequests.load();
    private static final DocumentedLimits LIMITS = DocumentedLimits.load();

    /** Limits where the definitions and the table disagree today, with what differs (reported to the lead). */
    private static final Map<String, List<String>> KNOWN_DISAGREEMENTS = Map.of();

    /**
     * Error codes the docs tie to a broken limit that the definitions do not class RATE_LIMITED, with the class
     * they give under HTTP 400 (the status an unknown code is worst off with).
     */
    private static final Map<String, ErrorClass> KNOWN_UNCLASSED_CODES = Map.of(
            // docs: systems are busy, not a client limit: the definition retries it as SERVER, which fits
            "okx 50013", ErrorClass.SERVER);

    static Stream<Arguments> consumedLimits() {
        Set<String> seen = new TreeSet<>();
        List<Arguments> limits = new ArrayList<>();
        for (Request request : REQUESTS.all()) {
            request.consumes().forEach((rule, cost) -> {
                if (cost > 0 && seen.add(request.venue() + " " + rule)) {
                    limits.add(Arguments.of(request.venue() + " " + rule,
                            LIMITS.limit(request.venue(), rule).orElseThrow()));
                }
            });
        }
        return limits.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("consumedLimits")
    void shouldBudgetEveryDocumentedLimitInTheGroupOfTheRequestsThatConsumeIt(String key, Limit limit) {
        assertThat(disagreements(limit)).as(key).isEqualTo(KNOWN_DISAGREEMENTS.getOrDefault(key, List.of()));
    }

    /** What differs between a documented limit and the groups the definitions charge its requests to. */
    private static List<String> disagreements(Limit limit) {
        ExchangeDefinition definition = DEFINITIONS.ofHostSet(limit.venue()).orElseThrow();
        Set<String> groups = new TreeSet<>();
        for (Request request : REQUESTS.all()) {
            Integer cost = request.consumes().get(limit.name());
            Market market = definition.markets().get(request.market());
            RequestSpec spec = market == null ? null : market.requests().get(request.dataType());
            if (request.venue().equals(limit.venue()) && cost != null && cost > 0 && spec != null
                    && market.hostSet().equals(limit.venue())) {
                groups.add(spec.limitGroup());
            }
        }
        List<String> found = new ArrayList<>();
        for (String name : groups) {
            LimitGroup group = definition.limitGroups().get(name);
            if (group.rules().stream().noneMatch(rule -> budgets(rule, limit))) {
                found.add("group " + name + " has no rule " + describe(limit) + "; it has "
                        + group.rules().stream().map(LimitRule::describe).toList());
            }
        }
        return found;
    }

    /**
     * Whether {@code rule} budgets {@code limit}: the same amount per the same window and scope, and the same clock
     * where the docs state it. A credit bucket (Deribit) is budgeted as requests: at most the bucket's burst and no
     * faster than its refill, at the documented cost of a request.
     */
    private static boolean budgets(LimitRule rule, Limit limit) {
        boolean perInstrument = limit.scope() == DocumentedLimits.Scope.IP_INSTRUMENT;
        if (limit.unit() == DocumentedLimits.Unit.CREDITS) {
            int cost = REQUESTS.all().stream().filter(r -> r.venue().equals(limit.venue()))
                    .map(r -> r.consumes().get(limit.name())).filter(c -> c != null && c > 0).findFirst()
                    .orElseThrow();
            double refillPerSecond = (double) limit.amount() / limit.window().toSeconds();
            return rule.measure() == WindowMeasure.REQUESTS && rule.limit() <= limit.amount() / cost
                    && rule.limit() * 1000.0 / rule.windowMillis() <= refillPerSecond / cost;
        }
        WindowMeasure measure = limit.unit() == DocumentedLimits.Unit.WEIGHT ? WindowMeasure.WEIGHT
                : WindowMeasure.REQUESTS;
        boolean clock = switch (limit.clock()) {
            case FIXED -> rule.fixedClock();
            case ROLLING -> !rule.fixedClock();
            default -> true;
        };
        return rule.measure() == measure && rule.limit() == limit.amount()
                && rule.windowMillis() == limit.window().toMillis() && rule.perInstrument() == perInstrument && clock;
    }

    private static String describe(Limit limit) {
        return limit.amount() + " " + limit.unit().name().toLowerCase() + " / " + Durations.format(
                limit.window().toMillis()) + " per " + limit.scope().name().toLowerCase().replace('_', '+');
    }

    @Test
    void shouldChargeEveryRuleOfAGroupToALimitTheDocsGiveItsRequests() {
        Set<String> invented = new TreeSet<>();
        for (ExchangeDefinition definition : DEFINITIONS.all().values()) {
            for (Market market : definition.markets().values()) {
                market.requests().values().forEach(spec -> REQUESTS.find(market.hostSet(), market.name(),
                        spec.dataType()).ifPresent(documented -> {
                            for (LimitRule rule : definition.limitGroups().get(spec.limitGroup()).rules()) {
                                boolean documentedRule = documented.consumes().entrySet().stream()
                                        .filter(e -> e.getValue() > 0)
                                        .map(e -> LIMITS.limit(market.hostSet(), e.getKey()).orElseThrow())
                                        .anyMatch(limit -> budgets(rule, limit));
                                if (!documentedRule) {
                                    invented.add(market.hostSet() + " " + spec.limitGroup() + ": "
                                            + rule.describe());
                                }
                            }
                        }));
            }
        }

        assertThat(invented).isEmpty();
    }

    @Test
    void shouldProbeEachHostSetOnItsDocumentedHealthPath() {
        for (String venue : DocumentedRequests.VENUES) {
            HostSet hostSet = DEFINITIONS.ofHostSet(venue).orElseThrow().hostSets().get(venue);

            assertThat(hostSet.healthPath()).as(venue).isEqualTo(LIMITS.health(venue).orElseThrow().path());
        }
    }

    @Test
    void shouldReadTheDocumentedUsedWeightHeaderOfEveryWeightLimit() {
        for (String venue : DocumentedRequests.VENUES) {
            ExchangeDefinition definition = DEFINITIONS.ofHostSet(venue).orElseThrow();
            for (Signal header : LIMITS.signals(venue)) {
                boolean weightHeader = header.kind() == SignalKind.HEADER && !header.rule().equals("*")
                        && LIMITS.limit(venue, header.rule()).orElseThrow().unit() == DocumentedLimits.Unit.WEIGHT;
                if (weightHeader) {
                    assertThat(definition.limitGroupsOf(venue)).as(venue + " " + header.name())
                            .filteredOn(g -> g.rules().stream().anyMatch(r -> r.measure() == WindowMeasure.WEIGHT))
                            .isNotEmpty()
                            .allSatisfy(g -> assertThat(g.usedWeightHeader()).isEqualTo(header.name()));
                }
            }
        }
    }

    @Test
    void shouldClassEveryDocumentedRateLimitSignalAsRateLimited() {
        Map<String, ErrorClass> unclassed = new TreeMap<>();
        for (String venue : DocumentedRequests.VENUES) {
            ErrorClassifier classifier = new ErrorClassifier(ExchangeProfile.of(
                    DEFINITIONS.ofHostSet(venue).orElseThrow(), venue).classification());
            for (Signal signal : LIMITS.signals(venue)) {
                ErrorClass errorClass = switch (signal.kind()) {
                    case STATUS -> classifier.classify(CallFailure.ofStatus(Integer.parseInt(signal.name())));
                    case CODE -> classifier.classify(CallFailure.ofExchangeError(400, signal.name(), signal.detail()));
                    case HEADER -> ErrorClass.RATE_LIMITED;
                };
                if (errorClass != ErrorClass.RATE_LIMITED) {
                    unclassed.put(venue + " " + signal.name(), errorClass);
                }
            }
        }

        assertThat(unclassed).isEqualTo(KNOWN_UNCLASSED_CODES);
    }
}
