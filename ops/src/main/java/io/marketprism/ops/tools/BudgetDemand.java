package io.marketprism.ops.tools;

import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.exchange.ExchangeDefinition;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.reliability.exchange.ExchangeRequest;
import io.marketprism.reliability.exchange.LimitRule;
import io.marketprism.reliability.limiter.WindowMeasure;
import io.marketprism.schemas.CollectorTask;
import io.marketprism.schemas.DataType;
import io.marketprism.schemas.Priority;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demand that exceeds every limit group of the exchange definitions by a factor: every (exchange, market, data type)
 * a definition offers, one instrument each, asked for at {@code factor} times the share of its group's budget it
 * would get if the group's requests shared it evenly (of its instrument's budget, in a group limited per instrument:
 * each instrument has the whole limits). Of every ten tasks of a line one is CRITICAL, two HIGH, five
 * NORMAL and two LOW, so that the budget the limiter keeps for CRITICAL tasks is asked for too. For floods and
 * budget-use benchmarks against the strict simulator. Not thread-safe.
 */
public final class BudgetDemand {

    /** One kind of request and how many of it are asked for per second. */
    public record Line(String exchange, String market, DataType dataType, String symbol, String limitGroup,
                       double perSecond) {
    }

    /** The priorities of every ten tasks of a line, in turn. */
    private static final Priority[] MIX = {Priority.CRITICAL, Priority.NORMAL, Priority.HIGH, Priority.NORMAL,
        Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.NORMAL, Priority.LOW, Priority.NORMAL};

    private final List<Line> lines;
    private final double[] owed;
    private final long[] asked;
    private long sequence;

    private BudgetDemand(List<Line> lines) {
        this.lines = List.copyOf(lines);
        this.owed = new double[lines.size()];
        this.asked = new long[lines.size()];
    }

    /**
     * The demand of every request of {@code exchanges} that {@link TaskGenerator#DEFAULT_SYMBOLS} has an instrument
     * for, at {@code factor} times its share of its group's budget (or its instrument's); weights from the engine's
     * profiles.
     */
    public static BudgetDemand of(ExchangeDefinitions definitions, ReliabilityConfig profiles, List<String> exchanges,
                                  double factor) {
        // The lines that share one budget: a group's, or an instrument's of a group limited per instrument.
        Map<String, List<Line>> byBudget = new LinkedHashMap<>();
        for (String name : exchanges) {
            ExchangeDefinition definition = definitions.get(name);
            Map<String, List<String>> symbols = TaskGenerator.DEFAULT_SYMBOLS.getOrDefault(name, Map.of());
            definition.markets().forEach((market, spec) -> {
                List<String> instruments = symbols.get(market);
                if (instruments == null) {
                    return;
                }
                spec.requests().keySet().forEach(type -> {
                    ExchangeRequest request;
                    try {
                        request = definition.request(market, type, instruments.get(0), Map.of());
                    } catch (IllegalArgumentException needsParameters) {
                        return;
                    }
                    int weight = profiles.exchange(request.hostSet()).weightOf(type, request.query());
                    double capacity = Double.MAX_VALUE;
                    for (LimitRule rule : definition.limitGroups().get(request.limitGroup()).rules()) {
                        double units = rule.measure() == WindowMeasure.WEIGHT ? weight : 1;
                        capacity = Math.min(capacity, rule.limit() * 1000.0 / rule.windowMillis() / units);
                    }
                    String group = name + "." + request.limitGroup();
                    String budget = definition.limitGroups().get(request.limitGroup()).perInstrument()
                            ? group + "/" + instruments.get(0) : group;
                    byBudget.computeIfAbsent(budget, b -> new ArrayList<>()).add(new Line(name, market,
                            DataType.valueOf(type), instruments.get(0), group, capacity));
                });
            });
        }
        List<Line> lines = new ArrayList<>();
        byBudget.values().forEach(sharing -> sharing.forEach(line -> lines.add(new Line(line.exchange(), line.market(),
                line.dataType(), line.symbol(), line.limitGroup(), factor * line.perSecond() / sharing.size()))));
        return new BudgetDemand(lines);
    }

    public List<Line> lines() {
        return lines;
    }

    /** Tasks asked per second, all lines together. */
    public double perSecond() {
        return lines.stream().mapToDouble(Line::perSecond).sum();
    }

    /**
     * The tasks owed after {@code elapsedMillis} more of demand, each with id {@code <prefix>-<n>}, created at
     * {@code now} and due by {@code now + deadlineMillis}.
     */
    public List<CollectorTask> next(long elapsedMillis, String prefix, Instant now, long deadlineMillis) {
        List<CollectorTask> tasks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            owed[i] += line.perSecond() * elapsedMillis / 1000.0;
            for (; owed[i] >= 1; owed[i]--) {
                tasks.add(CollectorTask.newBuilder().setTaskId(prefix + "-" + sequence++)
                        .setExchange(line.exchange()).setMarket(line.market()).setDataType(line.dataType())
                        .setSymbol(line.symbol()).setPriority(MIX[(int) (asked[i]++ % MIX.length)]).setCreatedAt(now)
                        .setDeadline(now.plusMillis(deadlineMillis)).build());
            }
        }
        return tasks;
    }
}
