package io.marketprism.reliability.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.limiter.WindowMeasure;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DefinitionReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Two host sets, a group each, a market "margin" like "spot": every reference the reader checks. */
    private static final String VALID = """
            {"exchange": "acme", "doc": "https://acme.test/docs",
             "hostSets": {
               "acme-spot": {"endpoints": {"api": "https://api.acme.test", "api2": "https://api2.acme.test/"},
                             "health": "/ping"},
               "acme-perp": {"endpoints": {"fapi": "https://fapi.acme.test"}, "health": "/fping"}},
             "limitGroups": {
               "spot": {"hostSet": "acme-spot", "usedWeightHeader": "X-USED-1M", "rules": [
                   {"measure": "weight", "limit": 100, "window": "1m", "clock": "fixed"},
                   {"measure": "requests", "limit": 1000, "window": "5m", "clock": "fixed", "scope": "ip"}]},
               "perp": {"hostSet": "acme-perp", "rules": [
                   {"measure": "requests", "limit": 10, "window": "2s", "clock": "rolling",
                    "scope": "ip+instrument"}]}},
             "markets": {
               "spot": {"hostSet": "acme-spot", "symbolParam": "symbol", "limitGroup": "spot", "requests": {
                   "TRADES": {"path": "/trades", "weight": "2"},
                   "ORDER_BOOK": {"path": "/depth", "weight": "limit:100=1,*=5", "defaults": {"limit": "100"}}}},
               "margin": {"like": "spot", "requests": {"ORDER_BOOK": null}},
               "perp": {"hostSet": "acme-perp", "symbolParam": "symbol", "limitGroup": "perp", "requests": {
                   "TRADES": {"path": "/p/trades", "fixed": {"category": "linear"}, "required": ["category"]}}}},
             "errors": {"codeField": "/code", "successCodes": ["0"], "codes": {"-1003": "RATE_LIMITED"},
                        "statuses": {"403": "RATE_LIMITED"}}}
            """;

    @Test
    void shouldReadEveryPartOfAValidDefinition() {
        ExchangeDefinition acme = read(tree());

        assertThat(acme.name()).isEqualTo("acme");
        assertThat(acme.hostSets().get("acme-spot").endpoints()).containsOnlyKeys("api", "api2");
        assertThat(acme.hostSets().get("acme-spot").endpoints().get("api2")).hasToString("https://api2.acme.test");
        assertThat(acme.limitGroupsOf("acme-spot")).extracting(LimitGroup::name).containsExactly("spot");
        assertThat(acme.limitGroups().get("spot").rules()).containsExactly(
                new LimitRule(WindowMeasure.WEIGHT, 100, 60_000, true, false, ""),
                new LimitRule(WindowMeasure.REQUESTS, 1000, 300_000, true, false, ""));
        assertThat(acme.limitGroups().get("perp").rules().get(0).perInstrument()).isTrue();
        assertThat(acme.markets().get("margin").requests()).containsOnlyKeys("TRADES");
        assertThat(acme.markets().get("margin").hostSet()).isEqualTo("acme-spot");
        assertThat(acme.weightsOf("acme-spot")).containsExactly(Map.entry("ORDER_BOOK", "limit:100=1,*=5"),
                Map.entry("TRADES", "2"));
        assertThat(acme.weightsOf("acme-perp")).containsExactly(Map.entry("TRADES", "1"));
        assertThat(acme.errors().codes()).containsExactly(Map.entry("-1003", ErrorClass.RATE_LIMITED));
        assertThat(acme.errors().statuses()).containsExactly(Map.entry(403, ErrorClass.RATE_LIMITED));
    }

    static Stream<Arguments> badDefinitions() {
        return Stream.of(
                // key, JSON value (null: the key is removed), what the message says after "test.json: "
                bad("fee", "1", "fee = 1: not a key here; keys: [doc, errors, exchange, hostSets, limitGroups,"
                        + " markets]"),
                bad("limitGroups.spot.rules[0].burst", "5", "limitGroups.spot.rules[0].burst = 5: not a key here;"
                        + " keys: [clock, doc, limit, measure, scope, window]"),
                bad("markets.spot.requests.TRADES.params", "{}", "markets.spot.requests.TRADES.params = {}: not a key"
                        + " here; keys: [defaults, doc, fixed, limitGroup, path, required, symbolParam, weight]"),
                bad("exchange", "\"Acme\"", "exchange = Acme: a name of lower-case letters, digits, '-' and '_',"
                        + " starting with a letter or digit"),
                bad("hostSets.acme-spot.endpoints.api", "\"ftp://api.acme.test\"", "hostSets.acme-spot.endpoints.api"
                        + " = ftp://api.acme.test: an absolute http or https URL without query"),
                bad("hostSets.acme-spot.endpoints.api", "\"api.acme.test\"", "hostSets.acme-spot.endpoints.api"
                        + " = api.acme.test: an absolute http or https URL without query"),
                bad("hostSets.acme-spot.endpoints.api", "\"https://api.acme.test?key=1\"",
                        "hostSets.acme-spot.endpoints.api = https://api.acme.test?key=1: an absolute http or https"
                                + " URL without query"),
                bad("hostSets.acme-spot.endpoints.api", "\"https://api acme\"", "hostSets.acme-spot.endpoints.api"
                        + " = https://api acme: an absolute http or https URL (Illegal character in authority"),
                bad("hostSets.acme-spot.endpoints", "{}", "hostSets.acme-spot.endpoints = {}: at least one endpoint,"
                        + " name: URL"),
                bad("hostSets.acme-spot.health", null, "hostSets.acme-spot.health: required"),
                bad("hostSets.acme-spot.health", "\"ping\"", "hostSets.acme-spot.health = ping: a path starting"
                        + " with '/', without query or spaces"),
                bad("hostSets.acme-spot.healthGroup", "\"perp\"", "hostSets.acme-spot.healthGroup = perp: a limit"
                        + " group of host set acme-spot"),
                bad("hostSets.acme-spot.healthWeight", "2", "hostSets.acme-spot.healthWeight = 2: nothing without a"
                        + " healthGroup the weight is charged to"),
                bad("limitGroups.spot.rules[0].window", "\"1 minute\"", "limitGroups.spot.rules[0].window = 1 minute:"
                        + " a positive number followed by ms, s, m, h or d, e.g. 2s or 1m"),
                bad("limitGroups.spot.rules[0].window", "\"0s\"", "limitGroups.spot.rules[0].window = 0s: a positive"
                        + " number followed by ms, s, m, h or d, e.g. 2s or 1m"),
                bad("limitGroups.spot.rules[0].window", "\"8d\"", "limitGroups.spot.rules[0].window = 8d: at most 7d"),
                bad("limitGroups.spot.rules[0].limit", "1.5", "limitGroups.spot.rules[0].limit = 1.5: a whole number"
                        + " from 1 to 10^12"),
                bad("limitGroups.spot.rules[0].measure", "\"credits\"", "limitGroups.spot.rules[0].measure = credits:"
                        + " one of [requests, weight]"),
                bad("limitGroups.spot.rules[0].clock", null, "limitGroups.spot.rules[0].clock: required"),
                bad("limitGroups.spot.rules[0].scope", "\"instrument\"", "limitGroups.spot.rules[0].scope ="
                        + " instrument: one of [ip, ip+instrument]"),
                bad("limitGroups.spot.rules[1].scope", "\"ip+instrument\"", "limitGroups.spot.rules[1].scope ="
                        + " ip+instrument: the scope of the group's other rules, ip (a request consumes one group,"
                        + " whose rules share one scope)"),
                bad("limitGroups.spot.rules", "[]", "limitGroups.spot.rules = []: an array of 1 to 8 rules"),
                bad("limitGroups.spot.hostSet", "\"acme-swap\"", "limitGroups.spot.hostSet = acme-swap: one of"
                        + " [acme-perp, acme-spot]"),
                bad("limitGroups.perp.usedWeightHeader", "\"X-USED\"", "limitGroups.perp.usedWeightHeader = X-USED:"
                        + " a group with a weight rule, whose usage the header tells"),
                bad("markets.spot.hostSet", "\"acme-swap\"", "markets.spot.hostSet = acme-swap: one of [acme-perp,"
                        + " acme-spot]"),
                bad("markets.spot.requests.TRADES.limitGroup", "\"futures\"", "markets.spot.requests.TRADES.limitGroup"
                        + " = futures: one of [perp, spot]"),
                bad("markets.spot.requests.TRADES.limitGroup", "\"perp\"", "markets.spot.requests.TRADES.limitGroup"
                        + " = perp: a group of host set acme-spot (it is of acme-perp)"),
                bad("markets.spot.limitGroup", null, "markets.spot.requests.TRADES.limitGroup: the limit group"
                        + " charged, here or on the market; groups: [spot, perp]"),
                bad("markets.spot.symbolParam", null, "markets.spot.requests.TRADES.symbolParam: the query"
                        + " parameter the symbol goes in, here or on the market"),
                bad("markets.spot.requests.TRADES.weight", "\"heavy\"", "markets.spot.requests.TRADES.weight = heavy:"
                        + " weight.trades must be N, PARAM:BOUND=N,...,*=N, count:PARAM:BOUND=N,...,*=N or"
                        + " each:PARAM=N,min=N, was 'heavy'"),
                bad("markets.spot.requests.TRADES.weight", "\"limit:100=5\"", "markets.spot.requests.TRADES.weight ="
                        + " limit:100=5: weight.trades tiers must end with *=N, was 'limit:100=5'"),
                bad("markets.spot.requests.TRADES.weight", "\"limit:500=5,100=2,*=9\"",
                        "markets.spot.requests.TRADES.weight = limit:500=5,100=2,*=9: weight.trades tier bounds must"
                                + " increase, was 'limit:500=5,100=2,*=9'"),
                bad("markets.spot.requests.TRADES.path", "\"/trades?limit=5\"", "markets.spot.requests.TRADES.path ="
                        + " /trades?limit=5: a path starting with '/', without query or spaces"),
                bad("markets.spot.requests.trades", "{\"path\": \"/trades\"}", "markets.spot.requests.trades ="
                        + " trades: a data type in capitals, e.g. ORDER_BOOK"),
                bad("markets.spot.requests.TRADES.required", "\"category\"", "markets.spot.requests.TRADES.required"
                        + " = \"category\": an array of parameter names"),
                bad("markets.spot.requests.TRADES.fixed", "{\"category\": [\"spot\"]}",
                        "markets.spot.requests.TRADES.fixed.category = [\"spot\"]: a text or number value"),
                bad("markets.spot.requests", "{}", "markets.spot.requests = {}: at least one data type"),
                bad("markets.margin.like", "\"futures\"", "markets.margin.like = futures: one of [margin,"
                        + " perp, spot]"),
                bad("markets.cross", "{\"like\": \"margin\"}", "markets.cross.like = margin: a market that is not"
                        + " itself 'like' another"),
                // markets of one host set share its weights: the engine weighs per host set and data type
                bad("markets.margin.requests.TRADES", "{\"path\": \"/trades\", \"weight\": \"3\"}",
                        "markets.margin.requests.TRADES.weight = 3: the weight other markets of host set acme-spot"
                                + " give TRADES (2 in market spot)"),
                bad("errors.codeField", "\"code\"", "errors.codeField = code: a JSON pointer such as /code or"
                        + " /error/code"),
                bad("errors.codes.-1003", "\"SLOW\"", "errors.codes.-1003 = SLOW: one of [RETRYABLE,"
                        + " NON_RETRYABLE, NETWORK, TIMEOUT, SERVER, RATE_LIMITED]"),
                bad("errors.statuses.999", "\"SERVER\"", "errors.statuses.999 = 999: an HTTP status from 100 to 599"),
                bad("errors.statuses.x", "\"SERVER\"", "errors.statuses.x = x: an HTTP status from 100 to 599"),
                bad("errors", null, "errors: required"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badDefinitions")
    void shouldRefuseABadDefinitionNamingTheFileTheKeyAndWhatIsAllowed(String key, String value, String message) {
        ObjectNode tree = tree();
        set(tree, key, value);

        assertThatThrownBy(() -> read(tree))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("test.json: " + message);
    }

    @Test
    void shouldChargeAHostSetsHealthRequestToTheGroupItNamesWithItsWeight() {
        ObjectNode tree = tree();
        set(tree, "hostSets.acme-spot.healthGroup", "\"spot\"");
        set(tree, "hostSets.acme-spot.healthWeight", "2");

        ExchangeDefinition acme = read(tree);

        assertThat(acme.hostSets().get("acme-spot")).extracting(HostSet::healthGroup, HostSet::healthWeight)
                .containsExactly("spot", 2);
        assertThat(acme.hostSets().get("acme-perp")).extracting(HostSet::healthGroup, HostSet::healthWeight)
                .as("charged to no group").containsExactly(null, 1);
    }

    @Test
    void shouldAcceptTheLargestLimitAndWindowAllowed() {
        ObjectNode tree = tree();
        set(tree, "limitGroups.perp.rules[0].limit", "1000000000000");
        set(tree, "limitGroups.perp.rules[0].window", "\"7d\"");

        assertThat(read(tree).limitGroups().get("perp").rules().get(0))
                .extracting(LimitRule::limit, LimitRule::windowMillis).containsExactly(1_000_000_000_000L,
                        7 * 86_400_000L);
    }

    @Test
    void shouldCountTheSymbolAsGivenWhenADefinitionListsItsParameterAsRequired() {
        ObjectNode tree = tree();
        set(tree, "markets.perp.requests.TRADES.required", "[\"category\", \"symbol\"]");

        assertThat(read(tree).request("perp", "TRADES", "BTCUSDT", Map.of()).pathAndQuery())
                .isEqualTo("/p/trades?category=linear&symbol=BTCUSDT");
    }

    private static Arguments bad(String key, String value, String message) {
        return Arguments.of(key, value, message);
    }

    private static ExchangeDefinition read(JsonNode tree) {
        return DefinitionReader.read("test.json", tree);
    }

    private static ObjectNode tree() {
        try {
            return (ObjectNode) JSON.readTree(VALID);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets (or with a null value removes) the member at a dotted key such as {@code a.b[0].c}. */
    private static void set(ObjectNode tree, String key, String json) {
        String[] parts = key.split("\\.");
        JsonNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = step(node, parts[i]);
        }
        String last = parts[parts.length - 1];
        if (last.endsWith("]")) {
            node = step(node, last.substring(0, last.indexOf('[')));
            int index = Integer.parseInt(last.substring(last.indexOf('[') + 1, last.length() - 1));
            ((ArrayNode) node).set(index, parse(json));
        } else if (json == null) {
            ((ObjectNode) node).remove(last);
        } else {
            ((ObjectNode) node).set(last, parse(json));
        }
    }

    private static JsonNode step(JsonNode node, String part) {
        int bracket = part.indexOf('[');
        if (bracket < 0) {
            return node.get(part);
        }
        return node.get(part.substring(0, bracket)).get(Integer.parseInt(part.substring(bracket + 1,
                part.length() - 1)));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
