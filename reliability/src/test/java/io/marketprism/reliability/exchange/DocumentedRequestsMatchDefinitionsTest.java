package io.marketprism.reliability.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.exchange.DocumentedRequests.OptionalParam;
import io.marketprism.reliability.exchange.DocumentedRequests.Request;
import io.marketprism.reliability.exchange.DocumentedRequests.RequiredParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request the exchanges document ({@code documented-requests.tsv}, written from the docs) is built from the
 * shipped definitions with the documented example instrument and compared: host set and host, path, each required
 * parameter and its value, no parameter the docs do not list, and the Binance request weight.
 */
class DocumentedRequestsMatchDefinitionsTest {

    private static final ExchangeDefinitions DEFINITIONS = ExchangeDefinitions.builtIn();
    private static final DocumentedRequests DOCUMENTED = DocumentedRequests.load();
    /** What a task gives for a required parameter whose value the caller chooses freely (a time range). */
    private static final String CALLER_VALUE = "1700000000000";

    /**
     * The rows where the definitions and the docs' table disagree today, with what differs; each is reported to the
     * lead with the side the docs support. Every other row must agree, and these must differ exactly so: once a side
     * is fixed, its entry goes.
     */
    private static final Map<String, List<String>> KNOWN_DISAGREEMENTS = Map.ofEntries(
            // docs: COIN-M long/short ratio is keyed by pair (BTCUSD); the definition sends the task's instrument
            // (BTCUSD_PERP, as the other coin-perp requests name it) unchanged as pair
            Map.entry("binance-coinm, coin-perp, LONG_SHORT_RATIO",
                    List.of("pair=BTCUSD_PERP, documented {pair} = BTCUSD")),
            // docs: OKX options have books, trades, ticker, candles and open interest (instType=OPTION with
            // instFamily); the definition has no option market
            Map.entry("okx, option, ORDER_BOOK", List.of("okx has no market option")),
            Map.entry("okx, option, TRADES", List.of("okx has no market option")),
            Map.entry("okx, option, TICKER", List.of("okx has no market option")),
            Map.entry("okx, option, KLINES", List.of("okx has no market option")),
            Map.entry("okx, option, OPEN_INTEREST", List.of("okx has no market option")),
            // the table documents the funding over a period; the definition reads the current rate from the ticker
            // (current_funding, funding_8h), as issue 10 asks: both are documented, the table's row is the one to
            // change
            Map.entry("deribit, perp, FUNDING_RATE", List.of(
                    "path /api/v2/public/ticker, documented /api/v2/public/get_funding_rate_value",
                    "start_timestamp is required by the docs, but a task without it is sent",
                    "end_timestamp is required by the docs, but a task without it is sent")),
            // the table documents the settled-rate history; the definition reads the current fundingRate of the
            // linear ticker, like Binance's premiumIndex and OKX's funding-rate: the table's row is the one to change
            Map.entry("bybit, perp, FUNDING_RATE",
                    List.of("path /v5/market/tickers, documented /v5/market/funding/history")));

    /**
     * Markets the definitions serve that the table has no rows for: Binance's delivery futures, on the same hosts
     * and paths as the perpetuals of their margin, and Deribit's spot pairs (e.g. BTC_USDC), on the same methods as
     * its derivatives; tasks that name no market are spot tasks.
     */
    private static final Set<String> UNDOCUMENTED_MARKETS = Set.of("binance-usdm futures",
            "binance-coinm coin-futures", "deribit spot");

    static Stream<Arguments> documentedRequests() {
        return DOCUMENTED.all().stream().map(request -> Arguments.of(request.key(), request));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedRequests")
    void shouldBuildTheDocumentedRequestFromTheDefinitions(String key, Request documented) {
        assertThat(disagreements(documented)).as(key).isEqualTo(KNOWN_DISAGREEMENTS.getOrDefault(key, List.of()));
    }

    @Test
    void shouldDocumentEveryRequestTheDefinitionsBuild() {
        List<String> undocumented = new ArrayList<>();
        Set<String> undocumentedMarkets = new TreeSet<>();
        for (ExchangeDefinition definition : DEFINITIONS.all().values()) {
            for (Market market : definition.markets().values()) {
                for (String dataType : market.requests().keySet()) {
                    if (DOCUMENTED.find(market.hostSet(), market.name(), dataType).isEmpty()) {
                        undocumented.add(market.hostSet() + ", " + market.name() + ", " + dataType);
                        undocumentedMarkets.add(market.hostSet() + " " + market.name());
                    }
                }
            }
        }

        assertThat(undocumentedMarkets).as(undocumented.toString()).isEqualTo(UNDOCUMENTED_MARKETS);
    }

    /** What differs between the request the definitions build and the documented one; empty when they agree. */
    static List<String> disagreements(Request documented) {
        List<String> found = new ArrayList<>();
        Optional<ExchangeDefinition> owner = DEFINITIONS.ofHostSet(documented.venue());
        if (owner.isEmpty()) {
            return List.of("no definition has host set " + documented.venue());
        }
        ExchangeDefinition definition = owner.get();
        Market market = definition.markets().get(documented.market());
        if (market == null) {
            return List.of(definition.name() + " has no market " + documented.market());
        }
        if (!market.hostSet().equals(documented.venue())) {
            return List.of("market " + market.name() + " is served by " + market.hostSet());
        }
        RequestSpec spec = market.requests().get(documented.dataType());
        if (spec == null) {
            return List.of(definition.name() + " " + market.name() + " has no " + documented.dataType());
        }
        HostSet hosts = definition.hostSets().get(market.hostSet());
        if (!hosts.endpoints().containsValue(documented.host())) {
            found.add("host " + documented.host() + " is not among " + hosts.endpoints().values());
        }
        Map<String, String> params = new TreeMap<>();
        documented.required().stream().filter(p -> !p.carriesInstrument() && p.values().isEmpty())
                .forEach(p -> params.put(p.name(), CALLER_VALUE));
        ExchangeRequest built;
        try {
            built = definition.request(market.name(), documented.dataType(), documented.exampleSymbol(), params);
        } catch (IllegalArgumentException e) {
            found.add("cannot be built: " + e.getMessage());
            return found;
        }
        if (!built.hostSet().equals(documented.venue())) {
            found.add("sent to host set " + built.hostSet());
        }
        if (!built.path().equals(documented.path())) {
            found.add("path " + built.path() + ", documented " + documented.path());
        }
        for (RequiredParam param : documented.required()) {
            found.addAll(requiredDisagreements(param, spec, built, documented.exampleSymbol()));
        }
        Set<String> required = Set.copyOf(documented.requiredNames());
        built.query().forEach((name, value) -> {
            Optional<OptionalParam> optional = documented.optional().stream().filter(p -> p.name().equals(name))
                    .findFirst();
            if (!required.contains(name) && optional.isEmpty()) {
                found.add("sends " + name + "=" + value + ", which the docs do not list");
            } else if (optional.isPresent() && !optional.get().allows(value)) {
                found.add("sends " + name + "=" + value + ", documented values " + optional.get().values());
            }
        });
        Integer weight = documented.consumes().get("REQUEST_WEIGHT");
        if (weight != null && weight > 0) {
            int defined = ExchangeProfile.of(definition, market.hostSet()).weightOf(documented.dataType(),
                    built.query());
            if (defined != weight) {
                found.add("weighs " + defined + ", documented " + weight);
            }
        }
        return found;
    }

    private static List<String> requiredDisagreements(RequiredParam param, RequestSpec spec, ExchangeRequest built,
                                                      String exampleSymbol) {
        String value = built.query().get(param.name());
        if (value == null) {
            return List.of("required parameter " + param.name() + " is not sent");
        }
        if (param.carriesInstrument()) {
            String expected = instrumentPart(param.placeholder(), exampleSymbol);
            return value.equals(expected) ? List.of()
                    : List.of(param.name() + "=" + value + ", documented {" + param.placeholder() + "} = " + expected);
        }
        if (!param.allows(value)) {
            return List.of(param.name() + "=" + value + ", documented values " + param.values());
        }
        if (param.values().isEmpty() && !spec.required().contains(param.name())) {
            return List.of(param.name() + " is required by the docs, but a task without it is sent");
        }
        return List.of();
    }

    /** The part of an instrument a placeholder stands for, as the table's header defines them. */
    private static String instrumentPart(String placeholder, String symbol) {
        return switch (placeholder) {
            case "pair" -> symbol.contains("_") ? symbol.substring(0, symbol.indexOf('_')) : symbol;
            case "family" -> String.join("-", List.of(symbol.split("-")).subList(0, 2));
            default -> symbol;
        };
    }

    @Test
    void shouldFindADisagreementWhereTheDefinitionsDifferFromTheDocs() {
        Request documented = DOCUMENTED.find("okx", "perp", "OPEN_INTEREST").orElseThrow();
        Request otherPath = new Request(documented.venue(), documented.market(), documented.dataType(),
                documented.host(), documented.method(), "/api/v5/public/open-interest-history",
                documented.required(), documented.optional(), documented.exampleSymbol(), documented.consumes(),
                documented.costRule(), documented.source());
        Request otherType = new Request(documented.venue(), documented.market(), documented.dataType(),
                documented.host(), documented.method(), documented.path(),
                List.of(new RequiredParam("instType", null, List.of("FUTURES")),
                        new RequiredParam("instId", "symbol", List.of())),
                documented.optional(), documented.exampleSymbol(), documented.consumes(), documented.costRule(),
                documented.source());

        assertThat(disagreements(documented)).isEmpty();
        assertThat(disagreements(otherPath)).containsExactly("path /api/v5/public/open-interest, documented"
                + " /api/v5/public/open-interest-history");
        assertThat(disagreements(otherType)).containsExactly("instType=SWAP, documented values [FUTURES]");
    }
}
