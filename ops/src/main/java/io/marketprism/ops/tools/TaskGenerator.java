package io.marketprism.ops.tools;

import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates collector tasks for load and smoke tests: exchange, symbol and data type drawn uniformly, priority drawn
 * from a {@link PriorityMix}, ids {@code <prefix>-<runId>-<sequence>} so that every run produces ids of its own.
 * The same seed yields the same sequence of choices. Not thread-safe.
 */
public final class TaskGenerator {

    /** Instruments per exchange used when none are given. */
    public static final Map<String, List<String>> DEFAULT_SYMBOLS = Map.of(
            "binance", List.of("BTCUSDT", "ETHUSDT"),
            "okx", List.of("BTC-USDT", "ETH-USDT"),
            "deribit", List.of("BTC-PERPETUAL", "ETH-PERPETUAL"));

    private final String idPrefix;
    private final PriorityMix priorityMix;
    private final List<String> exchanges;
    private final Map<String, List<String>> symbols;
    private final List<DataType> dataTypes;
    private final Random random;
    private final Clock clock;
    private long sequence;

    private TaskGenerator(Builder b) {
        this.idPrefix = b.idPrefix + "-" + b.runId + "-";
        this.priorityMix = b.priorityMix;
        this.exchanges = List.copyOf(b.symbols.keySet());
        this.symbols = Map.copyOf(b.symbols);
        this.dataTypes = List.copyOf(b.dataTypes);
        this.random = new Random(b.seed);
        this.clock = b.clock;
    }

    /** Starts building; defaults: prefix {@code produce}, binance, okx and deribit with their default symbols, every data type. */
    public static Builder builder() {
        return new Builder();
    }

    /** The next task, created now by the injected clock. */
    public CollectorTask next() {
        String exchange = exchanges.get(random.nextInt(exchanges.size()));
        List<String> instruments = symbols.get(exchange);
        return CollectorTask.newBuilder()
                .setTaskId(idPrefix + sequence++)
                .setExchange(exchange)
                .setDataType(dataTypes.get(random.nextInt(dataTypes.size())))
                .setSymbol(instruments.get(random.nextInt(instruments.size())))
                .setPriority(priorityMix.pick(random))
                .setCreatedAt(clock.instant())
                .build();
    }

    /** Builder of {@link TaskGenerator}; setters validate, {@link #build()} checks symbols against exchanges. */
    public static final class Builder {
        private String idPrefix = "produce";
        private String runId = "run";
        private PriorityMix priorityMix = PriorityMix.parse("NORMAL=1");
        private List<String> exchangeNames = List.of("binance", "okx", "deribit");
        private final Map<String, List<String>> symbolOverrides = new LinkedHashMap<>();
        private final Map<String, List<String>> symbols = new LinkedHashMap<>();
        private List<DataType> dataTypes = List.of(DataType.ORDER_BOOK, DataType.TRADES, DataType.TICKER,
                DataType.FUNDING_RATE, DataType.OPEN_INTEREST);
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

        /** The instruments of one exchange; at least one. */
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
                throw new IllegalArgumentException("--data-types: give at least one of ORDER_BOOK, TRADES, TICKER, "
                        + "FUNDING_RATE, OPEN_INTEREST; got " + value);
            }
            this.dataTypes = List.copyOf(value);
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
         * @throws IllegalArgumentException when an exchange has neither given nor default symbols, or symbols are
         *     given for an exchange that is not drawn from
         */
        public TaskGenerator build() {
            symbols.clear();
            for (String exchange : exchangeNames) {
                List<String> instruments = symbolOverrides.getOrDefault(exchange, DEFAULT_SYMBOLS.get(exchange));
                if (instruments == null) {
                    throw new IllegalArgumentException("--symbols: exchange '" + exchange + "' has no default "
                            + "symbols; give them, e.g. --symbols " + exchange + "=BTCUSDT,ETHUSDT");
                }
                symbols.put(exchange, instruments);
            }
            List<String> unused = new ArrayList<>(symbolOverrides.keySet());
            unused.removeAll(exchangeNames);
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException("--symbols: " + unused + " not among --exchanges " + exchangeNames);
            }
            return new TaskGenerator(this);
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
