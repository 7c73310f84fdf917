package io.marketprism.reliability.exchange;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exchanges' documented REST rate limits, the headers and codes that report them, and each venue's health path,
 * read from {@code documented-limits.tsv}. The file's header comment explains each kind of row.
 */
final class DocumentedLimits {

    static final String RESOURCE = "documented-limits.tsv";
    static final List<String> COLUMNS = List.of("kind", "venue", "name", "rule", "amount", "window", "clock", "scope",
            "detail", "source");

    /** How a limit's window moves. */
    enum Clock { FIXED, ROLLING, BUCKET, UNSTATED }

    /** What a limit is counted per. */
    enum Scope { IP, IP_INSTRUMENT, SUB_ACCOUNT, UID }

    /** What a limit counts. */
    enum Unit { WEIGHT, REQUESTS, CREDITS }

    /** What a row that is not a limit reports. */
    enum SignalKind { HEADER, STATUS, CODE }

    private static final Map<String, Clock> CLOCKS = Map.of("fixed", Clock.FIXED, "rolling", Clock.ROLLING,
            "bucket", Clock.BUCKET, "unstated", Clock.UNSTATED);
    private static final Map<String, Scope> SCOPES = Map.of("ip", Scope.IP, "ip+instrument", Scope.IP_INSTRUMENT,
            "sub-account", Scope.SUB_ACCOUNT, "uid", Scope.UID);
    private static final Map<String, SignalKind> SIGNALS = Map.of("header", SignalKind.HEADER,
            "status", SignalKind.STATUS, "code", SignalKind.CODE);
    private static final Pattern HEALTH_PATH = Pattern.compile("/\\S*");
    private static final Pattern RULE = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Pattern AMOUNT = Pattern.compile("(\\d+) (weight|requests|credits)");
    private static final Pattern WINDOW = Pattern.compile("(\\d+)([smh])");
    private static final Map<SignalKind, Pattern> SIGNAL_NAMES = Map.of(
            SignalKind.HEADER, Pattern.compile("[A-Za-z][A-Za-z0-9-]*"),
            SignalKind.STATUS, Pattern.compile("[1-5]\\d\\d"),
            SignalKind.CODE, Pattern.compile("-?\\d+"));

    private final List<Limit> limits;
    private final List<Signal> signals;
    private final Map<String, Health> health;

    private DocumentedLimits(List<Limit> limits, List<Signal> signals, Map<String, Health> health) {
        this.limits = List.copyOf(limits);
        this.signals = List.copyOf(signals);
        this.health = Map.copyOf(health);
    }

    /** The table shipped with the tests. */
    static DocumentedLimits load() {
        return from(TsvTable.resource(RESOURCE, COLUMNS));
    }

    /** Reads {@code text} as if it were the file {@code file}: for tests of the reader itself. */
    static DocumentedLimits parse(String file, String text) {
        return from(TsvTable.parse(file, text, COLUMNS));
    }

    private static DocumentedLimits from(TsvTable table) {
        List<Limit> limits = new ArrayList<>();
        List<Signal> signals = new ArrayList<>();
        Map<String, Health> health = new HashMap<>();
        Map<String, Integer> lineOfKey = new HashMap<>();
        List<TsvTable.Row> referring = new ArrayList<>();
        for (TsvTable.Row row : table.rows()) {
            String kind = row.oneOf("kind", Set.of("limit", "header", "status", "code", "health"));
            String venue = row.oneOf("venue", DocumentedRequests.VENUES);
            String key = kind + " " + venue + " " + row.text("name");
            Integer earlier = lineOfKey.putIfAbsent(key, row.line());
            if (earlier != null) {
                throw new IllegalArgumentException(row.file() + ":" + row.line() + ": '" + key
                        + "' is already documented on line " + earlier);
            }
            switch (kind) {
                case "limit" -> limits.add(Limit.of(row, venue));
                case "health" -> {
                    row.notApplicable("health", "amount", "window", "clock", "scope");
                    Health h = new Health(venue, row.matching("name", HEALTH_PATH, "a path starting with '/'"),
                            row.costs("rule"), row.text("detail"), row.https("source", false));
                    if (health.putIfAbsent(venue, h) != null) {
                        throw row.error("name", "is a second health path for " + venue + "; one per venue");
                    }
                }
                default -> signals.add(Signal.of(row, SIGNALS.get(kind), venue));
            }
            if (!kind.equals("limit")) {
                referring.add(row);
            }
        }
        DocumentedLimits result = new DocumentedLimits(limits, signals, health);
        for (TsvTable.Row row : referring) {
            result.checkRulesExist(row);
        }
        return result;
    }

    List<Limit> limits(String venue) {
        return limits.stream().filter(l -> l.venue().equals(venue)).toList();
    }

    Optional<Limit> limit(String venue, String rule) {
        return limits.stream().filter(l -> l.venue().equals(venue) && l.name().equals(rule)).findFirst();
    }

    List<Signal> signals(String venue) {
        return signals.stream().filter(s -> s.venue().equals(venue)).toList();
    }

    Optional<Health> health(String venue) {
        return Optional.ofNullable(health.get(venue));
    }

    /** Throws, naming the row, unless every limit rule a header, status, code or health row refers to exists. */
    private void checkRulesExist(TsvTable.Row row) {
        String venue = row.text("venue");
        List<String> rules = row.text("kind").equals("health")
                ? List.copyOf(row.costs("rule").keySet())
                : row.text("rule").equals("*") ? List.of() : List.of(row.text("rule"));
        for (String rule : rules) {
            if (limit(venue, rule).isEmpty()) {
                throw row.error("rule", "names '" + rule + "', which is no limit rule of " + venue + "; known: "
                        + limits(venue).stream().map(Limit::name).toList());
            }
        }
    }

    /** A documented limit: {@code amount} {@code unit} per {@code window}, counted per {@code scope}. */
    record Limit(String venue, String name, long amount, Unit unit, Duration window, Clock clock, Scope scope,
            String detail, URI source) {

        private static Limit of(TsvTable.Row row, String venue) {
            row.notApplicable("limit", "rule");
            Matcher amount = AMOUNT.matcher(row.text("amount"));
            if (!amount.matches()) {
                throw row.error("amount", "must be '<n> weight|requests|credits', got '" + row.text("amount") + "'");
            }
            Matcher window = WINDOW.matcher(row.text("window"));
            if (!window.matches()) {
                throw row.error("window", "must be '<n>s', '<n>m' or '<n>h', got '" + row.text("window") + "'");
            }
            long amountValue = Long.parseLong(amount.group(1));
            long windowValue = Long.parseLong(window.group(1));
            if (amountValue == 0 || windowValue == 0) {
                throw row.error(amountValue == 0 ? "amount" : "window", "must be above zero");
            }
            Duration length = switch (window.group(2)) {
                case "s" -> Duration.ofSeconds(windowValue);
                case "m" -> Duration.ofMinutes(windowValue);
                default -> Duration.ofHours(windowValue);
            };
            return new Limit(venue, row.matching("name", RULE, "a rule id (letters, digits, '_' and '-')"),
                    amountValue, Unit.valueOf(amount.group(2).toUpperCase()), length,
                    CLOCKS.get(row.oneOf("clock", CLOCKS.keySet())), SCOPES.get(row.oneOf("scope", SCOPES.keySet())),
                    row.text("detail"), row.https("source", false));
        }
    }

    /** A response header, HTTP status or error code the docs tie to a limit ({@code rule}, or {@code *} for any). */
    record Signal(SignalKind kind, String venue, String name, String rule, String detail, URI source) {

        private static Signal of(TsvTable.Row row, SignalKind kind, String venue) {
            row.notApplicable(kind.name().toLowerCase(), "amount", "window", "clock", "scope");
            String rule = row.text("rule");
            if (!rule.equals("*")) {
                row.matching("rule", RULE, "a limit rule id or '*'");
            }
            return new Signal(kind, venue, row.matching("name", SIGNAL_NAMES.get(kind), switch (kind) {
                case HEADER -> "a header name";
                case STATUS -> "a three-digit HTTP status";
                case CODE -> "a numeric error code";
            }), rule, row.text("detail"), row.https("source", false));
        }
    }

    /** The path that tells whether a venue's host answers, and what calling it costs. */
    record Health(String venue, String path, Map<String, Integer> consumes, String detail, URI source) {
    }
}
