package io.marketprism.topology.config;

import io.marketprism.reliability.exchange.ExchangeDefinition;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.reliability.exchange.ExchangeRequest;
import io.marketprism.reliability.exchange.HostSet;
import io.marketprism.reliability.exchange.LimitGroup;
import io.marketprism.reliability.exchange.LimitRule;
import io.marketprism.reliability.exchange.RequestSpec;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The exchange tables of the docs, rendered from exchange definitions: the URL of every (exchange, market, data type)
 * request with its weight and limit group, then every limit group's rules.
 */
final class ExchangeTables {

    /** A symbol of the exchange's own form per market, to show the request with; "SYMBOL" when none is known. */
    private static final Map<String, String> EXAMPLES = Map.of("binance", "BTCUSDT", "okx", "BTC-USDT",
            "deribit", "BTC-PERPETUAL", "bybit", "BTCUSDT");

    private ExchangeTables() {
    }

    static String markdown(ExchangeDefinitions definitions) {
        StringBuilder md = new StringBuilder();
        md.append("| Exchange | Market | Data type | Request (first endpoint of the host set) | Weight | Limit group |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (ExchangeDefinition definition : definitions.all().values()) {
            String symbol = EXAMPLES.getOrDefault(definition.name(), "SYMBOL");
            definition.markets().forEach((market, spec) -> spec.requests().forEach((type, request) -> {
                HostSet hosts = definition.hostSets().get(spec.hostSet());
                md.append("| ").append(definition.name()).append(" | ").append(market).append(" | ").append(type)
                        .append(" | `").append(hosts.endpoints().values().iterator().next())
                        .append(example(definition, market, request, symbol)).append("` | ")
                        .append(request.weight().replace("|", "\\|")).append(" | ").append(request.limitGroup())
                        .append(" |\n");
            }));
        }
        md.append('\n');
        md.append("| Exchange | Limit group | Host set | Rules (each counted per egress route) | Used-weight header |\n");
        md.append("|---|---|---|---|---|\n");
        for (ExchangeDefinition definition : definitions.all().values()) {
            for (LimitGroup group : definition.limitGroups().values()) {
                md.append("| ").append(definition.name()).append(" | ").append(group.name()).append(" | ")
                        .append(group.hostSet()).append(" | ")
                        .append(group.rules().stream().map(LimitRule::describe).collect(Collectors.joining("; ")))
                        .append(" | ").append(group.usedWeightHeader() == null ? "" : "`" + group.usedWeightHeader()
                                + "`").append(" |\n");
            }
        }
        return md.toString();
    }

    /**
     * The path and query of the request for {@code symbol}, required parameters without a default shown as
     * {@code <name>}.
     */
    private static String example(ExchangeDefinition definition, String market, RequestSpec request, String symbol) {
        Map<String, String> placeholders = request.required().stream().filter(p -> !request.defaults()
                .containsKey(p) && !request.fixed().containsKey(p) && !p.equals(request.symbolParam()))
                .collect(Collectors.toMap(p -> p, p -> "<" + p + ">"));
        ExchangeRequest built = definition.request(market, request.dataType(), symbol, placeholders);
        return built.pathAndQuery().replace("%3C", "<").replace("%3E", ">");
    }
}
