package io.marketprism.reliability.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.config.RequestWeights;
import io.marketprism.reliability.limiter.WindowMeasure;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads one exchange definition from its JSON tree, checking every field: an error names the file, the key (as a
 * dotted path, e.g. {@code markets.perp.requests.ORDER_BOOK.limitGroup}), the value and what is allowed. The format
 * is described in {@code docs/exchanges.md}.
 */
final class DefinitionReader {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern DATA_TYPE = Pattern.compile("[A-Z][A-Z_]*");
    private static final Set<String> TOP = Set.of("exchange", "doc", "hostSets", "limitGroups", "markets", "errors");
    private static final Set<String> HOST_SET = Set.of("endpoints", "health", "healthGroup", "healthWeight",
            "doc");
    private static final Set<String> GROUP = Set.of("hostSet", "rules", "usedWeightHeader", "doc");
    private static final Set<String> RULE = Set.of("measure", "limit", "window", "clock", "scope", "doc");
    private static final Set<String> MARKET = Set.of("hostSet", "like", "symbolParam", "limitGroup", "requests");
    private static final Set<String> REQUEST = Set.of("path", "symbolParam", "fixed", "defaults", "required",
            "weight", "limitGroup", "doc");
    private static final Set<String> ERRORS = Set.of("codeField", "successCodes", "codes", "statuses", "bans");

    private final String origin;

    private DefinitionReader(String origin) {
        this.origin = origin;
    }

    /** The definition in {@code tree}; {@code origin} (the file or resource) starts every error message. */
    static ExchangeDefinition read(String origin, JsonNode tree) {
        return new DefinitionReader(origin).definition(tree);
    }

    private ExchangeDefinition definition(JsonNode root) {
        object(root, "", TOP);
        String name = name(root, "exchange");
        String doc = optionalText(root, "doc", "");
        Map<String, HostSet> hostSets = new LinkedHashMap<>();
        members(required(root, "hostSets", ""), "hostSets", (key, node) -> hostSets.put(key, hostSet(key, node)));
        Map<String, LimitGroup> groups = new LinkedHashMap<>();
        members(required(root, "limitGroups", ""), "limitGroups",
                (key, node) -> groups.put(key, limitGroup(key, node, hostSets.keySet())));
        checkHealthGroups(hostSets, groups);
        JsonNode marketsNode = required(root, "markets", "");
        Map<String, Market> markets = new LinkedHashMap<>();
        members(marketsNode, "markets", (key, node) -> markets.put(key, market(key, node, marketsNode, hostSets,
                groups)));
        checkWeightsAgree(markets.values());
        ErrorRules errors = errors(required(root, "errors", ""));
        return new ExchangeDefinition(name, doc, hostSets, groups, markets, errors);
    }

    private HostSet hostSet(String name, JsonNode node) {
        String at = "hostSets." + name;
        checkName(at, name);
        object(node, at, HOST_SET);
        Map<String, URI> endpoints = new LinkedHashMap<>();
        members(required(node, "endpoints", at), at + ".endpoints", (endpoint, url) -> {
            String key = at + ".endpoints." + endpoint;
            checkName(key, endpoint);
            endpoints.put(endpoint, url(key, url));
        });
        if (endpoints.isEmpty()) {
            throw error(at + ".endpoints", "{}", "at least one endpoint, name: URL");
        }
        String health = path(node, "health", at);
        String healthGroup = node.has("healthGroup") ? text(node, "healthGroup", at) : null;
        JsonNode weight = node.get("healthWeight");
        if (weight != null && (healthGroup == null || !weight.isIntegralNumber() || !weight.canConvertToInt()
                || weight.asInt() < 1)) {
            throw error(at + ".healthWeight", weight.toString(), healthGroup == null
                    ? "nothing without a healthGroup the weight is charged to" : "a whole number from 1");
        }
        return new HostSet(name, endpoints, health, healthGroup, weight == null ? 1 : weight.asInt(),
                optionalText(node, "doc", ""));
    }

    /** A host set's health request is charged to a limit group of that host set. */
    private void checkHealthGroups(Map<String, HostSet> hostSets, Map<String, LimitGroup> groups) {
        for (HostSet hosts : hostSets.values()) {
            String group = hosts.healthGroup();
            if (group != null && (!groups.containsKey(group) || !groups.get(group).hostSet().equals(hosts.name()))) {
                throw error("hostSets." + hosts.name() + ".healthGroup", group, "a limit group of host set "
                        + hosts.name());
            }
        }
    }

    private LimitGroup limitGroup(String name, JsonNode node, Set<String> hostSets) {
        String at = "limitGroups." + name;
        checkName(at, name);
        object(node, at, GROUP);
        String hostSet = oneOf(node, "hostSet", at, hostSets);
        JsonNode rulesNode = required(node, "rules", at);
        if (!rulesNode.isArray() || rulesNode.isEmpty() || rulesNode.size() > 8) {
            throw error(at + ".rules", rulesNode.toString(), "an array of 1 to 8 rules");
        }
        List<LimitRule> rules = new ArrayList<>();
        for (int i = 0; i < rulesNode.size(); i++) {
            rules.add(rule(at + ".rules[" + i + "]", rulesNode.get(i)));
        }
        for (int i = 1; i < rules.size(); i++) {
            if (rules.get(i).perInstrument() != rules.get(0).perInstrument()) {
                throw error(at + ".rules[" + i + "].scope", rules.get(i).perInstrument() ? "ip+instrument" : "ip",
                        "the scope of the group's other rules, " + (rules.get(0).perInstrument() ? "ip+instrument"
                        : "ip") + " (a request consumes one group, whose rules share one scope)");
            }
        }
        String header = node.has("usedWeightHeader") ? text(node, "usedWeightHeader", at) : null;
        if (header != null && rules.stream().noneMatch(r -> r.measure() == WindowMeasure.WEIGHT)) {
            throw error(at + ".usedWeightHeader", header, "a group with a weight rule, whose usage the header tells");
        }
        return new LimitGroup(name, hostSet, rules, header, optionalText(node, "doc", ""));
    }

    private LimitRule rule(String at, JsonNode node) {
        object(node, at, RULE);
        WindowMeasure measure = WindowMeasure.valueOf(oneOf(node, "measure", at, Set.of("weight", "requests"))
                .toUpperCase(Locale.ROOT));
        JsonNode limit = required(node, "limit", at);
        if (!limit.canConvertToLong() || !limit.isIntegralNumber() || limit.asLong() < 1
                || limit.asLong() > 1_000_000_000_000L) {
            throw error(at + ".limit", limit.toString(), "a whole number from 1 to 10^12");
        }
        String windowText = text(node, "window", at);
        long window;
        try {
            window = Durations.parse(windowText);
        } catch (IllegalArgumentException e) {
            throw error(at + ".window", windowText, e.getMessage().substring(e.getMessage().indexOf(':') + 2));
        }
        if (window > 7L * 86_400_000) {
            throw error(at + ".window", windowText, "at most 7d");
        }
        boolean fixed = oneOf(node, "clock", at, Set.of("fixed", "rolling")).equals("fixed");
        boolean perInstrument = node.has("scope")
                && oneOf(node, "scope", at, Set.of("ip", "ip+instrument")).equals("ip+instrument");
        return new LimitRule(measure, limit.asLong(), window, fixed, perInstrument, optionalText(node, "doc", ""));
    }

    private Market market(String name, JsonNode node, JsonNode markets, Map<String, HostSet> hostSets,
                          Map<String, LimitGroup> groups) {
        String at = "markets." + name;
        checkName(at, name);
        object(node, at, MARKET);
        ObjectNode merged = node.deepCopy();
        if (node.has("like")) {
            String like = oneOf(node, "like", at, fieldNames(markets));
            JsonNode base = markets.get(like);
            if (base.has("like")) {
                throw error(at + ".like", like, "a market that is not itself 'like' another");
            }
            merged = base.deepCopy();
            merged.setAll((ObjectNode) node.deepCopy());
            ObjectNode requests = base.path("requests").isObject() ? (ObjectNode) base.get("requests").deepCopy()
                    : merged.objectNode();
            if (node.has("requests")) {
                object(node.get("requests"), at + ".requests", null).fields().forEachRemaining(e -> {
                    if (e.getValue().isNull()) {
                        requests.remove(e.getKey());
                    } else {
                        requests.set(e.getKey(), e.getValue().deepCopy());
                    }
                });
            }
            merged.set("requests", requests);
        }
        String hostSet = oneOf(merged, "hostSet", at, hostSets.keySet());
        String symbolParam = merged.has("symbolParam") ? text(merged, "symbolParam", at) : null;
        String group = merged.has("limitGroup") ? oneOf(merged, "limitGroup", at, groups.keySet()) : null;
        Map<String, RequestSpec> requests = new TreeMap<>();
        members(required(merged, "requests", at), at + ".requests", (type, request) -> requests.put(type,
                request(at + ".requests." + type, type, request, symbolParam, group, hostSet, groups)));
        if (requests.isEmpty()) {
            throw error(at + ".requests", "{}", "at least one data type");
        }
        return new Market(name, hostSet, requests);
    }

    private RequestSpec request(String at, String dataType, JsonNode node, String marketSymbolParam,
                                String marketGroup, String hostSet, Map<String, LimitGroup> groups) {
        if (!DATA_TYPE.matcher(dataType).matches()) {
            throw error(at, dataType, "a data type in capitals, e.g. ORDER_BOOK");
        }
        object(node, at, REQUEST);
        String path = path(node, "path", at);
        String symbolParam = node.has("symbolParam") ? text(node, "symbolParam", at) : marketSymbolParam;
        if (symbolParam == null) {
            throw error(at + ".symbolParam", null, "the query parameter the symbol goes in, here or on the market");
        }
        String group = node.has("limitGroup") ? oneOf(node, "limitGroup", at, groups.keySet()) : marketGroup;
        if (group == null) {
            throw error(at + ".limitGroup", null, "the limit group charged, here or on the market; groups: "
                    + groups.keySet());
        }
        if (!groups.get(group).hostSet().equals(hostSet)) {
            throw error(at + ".limitGroup", group, "a group of host set " + hostSet + " (it is of "
                    + groups.get(group).hostSet() + ")");
        }
        String weight = node.has("weight") ? node.get("weight").asText() : "1";
        try {
            RequestWeights.of(Map.of(dataType, weight));
        } catch (IllegalArgumentException e) {
            throw error(at + ".weight", weight, e.getMessage());
        }
        List<String> required = new ArrayList<>();
        if (node.has("required")) {
            JsonNode list = node.get("required");
            if (!list.isArray()) {
                throw error(at + ".required", list.toString(), "an array of parameter names");
            }
            list.forEach(item -> required.add(item.asText()));
        }
        return new RequestSpec(dataType, path, symbolParam, stringMap(node, "fixed", at),
                stringMap(node, "defaults", at), required, weight, group, optionalText(node, "doc", ""));
    }

    private ErrorRules errors(JsonNode node) {
        object(node, "errors", ERRORS);
        String field = text(node, "codeField", "errors");
        if (!field.startsWith("/") || field.length() < 2) {
            throw error("errors.codeField", field, "a JSON pointer such as /code or /error/code");
        }
        Set<String> success = new LinkedHashSet<>();
        if (node.has("successCodes")) {
            node.get("successCodes").forEach(code -> success.add(code.asText()));
        }
        Map<String, ErrorClass> codes = new LinkedHashMap<>();
        if (node.has("codes")) {
            members(node.get("codes"), "errors.codes", (code, cls) -> codes.put(code,
                    errorClass("errors.codes." + code, cls)));
        }
        Map<Integer, ErrorClass> statuses = new LinkedHashMap<>();
        if (node.has("statuses")) {
            members(node.get("statuses"), "errors.statuses", (status, cls) -> statuses.put(
                    httpStatus("errors.statuses." + status, status), errorClass("errors.statuses." + status, cls)));
        }
        Map<Integer, Long> bans = new LinkedHashMap<>();
        if (node.has("bans")) {
            members(node.get("bans"), "errors.bans", (status, length) -> {
                String at = "errors.bans." + status;
                int code = httpStatus(at, status);
                try {
                    bans.put(code, Durations.parse(length.asText()));
                } catch (IllegalArgumentException e) {
                    throw error(at, length.asText(), "how long the ban lasts without a Retry-After, e.g. 2m");
                }
            });
        }
        return new ErrorRules(field, success, codes, statuses, bans);
    }

    private int httpStatus(String at, String status) {
        int code;
        try {
            code = Integer.parseInt(status);
        } catch (NumberFormatException e) {
            code = -1;
        }
        if (code < 100 || code > 599) {
            throw error(at, status, "an HTTP status from 100 to 599");
        }
        return code;
    }

    /** Markets on one host set share its weight rules, which the engine keeps per host set and data type. */
    private void checkWeightsAgree(Iterable<Market> markets) {
        Map<String, String> seen = new TreeMap<>();
        for (Market market : markets) {
            market.requests().forEach((type, spec) -> {
                String key = market.hostSet() + " " + type;
                String before = seen.putIfAbsent(key, spec.weight() + " in market " + market.name());
                if (before != null && !before.startsWith(spec.weight() + " in")) {
                    throw error("markets." + market.name() + ".requests." + type + ".weight", spec.weight(),
                            "the weight other markets of host set " + market.hostSet() + " give " + type + " ("
                                    + before + ")");
                }
            });
        }
    }

    private ErrorClass errorClass(String at, JsonNode node) {
        String text = node.asText();
        try {
            return ErrorClass.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw error(at, text, "one of " + Arrays.toString(ErrorClass.values()));
        }
    }

    private Map<String, String> stringMap(JsonNode node, String field, String at) {
        Map<String, String> map = new TreeMap<>();
        if (node.has(field)) {
            members(node.get(field), at + "." + field, (key, value) -> {
                if (!value.isValueNode() || value.isNull()) {
                    throw error(at + "." + field + "." + key, value.toString(), "a text or number value");
                }
                map.put(key, value.asText());
            });
        }
        return map;
    }

    private JsonNode object(JsonNode node, String at, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw error(at.isEmpty() ? "(top)" : at, String.valueOf(node), "a JSON object");
        }
        if (allowed != null) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!allowed.contains(field)) {
                    throw error(join(at, field), node.get(field).toString(), "not a key here; keys: "
                            + new java.util.TreeSet<>(allowed));
                }
            }
        }
        return node;
    }

    private void members(JsonNode node, String at, java.util.function.BiConsumer<String, JsonNode> each) {
        object(node, at, null);
        node.fields().forEachRemaining(e -> each.accept(e.getKey(), e.getValue()));
    }

    private JsonNode required(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw error(join(at, field), null, "required");
        }
        return value;
    }

    private String text(JsonNode node, String field, String at) {
        JsonNode value = required(node, field, at);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw error(join(at, field), value.toString(), "a non-empty text");
        }
        return value.asText();
    }

    private String optionalText(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }

    private String name(JsonNode node, String field) {
        String value = text(node, field, "");
        checkName(field, value);
        return value;
    }

    private void checkName(String at, String value) {
        if (!NAME.matcher(value).matches()) {
            throw error(at, value, "a name of lower-case letters, digits, '-' and '_', starting with a letter or digit");
        }
    }

    private String path(JsonNode node, String field, String at) {
        String value = text(node, field, at);
        if (!value.startsWith("/") || value.contains("?") || value.contains(" ")) {
            throw error(join(at, field), value, "a path starting with '/', without query or spaces");
        }
        return value;
    }

    private String oneOf(JsonNode node, String field, String at, Set<String> allowed) {
        String value = text(node, field, at);
        if (!allowed.contains(value)) {
            throw error(join(at, field), value, "one of " + new java.util.TreeSet<>(allowed));
        }
        return value;
    }

    private URI url(String at, JsonNode node) {
        String text = node.asText();
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getQuery() != null) {
                throw error(at, text, "an absolute http or https URL without query");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw error(at, text, "an absolute http or https URL (" + e.getMessage() + ")");
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String join(String at, String field) {
        return at.isEmpty() ? field : at + "." + field;
    }

    private IllegalArgumentException error(String key, String value, String allowed) {
        return new IllegalArgumentException(origin + ": " + key + (value == null ? "" : " = " + value) + ": "
                + allowed);
    }
}
