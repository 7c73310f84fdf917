package io.marketprism.reliability.exchange;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The market-data requests as the exchanges' published docs define them, read from
 * {@code documented-requests.tsv}: one {@link Request} per (venue, market, data type). The table is written from
 * the docs, not from the exchange definitions, so a test can compare the two. The file's header comment explains
 * each column's notation.
 */
final class DocumentedRequests {

    static final String RESOURCE = "documented-requests.tsv";
    static final List<String> COLUMNS = List.of("venue", "market", "data_type", "host", "method", "path",
            "required_params", "optional_params", "example_symbol", "consumes", "cost_rule", "source");
    static final Set<String> VENUES = Set.of("binance-spot", "binance-usdm", "binance-coinm", "okx", "deribit",
            "bybit");
    static final Set<String> MARKETS = Set.of("spot", "perp", "futures", "option", "coin-perp");
    static final Set<String> DATA_TYPES = Set.of("ORDER_BOOK", "TRADES", "TICKER", "FUNDING_RATE", "OPEN_INTEREST",
            "KLINES", "LONG_SHORT_RATIO");
    /** What a {@code {placeholder}} of a required parameter stands for; each is taken from the task's instrument. */
    static final Set<String> INSTRUMENT_PLACEHOLDERS = Set.of("symbol", "pair", "family");

    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_./-]*");
    private static final Pattern REQUIRED = Pattern.compile("([A-Za-z_]+)(?:=(?:\\{([a-z]+)}|([A-Za-z0-9_.|-]+)))?");
    private static final Pattern OPTIONAL =
            Pattern.compile("([A-Za-z_]+)(?:=([A-Za-z0-9_.|-]+?)(?:\\(([A-Za-z0-9_.-]+)\\))?)?");
    private static final Pattern RANGE = Pattern.compile("(\\d+)\\.\\.(\\d+)");
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9][A-Z0-9_-]*");

    private final List<Request> requests;

    private DocumentedRequests(List<Request> requests) {
        this.requests = List.copyOf(requests);
    }

    /** The table shipped with the tests. */
    static DocumentedRequests load() {
        return from(TsvTable.resource(RESOURCE, COLUMNS));
    }

    /** Reads {@code text} as if it were the file {@code file}: for tests of the reader itself. */
    static DocumentedRequests parse(String file, String text) {
        return from(TsvTable.parse(file, text, COLUMNS));
    }

    private static DocumentedRequests from(TsvTable table) {
        List<Request> requests = new ArrayList<>();
        Map<String, Integer> lineOfKey = new HashMap<>();
        for (TsvTable.Row row : table.rows()) {
            Request request = Request.of(row);
            Integer earlier = lineOfKey.putIfAbsent(request.key(), row.line());
            if (earlier != null) {
                throw new IllegalArgumentException(row.file() + ":" + row.line() + ": (" + request.key()
                        + ") is already documented on line " + earlier + "; one row per venue, market and data type");
            }
            requests.add(request);
        }
        return new DocumentedRequests(requests);
    }

    List<Request> all() {
        return requests;
    }

    Optional<Request> find(String venue, String market, String dataType) {
        return requests.stream()
                .filter(r -> r.venue().equals(venue) && r.market().equals(market) && r.dataType().equals(dataType))
                .findFirst();
    }

    /** One documented request: where it goes, what it must and may carry, and what it costs. */
    record Request(String venue, String market, String dataType, URI host, String method, String path,
            List<RequiredParam> required, List<OptionalParam> optional, String exampleSymbol,
            Map<String, Integer> consumes, String costRule, URI source) {

        String key() {
            return venue + ", " + market + ", " + dataType;
        }

        /** The names of the required parameters, in the documented order. */
        List<String> requiredNames() {
            return required.stream().map(RequiredParam::name).toList();
        }

        private static Request of(TsvTable.Row row) {
            List<RequiredParam> required = required(row);
            List<OptionalParam> optional = optional(row);
            Set<String> names = new HashSet<>();
            required.forEach(p -> names.add(p.name()));
            for (OptionalParam p : optional) {
                if (names.contains(p.name())) {
                    throw row.error("optional_params", "repeats the required parameter '" + p.name()
                            + "'; list its allowed values in required_params as " + p.name() + "=a|b|c");
                }
            }
            return new Request(row.oneOf("venue", VENUES), row.oneOf("market", MARKETS),
                    row.oneOf("data_type", DATA_TYPES), row.https("host", true),
                    row.oneOf("method", Set.of("GET")),
                    row.matching("path", PATH, "a path starting with '/' without query string or spaces"),
                    required, optional, row.matching("example_symbol", SYMBOL, "an upper-case instrument name"),
                    nonEmpty(row, "consumes"), row.text("cost_rule"), row.https("source", false));
        }

        private static Map<String, Integer> nonEmpty(TsvTable.Row row, String column) {
            Map<String, Integer> costs = row.costs(column);
            if (costs.isEmpty()) {
                throw row.error(column, "must name at least one documented limit the request consumes");
            }
            return costs;
        }

        private static List<RequiredParam> required(TsvTable.Row row) {
            List<RequiredParam> params = new ArrayList<>();
            Set<String> names = new HashSet<>();
            boolean instrument = false;
            for (String token : row.text("required_params").split(",", -1)) {
                Matcher m = REQUIRED.matcher(token);
                if (!m.matches()) {
                    throw row.error("required_params", "must be comma-separated name, name=VALUE, name=a|b|c or"
                            + " name={" + String.join("|", INSTRUMENT_PLACEHOLDERS) + "}, got '" + token + "'");
                }
                String placeholder = m.group(2);
                if (placeholder != null && !INSTRUMENT_PLACEHOLDERS.contains(placeholder)) {
                    throw row.error("required_params", "has the unknown placeholder {" + placeholder + "}; known: "
                            + String.join(", ", INSTRUMENT_PLACEHOLDERS));
                }
                if (!names.add(m.group(1))) {
                    throw row.error("required_params", "names '" + m.group(1) + "' twice");
                }
                if (m.group(3) != null && List.of(m.group(3).split("\\|", -1)).contains("")) {
                    throw row.error("required_params", "'" + token + "' lists an empty value");
                }
                instrument |= placeholder != null;
                params.add(new RequiredParam(m.group(1), placeholder,
                        m.group(3) == null ? List.of() : List.of(m.group(3).split("\\|", -1))));
            }
            if (!instrument) {
                throw row.error("required_params",
                        "must say which parameter carries the instrument, e.g. symbol={symbol}");
            }
            return List.copyOf(params);
        }

        private static List<OptionalParam> optional(TsvTable.Row row) {
            String cell = row.text("optional_params");
            if (cell.equals("-")) {
                return List.of();
            }
            List<OptionalParam> params = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (String token : cell.split(",", -1)) {
                Matcher m = OPTIONAL.matcher(token);
                if (!m.matches()) {
                    throw row.error("optional_params", "must be comma-separated name, name=a|b|c or name=lo..hi,"
                            + " each optionally followed by (default), got '" + token + "'");
                }
                if (!names.add(m.group(1))) {
                    throw row.error("optional_params", "names '" + m.group(1) + "' twice");
                }
                OptionalParam param = new OptionalParam(m.group(1), m.group(2), m.group(3));
                if (param.values() != null && param.values().contains("..") && !param.isRange()) {
                    throw row.error("optional_params", "'" + token + "' must write a range as lo..hi with lo <= hi");
                }
                if (param.defaultValue() != null && !param.allows(param.defaultValue())) {
                    throw row.error("optional_params", "'" + token + "' has a default outside its allowed values");
                }
                params.add(param);
            }
            return List.copyOf(params);
        }
    }

    /**
     * A parameter the request must carry: with a value taken from the task's instrument ({@code placeholder}:
     * symbol, pair or family), with the one fixed value in {@code values}, or with a value the caller chooses, from
     * {@code values} when they list several, or freely when there are none.
     */
    record RequiredParam(String name, String placeholder, List<String> values) {

        boolean carriesInstrument() {
            return placeholder != null;
        }

        /** The fixed value, when the docs (for this market) allow exactly one. */
        Optional<String> fixedValue() {
            return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
        }

        /** Whether the docs allow {@code value} for this parameter (any value when none are listed). */
        boolean allows(String value) {
            return values.isEmpty() || values.contains(value);
        }
    }

    /**
     * A parameter the request may carry; {@code values} is {@code a|b|c}, {@code lo..hi} or null (anything), and
     * {@code defaultValue} the documented default or null.
     */
    record OptionalParam(String name, String values, String defaultValue) {

        /** Whether {@code values} is a range {@code lo..hi} with lo &lt;= hi. */
        boolean isRange() {
            Matcher range = values == null ? null : RANGE.matcher(values);
            return range != null && range.matches() && Long.parseLong(range.group(1)) <= Long.parseLong(range.group(2));
        }

        /** Whether the docs allow {@code value} for this parameter. */
        boolean allows(String value) {
            if (values == null) {
                return true;
            }
            Matcher range = RANGE.matcher(values);
            if (range.matches()) {
                try {
                    long v = Long.parseLong(value);
                    return v >= Long.parseLong(range.group(1)) && v <= Long.parseLong(range.group(2));
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            return List.of(values.split("\\|")).contains(value);
        }
    }
}
