package io.marketprism.reliability.config;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.reliability.retry.ClassificationRules;
import io.marketprism.reliability.state.DomainId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one configuration of the reliability module: an {@link ExchangeProfile} per exchange, each carrying its
 * endpoints, limiter budgets, request weights, error classification and breaker, retry and balancer settings.
 * Immutable. Start from {@link #ofDefaults()} (Binance, OKX, Deribit presets) or read flat keys with
 * {@link #fromMap}; the keys are declared in {@link #table()}.
 */
public final class ReliabilityConfig {

    private static final String EXCHANGE_PREFIX = "exchange.";
    private static final List<String> OWN_PREFIXES =
            List.of("breaker.", "retry.", "balancer.", "limiter.", "state.", EXCHANGE_PREFIX);

    private final Map<String, ExchangeProfile> exchanges;
    private final long clockSkewToleranceMillis;
    /** Limit domains the caller routes tasks to, with the exchange of each, in the caller's order. */
    private final Map<String, String> domains;
    /** The egress routes those domains name, per exchange, in their order. */
    private final Map<String, List<String>> routesByExchange;

    private ReliabilityConfig(Map<String, ExchangeProfile> exchanges, long clockSkewToleranceMillis) {
        this(exchanges, clockSkewToleranceMillis, Map.of());
    }

    private ReliabilityConfig(Map<String, ExchangeProfile> exchanges, long clockSkewToleranceMillis,
                              Map<String, String> domains) {
        Map<String, String> ordered = new LinkedHashMap<>();
        Map<String, List<String>> routes = new HashMap<>();
        domains.forEach((domain, exchange) -> {
            ordered.put(Objects.requireNonNull(domain, "domain"), Objects.requireNonNull(exchange, "exchange"));
            String route = new DomainId(domain).route();
            List<String> routesOfExchange = routes.computeIfAbsent(exchange, e -> new ArrayList<>());
            if (route != null && !routesOfExchange.contains(route)) {
                routesOfExchange.add(route);
            }
        });
        this.domains = Collections.unmodifiableMap(ordered);
        routes.replaceAll((exchange, list) -> List.copyOf(list));
        this.routesByExchange = Map.copyOf(routes);
        // sorted for listing, hashed for the lookup on every engine call
        this.exchanges = Collections.unmodifiableMap(new LinkedHashMap<>(new TreeMap<>(exchanges)));
        this.clockSkewToleranceMillis = Settings.CLOCK_SKEW_TOLERANCE.type()
                .check(Settings.CLOCK_SKEW_TOLERANCE.name(), clockSkewToleranceMillis);
    }

    /** The profiles of every host set of the shipped exchange definitions, with the module's default settings. */
    public static ReliabilityConfig ofDefaults() {
        return of(profilesOf(ExchangeDefinitions.builtIn()).toArray(new ExchangeProfile[0]));
    }

    /** A profile per host set of every definition, in definition order. */
    public static List<ExchangeProfile> profilesOf(ExchangeDefinitions definitions) {
        List<ExchangeProfile> profiles = new ArrayList<>();
        definitions.all().values().forEach(definition -> definition.hostSets().keySet()
                .forEach(hostSet -> profiles.add(ExchangeProfile.of(definition, hostSet))));
        return profiles;
    }

    /** A configuration of exactly these exchanges; names must be distinct. */
    public static ReliabilityConfig of(ExchangeProfile... profiles) {
        Map<String, ExchangeProfile> byName = new TreeMap<>();
        for (ExchangeProfile profile : profiles) {
            if (byName.put(profile.name(), profile) != null) {
                throw new IllegalArgumentException("exchange " + profile.name() + " is configured twice");
            }
        }
        return new ReliabilityConfig(byName, Settings.DEFAULT_CLOCK_SKEW_TOLERANCE_MILLIS);
    }

    /**
     * The profiles of the shipped definitions changed by flat keys (see {@link #table()}); as
     * {@link #fromMap(ExchangeDefinitions, Map)}.
     */
    public static ReliabilityConfig fromMap(Map<String, String> entries) {
        return fromMap(ExchangeDefinitions.builtIn(), entries);
    }

    /**
     * The profiles of every host set of {@code definitions} changed by flat keys (see {@link #table()}). A key
     * without the {@code exchange.<name>.} prefix applies to every exchange; with it, to that exchange (host set)
     * only, after the global keys. Unknown keys, unknown exchanges and bad values are refused, naming the key, the
     * value and what is allowed.
     */
    public static ReliabilityConfig fromMap(ExchangeDefinitions definitions, Map<String, String> entries) {
        Map<String, String> sorted = new TreeMap<>(entries);
        Map<String, String> global = new TreeMap<>();
        Map<String, Map<String, String>> perExchange = new TreeMap<>();
        long[] clockSkewTolerance = {Settings.DEFAULT_CLOCK_SKEW_TOLERANCE_MILLIS};
        sorted.forEach((key, value) -> {
            if (Settings.CLOCK_SKEW_TOLERANCE.matches(key)) {
                clockSkewTolerance[0] = Settings.CLOCK_SKEW_TOLERANCE.parse(key, value);
            } else if (key.startsWith(EXCHANGE_PREFIX)) {
                int dot = key.indexOf('.', EXCHANGE_PREFIX.length());
                if (dot < 0) {
                    throw unknownKey(key);
                }
                perExchange.computeIfAbsent(key.substring(EXCHANGE_PREFIX.length(), dot), name -> new TreeMap<>())
                        .put(key.substring(dot + 1), value);
            } else {
                Setting<?, ?> setting = Settings.BY_NAME.get(key);
                if (setting == null) {
                    throw unknownKey(key);
                }
                global.put(key, value);
            }
        });
        Map<String, ExchangeProfile> profiles = new TreeMap<>();
        profilesOf(definitions).forEach(profile -> profiles.put(profile.name(), profile));
        for (String name : perExchange.keySet()) {
            if (!profiles.containsKey(name)) {
                throw new IllegalArgumentException(EXCHANGE_PREFIX + name + ".* names no host set of an exchange"
                        + " definition (host sets: " + profiles.keySet() + "); a new exchange is a definition file"
                        + " (exchange.definitions)");
            }
        }
        profiles.replaceAll((name, profile) ->
                applyKeys(profile, global, perExchange.getOrDefault(name, Map.of())));
        return new ReliabilityConfig(profiles, clockSkewTolerance[0]);
    }

    /** Whether {@code key} belongs to this configuration (so a service can pick its keys out of one file). */
    public static boolean ownsKey(String key) {
        for (String prefix : OWN_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** This configuration with {@code exchange}'s endpoints replaced (as named by the service configuration). */
    public ReliabilityConfig withEndpoints(String exchange, List<String> endpoints) {
        return with(exchange(exchange).withEndpoints(endpoints));
    }

    /** This configuration with {@code profile} added, or replacing the exchange's profile of the same name. */
    public ReliabilityConfig with(ExchangeProfile profile) {
        Map<String, ExchangeProfile> copy = new TreeMap<>(exchanges);
        copy.put(profile.name(), Objects.requireNonNull(profile, "profile"));
        return new ReliabilityConfig(copy, clockSkewToleranceMillis, domains);
    }

    /** This configuration with another {@link #clockSkewToleranceMillis()}, in [0, 3600000] ms. */
    public ReliabilityConfig withClockSkewToleranceMillis(long millis) {
        return new ReliabilityConfig(exchanges, millis, domains);
    }

    /**
     * How far ahead of the engine's {@code now} a saved clock may be before it counts as skewed
     * ({@code state.clock.skew.tolerance.ms}): saved state whose clock is further ahead (written by an instance whose
     * clock ran fast) is moved back to {@code now} when loaded, and so is loaded state when the engine's {@code now}
     * steps back by more than this. Within it, the components' clocks simply do not move backwards.
     */
    public long clockSkewToleranceMillis() {
        return clockSkewToleranceMillis;
    }

    /**
     * This configuration with only the exchanges named (those a service serves): the others, presets included, are
     * not configured in it. IllegalArgumentException for a name that has no profile.
     */
    public ReliabilityConfig servingOnly(java.util.Collection<String> names) {
        Map<String, ExchangeProfile> served = new TreeMap<>();
        for (String name : names) {
            served.put(name, exchange(name));
        }
        return new ReliabilityConfig(served, clockSkewToleranceMillis, domains);
    }

    /**
     * This configuration knowing the limit domains its caller routes tasks to, by name, with the exchange (profile)
     * each belongs to: a new engine loads the saved state of each before it hands out probes, so that it knows their
     * bans. IllegalArgumentException for an exchange that is not configured.
     */
    public ReliabilityConfig withDomains(Map<String, String> exchangeByDomain) {
        exchangeByDomain.values().forEach(this::exchange);
        return new ReliabilityConfig(exchanges, clockSkewToleranceMillis, exchangeByDomain);
    }

    /** The limit domains given by {@link #withDomains}, with the exchange of each, in the order given. */
    public Map<String, String> domains() {
        return domains;
    }

    /**
     * The egress routes the domains of {@code exchange} name ({@link DomainId#route()}), in the order of
     * {@link #domains()}, each once; empty when none names a route.
     */
    public List<String> routesOf(String exchange) {
        return routesByExchange.getOrDefault(exchange, List.of());
    }

    /** The profile of {@code exchange}; IllegalArgumentException when it is not configured. */
    public ExchangeProfile exchange(String exchange) {
        ExchangeProfile profile = exchanges.get(exchange);
        if (profile == null) {
            throw new IllegalArgumentException("exchange '" + exchange + "' is not configured; configured: "
                    + exchanges.keySet());
        }
        return profile;
    }

    /** Names of the configured exchanges, sorted. */
    public Set<String> exchangeNames() {
        return exchanges.keySet();
    }

    /** The declaration of every key {@link #fromMap} accepts: type, default, allowed values and meaning. */
    public static ConfigTable table() {
        return Settings.TABLE;
    }

    @Override
    public String toString() {
        return "ReliabilityConfig" + exchanges.values() + ", clockSkewToleranceMillis=" + clockSkewToleranceMillis;
    }

    private static ExchangeProfile applyKeys(ExchangeProfile base, Map<String, String> global,
                                             Map<String, String> own) {
        String prefix = EXCHANGE_PREFIX + base.name() + ".";
        ExchangeProfile start = own.containsKey("endpoints")
                ? base.withEndpoints(splitList(own.get("endpoints"))) : base;
        ExchangeProfile profile = start;
        Map<Setting.Part, Object> builders = new EnumMap<>(Setting.Part.class);
        for (Map.Entry<String, String> entry : global.entrySet()) {
            Setting<?, ?> setting = Settings.BY_NAME.get(entry.getKey());
            setting.apply(builders.computeIfAbsent(setting.part, part -> part.open(start)), entry.getKey(),
                    entry.getValue());
        }
        for (Map.Entry<String, String> entry : own.entrySet()) {
            String name = entry.getKey();
            Setting<?, ?> setting = Settings.BY_NAME.get(name);
            if (setting != null) {
                setting.apply(builders.computeIfAbsent(setting.part, part -> part.open(start)), prefix + name,
                        entry.getValue());
            } else if (!name.equals("endpoints")) {
                profile = applyExchangeKey(profile, name, prefix + name, entry.getValue());
            }
        }
        ExchangeProfile.Builder target = profile.toBuilder();
        builders.forEach((part, builder) -> {
            try {
                part.close(builder, target);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(prefix + part.prefix + ": " + inKeys(e.getMessage(), part, prefix,
                        own), e);
            }
        });
        return target.build();
    }

    /**
     * A component builder's message with its property names (e.g. {@code maxWaitInOpenMillis}) told as the keys
     * that set them, the exchange's own key where it has one, else the global key.
     */
    private static String inKeys(String message, Setting.Part part, String prefix, Map<String, String> own) {
        Map<String, String> keyByProperty = new LinkedHashMap<>();
        for (Setting<?, ?> setting : Settings.BY_NAME.values()) {
            if (setting.part == part && !setting.property.equals(setting.property.toLowerCase(Locale.ROOT))) {
                keyByProperty.put(setting.property, own.containsKey(setting.name) ? prefix + setting.name
                        : setting.name);
            }
        }
        Matcher property = Pattern.compile("\\b(" + String.join("|", keyByProperty.keySet()) + ")\\b")
                .matcher(String.valueOf(message));
        return property.replaceAll(match -> Matcher.quoteReplacement(keyByProperty.get(match.group(1))));
    }

    /** Applies a key only an exchange has: a weight or a classification rule. */
    private static ExchangeProfile applyExchangeKey(ExchangeProfile profile, String name, String key, String value) {
        String text = value == null ? "" : value.trim();
        if (name.startsWith("weight.") && name.length() > "weight.".length()) {
            try {
                return profile.toBuilder().weights(profile.weights().with(name.substring("weight.".length()), text))
                        .build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(EXCHANGE_PREFIX + profile.name() + "." + e.getMessage(), e);
            }
        }
        UnaryOperator<ClassificationRules.Builder> rule =
                classificationRule(name, key, text);
        if (rule == null) {
            throw unknownKey(key);
        }
        return profile.toBuilder().classification(rule.apply(profile.classification().toBuilder()).build()).build();
    }

    private static UnaryOperator<ClassificationRules.Builder> classificationRule(
            String name, String key, String text) {
        String[] kinds = {"error.code.", "error.status.", "error.exception."};
        for (String kind : kinds) {
            if (name.startsWith(kind) && name.length() > kind.length()) {
                String subject = name.substring(kind.length());
                ErrorClass errorClass = ValueType.oneOf(ErrorClass.class).parse(key, text);
                switch (kind) {
                    case "error.code.":
                        return b -> b.exchangeCode(subject, errorClass);
                    case "error.status.":
                        int status = ValueType.integer(100, 599).parse(key + " (status)", subject);
                        return b -> b.status(status, errorClass);
                    default:
                        return b -> b.exception(subject, errorClass);
                }
            }
        }
        return null;
    }

    private static List<String> splitList(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static IllegalArgumentException unknownKey(String key) {
        return Settings.TABLE.unknownKey(key);
    }
}
