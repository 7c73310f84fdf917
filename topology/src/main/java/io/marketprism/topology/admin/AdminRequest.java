package io.marketprism.topology.admin;

import io.marketprism.topology.config.ServiceConfig;
import io.marketprism.topology.exchange.ExchangeRoutes;
import java.util.List;

/**
 * One admin call parsed from its method and path: a listing ({@code GET /admin/breakers}) or a command
 * ({@code POST /admin/breakers/binance/api1/force-open}, {@code POST /admin/bans/binance.spot.direct/lift}).
 */
record AdminRequest(ClusterQueries.Listing listing, AdminCommand command) {

    /** The request, or null when method and path name no admin call. */
    static AdminRequest parse(String method, String path) {
        String[] parts = path.replaceAll("/+$", "").split("/");
        // parts[0] is empty, parts[1] is "admin".
        if (parts.length == 3 && method.equals("GET")) {
            for (ClusterQueries.Listing listing : ClusterQueries.Listing.values()) {
                if (listing.path().equals("/admin/" + parts[2])) {
                    return new AdminRequest(listing, null);
                }
            }
            return null;
        }
        if (!method.equals("POST")) {
            return null;
        }
        if (parts.length == 6 && parts[2].equals("breakers")) {
            AdminCommand.Action action = switch (parts[5]) {
                case "force-open" -> AdminCommand.Action.FORCE_OPEN;
                case "close" -> AdminCommand.Action.CLOSE;
                case "reset" -> AdminCommand.Action.RESET;
                default -> null;
            };
            return action == null ? null : new AdminRequest(null, AdminCommand.of(action, parts[3], parts[4]));
        }
        if (parts.length == 5 && parts[2].equals("bans") && parts[4].equals("lift")) {
            return new AdminRequest(null, AdminCommand.of(AdminCommand.Action.LIFT_BAN, parts[3], null));
        }
        return null;
    }

    /** Why the command names nothing configured, or null when its domain, or exchange and endpoint, exist. */
    String unknownTarget(ServiceConfig config) {
        if (command.action() == AdminCommand.Action.LIFT_BAN) {
            List<String> domains = config.routes().domains().stream().map(ExchangeRoutes.Domain::name).toList();
            return domains.contains(command.domain()) ? null
                    : "unknown limit domain '" + command.domain() + "'; domains: " + domains;
        }
        var endpoints = config.endpointsByExchange().get(command.domain());
        if (endpoints == null) {
            return "unknown exchange '" + command.domain() + "'; configured: " + config.exchanges();
        }
        if (command.endpoint() != null && endpoints.stream().noneMatch(e -> e.name().equals(command.endpoint()))) {
            return "exchange '" + command.domain() + "' has no endpoint '" + command.endpoint() + "'";
        }
        return null;
    }
}
