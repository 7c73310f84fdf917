package io.marketprism.reliability.engine;

import java.util.Objects;

/**
 * An active health check the caller should make of {@code endpoint} of {@code exchange}: it is ejected and its
 * ejection time is over, or its breaker awaits a trial call; it takes no task until {@link DecisionEngine#recordProbe}
 * learns that probes succeeded. It is sent on egress {@code route}, one on which the exchange bans no limit domain;
 * null when the exchange's domains name no route (the caller's only or default one).
 *
 * @param domain the limit domain whose budget the probe took, {@code weight} of it, counted at the time
 *               {@link DecisionEngine#probesDue} handed it out; the caller reports the answer's time with
 *               {@link DecisionEngine#countProbeAnswered}. Null, with weight 0, when the probe is charged to no domain
 */
public record ProbeRequest(String exchange, String endpoint, String route, String domain, int weight) {

    public ProbeRequest {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(endpoint, "endpoint");
    }

    /** A probe charged to no limit domain. */
    public ProbeRequest(String exchange, String endpoint, String route) {
        this(exchange, endpoint, route, null, 0);
    }
}
