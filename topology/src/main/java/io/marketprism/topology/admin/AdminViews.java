package io.marketprism.topology.admin;

import java.util.List;
import java.util.Map;

/**
 * What the admin API answers, one record per row; {@code instance} is the host:port of the instance owning the
 * state. Times are epoch millis. Rendered as JSON by {@link AdminJson}.
 */
public final class AdminViews {

    private AdminViews() {
    }

    /**
     * One endpoint's circuit breaker on the egress routes of one partition.
     *
     * @param routes         the egress routes whose calls this breaker judges: those of its host set decided on the
     *                       partition that holds it (one while there are no more routes than partitions)
     * @param state          CLOSED, OPEN, HALF_OPEN, FORCED_OPEN or DISABLED
     * @param failureRate    percent of failed calls in the window, -1 while the window is empty
     * @param slowCallRate   percent of slow calls in the window, -1 while the window is empty
     * @param bufferedCalls  calls in the window
     * @param openingsInARow times it opened without closing in between
     * @param since          when it entered {@code state}
     */
    public record BreakerView(String instance, String exchange, String endpoint, List<String> routes, String state,
                              double failureRate, double slowCallRate, int bufferedCalls, int openingsInARow,
                              long since) {
    }

    /**
     * One endpoint as the load balancer of one partition sees it.
     *
     * @param routes            the egress routes of the calls this balancer makes (see {@link BreakerView})
     * @param health            moving success rate, 1 healthy to 0 failing
     * @param latencyEwmaMillis moving average latency, -1 before the first call
     * @param ejectedUntil      end of the ejection, 0 when not ejected
     */
    public record EndpointView(String instance, String exchange, String endpoint, List<String> routes, double health,
                               double latencyEwmaMillis, int inFlight, boolean ejected, long ejectedUntil) {
    }

    /**
     * One limit domain's limiter and retry budget.
     *
     * @param bannedUntil          end of the exchange's ban, 0 when not banned
     * @param rateFactor           refill rate as a share of the configured one
     * @param tokens               tokens in the bucket when the state was last saved
     * @param windowUsage          share of each rolling window used, by window ({@code weight:6000/60000})
     * @param retryBudgetAvailable retries the budget still grants
     */
    public record DomainView(String instance, String domain, String exchange, boolean banned, long bannedUntil,
                             double rateFactor, double tokens, Map<String, Double> windowUsage,
                             long retryBudgetAvailable) {
    }

    /** Tasks waiting in one limit domain's queue, by priority (CRITICAL, HIGH, NORMAL, LOW). */
    public record QueueView(String instance, String domain, Map<String, Integer> depthByPriority, int total) {
    }
}
