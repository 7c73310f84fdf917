package io.marketprism.ops.bench;

import io.marketprism.ops.exchange.LimitUsage;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The figures of one {@link BudgetUseBenchmark} run: per (venue, limit group), as the strict simulator counted it,
 * the units charged against the units the group allows over the run ({@link LimitUsage#share}), and the limit
 * answers.
 *
 * @param factor            demand over every group's budget
 * @param kinds             kinds of request asked for (exchange × market × data type)
 * @param tasksPerSecond    tasks produced per second
 * @param runMillis         from the first call the simulator received to the end of the demand
 * @param loadBefore        system load average (1 minute) before the run
 * @param loadAfter         the same after it
 * @param usage             every (venue, route, limit group) the simulator charged or refused
 * @param otherClientErrors calls answered with a 4xx other than a limit's (a wrong host, path or parameter)
 */
public record BudgetUseReport(double factor, int kinds, double tasksPerSecond, long runMillis, double loadBefore,
                              double loadAfter, List<LimitUsage> usage, long otherClientErrors) {

    /**
     * Limits that cannot bind while another of the same requests does: Binance spot's raw requests (300,000 per 5
     * minutes), since every spot request weighs at least 2 of the 6,000 per minute, so at most 3,000 a minute.
     */
    public static final Set<String> NEVER_BINDING = Set.of("binance-spot RAW_REQUESTS");

    public BudgetUseReport {
        usage = usage.stream().sorted(Comparator.comparing(LimitUsage::venue).thenComparing(LimitUsage::group))
                .toList();
    }

    /** The share of its budget each limit group that can bind used over the run, by "venue group". */
    public Map<String, Double> shares() {
        Map<String, Double> shares = new TreeMap<>();
        for (LimitUsage u : usage) {
            String group = name(u);
            if (!NEVER_BINDING.contains(group)) {
                shares.put(group, u.share(runMillis));
            }
        }
        return shares;
    }

    /** 429s answered, all groups together. */
    public long rejected() {
        return usage.stream().mapToLong(LimitUsage::rejected).sum();
    }

    /** Calls answered with a ban (418, Bybit's 403 while blocked), counted once per venue and route. */
    public long banned() {
        return usage.stream().collect(Collectors.toMap(u -> u.venue() + " " + u.route(), LimitUsage::banned,
                Math::max)).values().stream().mapToLong(Long::longValue).sum();
    }

    /** A line per limit group, then the totals. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Budget use %d kinds of request at %.0f× their budgets, %.0f tasks/s, "
                + "%.0f s%n", kinds, factor, tasksPerSecond, runMillis / 1000.0));
        sb.append(BenchmarkReport.machineLine(loadBefore, loadAfter)).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "%-14s %-34s %-22s %5s %10s %10s %7s %6s %6s%n", "venue", "limit group",
                "limit", "inst.", "charged", "allowed", "share", "429s", "bans"));
        for (LimitUsage u : usage) {
            sb.append(String.format(Locale.ROOT, "%-14s %-34s %-22s %5d %10d %10.0f %7s %6d %6d%n", u.venue(),
                    u.group(), limit(u), u.scopes(), u.charged(), u.allowed(runMillis), share(u), u.rejected(),
                    u.banned()));
        }
        sb.append(String.format(Locale.ROOT, "lowest share %s, %d 429s, %d bans, %d other 4xx%n", lowestShare(),
                rejected(), banned(), otherClientErrors));
        return sb.toString();
    }

    /** The figures as a table for docs/performance.md. */
    public String markdown() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d kinds of request at %.0f× their "
                + "budgets (%.0f tasks/s), %.0f s, strict simulator, direct route. Lowest share %s; %d 429s, %d "
                + "bans, %d other 4xx.%n%n", kinds, factor, tasksPerSecond, runMillis / 1000.0, lowestShare(),
                rejected(), banned(), otherClientErrors));
        sb.append("| Venue | Limit group | Limit | Instruments | Charged | Allowed | Share | 429s | Bans |")
                .append(System.lineSeparator()).append("|---|---|---|---|---|---|---|---|---|")
                .append(System.lineSeparator());
        for (LimitUsage u : usage) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %,d | %,.0f | %s | %d | %d |%n", u.venue(),
                    u.group(), limit(u), u.scopes(), u.charged(), u.allowed(runMillis), share(u), u.rejected(),
                    u.banned()));
        }
        return sb.toString();
    }

    private String lowestShare() {
        return shares().entrySet().stream().min(Map.Entry.comparingByValue())
                .map(e -> String.format(Locale.ROOT, "%.1f %% (%s)", 100 * e.getValue(), e.getKey()))
                .orElse("none");
    }

    private String share(LimitUsage u) {
        String percent = String.format(Locale.ROOT, "%.1f %%", 100 * u.share(runMillis));
        return NEVER_BINDING.contains(name(u)) ? "(" + percent + ")" : percent;
    }

    private static String limit(LimitUsage u) {
        return u.limit() + " " + u.unit() + " / " + u.window().toSeconds() + " s";
    }

    private static String name(LimitUsage u) {
        return u.venue() + " " + u.group();
    }
}
