package io.marketprism.ops.tools;

import io.marketprism.reliability.exchange.ExchangeDefinition;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates collector tasks for load and smoke tests: an exchange drawn uniformly, then one of the (market, data type)
 * pairs its definition offers, then a symbol of that market, priority drawn from a {@link PriorityMix}, ids
 * {@code <prefix>-<runId>-<sequence>} so that every run produces ids of its own. Only requests the definition can
 * build without parameters of the task's own are drawn (Deribit's klines need a time range). The same seed yields the
 * same sequence of choices. Not thread-safe.
 */
public final class TaskGenerator {

    /** Instruments per exchange and market used when none are given; markets without any are not drawn. */
    public static final Map<String, Map<String, List<String>>> DEFAULT_SYMBOLS = Map.of(
            "binance", Map.of("spot", List.of("BTCUSDT", "ETHUSDT"), "perp", List.of("BTCUSDT", "ETHUSDT"),
                    "futures", List.of("BTCUSDT_261225"), "coin-perp", List.of("BTCUSD_PERP", "ETHUSD_PERP"),
                    "coin-futures", List.of("BTCUSD_261225")),
            "okx", Map.of("spot", List.of("BTC-USDT", "ETH-USDT"), "perp", List.of("BTC-USDT-SWAP", "ETH-USDT-SWAP"),
                    "futures", List.of("BTC-USD-261225")),
            "deribit", Map.of("perp", List.of("BTC-PERPETUAL", "ETH-PERPETUAL"), "spot", List.of("BTC_USDC"),
                    "futures", List.of("BTC-26DEC26"), "option", List.of("BTC-26DEC26-100000-C")),
            "bybit", Map.of("spot", List.of("BTCUSDT", "ETHUSDT"), "perp", List.of("BTCUSDT", "ETHUSDT")));

    /** One request a task may ask for, and the symbols to draw for it. */
    private record Choice(String market, DataType dataType, List<String> symbols) {
    }

    private final String idPrefix;
    private final PriorityMix priorityMix;
    private final List<String> exchanges;
    private final Map<String, List<Choice>> choices;
    private final Random random;
    private final Clock clock;
    private long sequence;

    private TaskGenerator(Builder b) {
        this.idPrefix = b.idPrefix + "-" + b.runId + "-";
        this.priorityMix = b.priorityMix;
        this.exchanges = List.copyOf(b.choices.keySet());
        this.choices = Map.copyOf(b.choices);
        this.random = new Random(b.seed);
        this.clock = b.clock;
    }

    /**
     * Starts building; defaults: prefix {@code produce}, every shipped exchange with its default symbols, every data
     * type.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The next task, created now by the injected clock. */
    public CollectorTask next() {
        String exchange = exchanges.get(random.nextInt(exchanges.size()));
        List<Choice> offered = choices.get(exchange);
        Choice choice = offered.get(random.nextInt(offered.size()));
        return CollectorTask.newBuilder()
                .setTaskId(idPrefix + sequence++)
                .setExchange(exchange)
                .setMarket(choice.market())
                .setDataType(choice.dataType())
                .setSymbol(choice.symbols().get(random.nextInt(choice.symbols().size())))
                .setPriority(priorityMix.pick(random))
                .setCreatedAt(clock.instant())
                .build();
    }

    /** Builder of {@link TaskGenerator}; setters validate, {@link #build()} checks symbols against exchanges. */
    public static final class Builder {
        private String idPrefix = "produce";
        private String runId = "run";
        private PriorityMix priorityMix = PriorityMix.parse("NORMAL=1");
        private List<String> exchangeNames = List.of("binance", "bybit", "deribit", "okx");
        private final Map<String, List<String>> symbolOverrides = new LinkedHashMap<>();
        private final Map<String, List<Choice>> choices = new LinkedHashMap<>();
        private List<DataType> dataTypes = Arrays.stream(DataType.values()).filter(t -> t != DataType.UNKNOWN)
                .toList();
        private ExchangeDefinitions definitions = ExchangeDefinitions.builtIn();
        private long seed = 42;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The first part of every task id; letters, digits, '.', '_' and '-'. */
        public Builder idPrefix(String value) {
            this.idPrefix = idPart("--id-prefix", value);
            return this;
        }

        /** The part of every task id that tells this run from others; letters, digits, '.', '_' and '-'. */
        public Builder runId(String value) {
            this.runId = idPart("--run-id", value);
            return this;
        }

        public Builder priorityMix(PriorityMix value) {
            this.priorityMix = Objects.requireNonNull(value, "priorityMix");
            return this;
        }

        /** Exchanges to draw from, lower-cased; at least one. */
        public Builder exchanges(List<String> value) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("--exchanges: give at least one exchange");
            }
            this.exchangeNames = value.stream().map(e -> e.strip().toLowerCase(Locale.ROOT)).distinct().toList();
            return this;
        }

        /** The instruments of one exchange, drawn in every market of it; at least one. */
        public Builder symbols(String exchange, List<String> value) {
            List<String> cleaned = value.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (cleaned.isEmpty()) {
                throw new IllegalArgumentException("--symbols: give at least one symbol for " + exchange);
            }
            symbolOverrides.put(exchange.strip().toLowerCase(Locale.ROOT), cleaned);
            return this;
        }

        /** Data types to draw from; at least one, UNKNOWN not allowed. */
        public Builder dataTypes(List<DataType> value) {
            if (value.isEmpty() || value.contains(DataType.UNKNOWN)) {
                throw new IllegalArgumentException("--data-types: give at least one of " + Arrays.stream(
                        DataType.values()).filter(t -> t != DataType.UNKNOWN).toList() + "; got " + value);
            }
            this.dataTypes = List.copyOf(value);
            return this;
        }

        /** The definitions whose markets and data types are drawn from; the shipped ones by default. */
        public Builder definitions(ExchangeDefinitions value) {
            this.definitions = Objects.requireNonNull(value, "definitions");
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * @throws IllegalArgumentException when an exchange has no definition, neither given nor default symbols, or
         *     no requested data type; or symbols are given for an exchange that is not drawn from
         */
        public TaskGenerator build() {
            choices.clear();
            for (String exchange : exchangeNames) {
                if (!definitions.all().containsKey(exchange)) {
                    throw new IllegalArgumentException("--exchanges: '" + exchange + "' has no exchange definition;"
                            + " defined: " + definitions.all().keySet());
                }
                List<Choice> offered = choicesOf(definitions.get(exchange), symbolOverrides.get(exchange));
                if (offered.isEmpty()) {
                    throw new IllegalArgumentException("--symbols: exchange '" + exchange + "' has no default "
                            + "symbols for " + dataTypes + "; give them, e.g. --symbols " + exchange + "=BTCUSDT");
                }
                choices.put(exchange, offered);
            }
            List<String> unused = new ArrayList<>(symbolOverrides.keySet());
            unused.removeAll(exchangeNames);
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException("--symbols: " + unused + " not among --exchanges " + exchangeNames);
            }
            return new TaskGenerator(this);
        }

        /** The requests of {@code definition} a task without parameters can ask for, in definition order. */
        private List<Choice> choicesOf(ExchangeDefinition definition, List<String> givenSymbols) {
            List<Choice> offered = new ArrayList<>();
            Map<String, List<String>> defaults = DEFAULT_SYMBOLS.getOrDefault(definition.name(), Map.of());
            definition.markets().forEach((market, spec) -> {
                List<String> symbols = givenSymbols != null ? givenSymbols : defaults.get(market);
                if (symbols == null) {
                    return;
                }
                for (DataType type : dataTypes) {
                    if (buildable(definition, market, type, symbols.get(0))) {
                        offered.add(new Choice(market, type, symbols));
                    }
                }
            });
            return offered;
        }

        private static boolean buildable(ExchangeDefinition definition, String market, DataType type, String symbol) {
            try {
                definition.request(market, type.name(), symbol, Map.of());
                return true;
            } catch (IllegalArgumentException notOffered) {
                return false;
            }
        }

        private static String idPart(String option, String value) {
            if (value == null || !value.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(option + ": must be 1..64 letters, digits, '.', '_' or '-', got '"
                        + value + "'");
            }
            return value;
        }
    }
}
