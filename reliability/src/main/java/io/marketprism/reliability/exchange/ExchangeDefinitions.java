package io.marketprism.reliability.exchange;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The exchange definitions a service knows: those shipped in the jar (Binance, OKX, Deribit, Bybit), with user files
 * on top. A user file whose {@code exchange} names a shipped definition is merged into it (objects key by key, other
 * values replaced), so a file may change one limit or one host; a file naming a new exchange adds it. Immutable.
 */
public final class ExchangeDefinitions {

    /** The definitions shipped in the jar, by exchange name. */
    public static final List<String> BUILT_IN = List.of("binance", "bybit", "deribit", "okx");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final Map<String, ExchangeDefinition> byName;
    private final Map<String, ExchangeDefinition> byHostSet;

    private ExchangeDefinitions(Map<String, ExchangeDefinition> byName) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        Map<String, ExchangeDefinition> hostSets = new LinkedHashMap<>();
        for (ExchangeDefinition definition : byName.values()) {
            for (String hostSet : definition.hostSets().keySet()) {
                ExchangeDefinition other = hostSets.put(hostSet, definition);
                if (other != null) {
                    throw new IllegalArgumentException("host set '" + hostSet + "' is defined by both "
                            + other.name() + " and " + definition.name() + ": host set names must be unique");
                }
            }
        }
        this.byHostSet = Collections.unmodifiableMap(hostSets);
    }

    /** The shipped definitions alone. */
    public static ExchangeDefinitions builtIn() {
        return load(List.of());
    }

    /**
     * The shipped definitions with {@code files} applied in order.
     *
     * @throws IllegalArgumentException naming the file, the key and what is allowed, for a file that cannot be read
     *                                  or a definition that is not valid after merging
     */
    public static ExchangeDefinitions load(List<Path> files) {
        Map<String, ObjectNode> trees = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (String name : BUILT_IN) {
            String resource = name + ".json";
            trees.put(name, parse("built-in " + resource, ExchangeDefinitions.class.getResourceAsStream(resource)));
            origins.put(name, "built-in " + resource);
        }
        for (Path file : files) {
            ObjectNode tree;
            try {
                tree = parse(file.toString(), Files.newInputStream(file));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": cannot be read: " + e, e);
            }
            JsonNode name = tree.get("exchange");
            if (name == null || !name.isTextual()) {
                throw new IllegalArgumentException(file + ": exchange: required, the name of the exchange it defines"
                        + " or changes (shipped: " + BUILT_IN + ")");
            }
            ObjectNode base = trees.get(name.asText());
            trees.put(name.asText(), base == null ? tree : merge(base, tree));
            origins.merge(name.asText(), file.toString(), (before, added) -> before + " + " + added);
        }
        Map<String, ExchangeDefinition> definitions = new LinkedHashMap<>();
        trees.forEach((name, tree) -> definitions.put(name, DefinitionReader.read(origins.get(name), tree)));
        return new ExchangeDefinitions(definitions);
    }

    /** Every definition by exchange name. */
    public Map<String, ExchangeDefinition> all() {
        return byName;
    }

    /** The definition of {@code exchange}; IllegalArgumentException listing the known ones when there is none. */
    public ExchangeDefinition get(String exchange) {
        ExchangeDefinition definition = byName.get(exchange);
        if (definition == null) {
            throw new IllegalArgumentException("no exchange definition '" + exchange + "'; defined: "
                    + byName.keySet());
        }
        return definition;
    }

    /** The definition a host set belongs to. */
    public Optional<ExchangeDefinition> ofHostSet(String hostSet) {
        return Optional.ofNullable(byHostSet.get(hostSet));
    }

    private static ObjectNode parse(String origin, InputStream in) {
        if (in == null) {
            throw new IllegalStateException(origin + " is missing from the jar");
        }
        try (InputStream stream = in) {
            JsonNode tree = JSON.readTree(stream);
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException(origin + ": must hold one JSON object");
            }
            return (ObjectNode) tree;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(origin + ": not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(origin + ": cannot be read", e);
        }
    }

    /** {@code patch} over {@code base}: objects merged key by key, a null removes the key, other values replace. */
    private static ObjectNode merge(ObjectNode base, ObjectNode patch) {
        ObjectNode merged = base.deepCopy();
        patch.fields().forEachRemaining(e -> {
            JsonNode before = merged.get(e.getKey());
            JsonNode value = e.getValue();
            if (value.isNull()) {
                merged.remove(e.getKey());
            } else if (before instanceof ObjectNode b && value instanceof ObjectNode v) {
                merged.set(e.getKey(), merge(b, v));
            } else {
                merged.set(e.getKey(), value.deepCopy());
            }
        });
        return merged;
    }
}
