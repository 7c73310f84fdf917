package io.marketprism.ops.exchange;

import java.time.Duration;

/**
 * How much of one limit group one route has used on a strict simulated exchange, for tests and {@code /__sim/stats}.
 * For a group counted per instrument, {@code used} and {@code peak} are those of its busiest instrument.
 *
 * @param venue    the host family, e.g. {@code binance-spot}
 * @param route    the client route (the second path segment of the base URL)
 * @param group    the limit group, e.g. {@code REQUEST_WEIGHT}
 * @param unit     {@code weight}, {@code requests} or {@code credits}
 * @param limit    units allowed per window (a credit pool's capacity)
 * @param window   the window (a credit pool's time to refill from empty)
 * @param used     units used in the current window (credits missing from the pool)
 * @param peak     the most units used in any window so far
 * @param charged  units charged in total
 * @param admitted requests that passed this group
 * @param rejected requests rejected for this group's limit (429, or Bybit's 403)
 * @param banned   requests answered with a ban (418, or Bybit's 403 while blocked), counted on every group of the
 *                 venue the route uses
 * @param scopes   the instruments charged, for a group counted per instrument (each has the whole limit); 1 else
 */
public record LimitUsage(String venue, String route, String group, String unit, long limit, Duration window,
                         long used, long peak, long charged, long admitted, long rejected, long banned, int scopes) {

    /** The peak as a share of the limit, in [0, 1]. */
    public double peakShare() {
        return (double) peak / limit;
    }

    /**
     * Units the group allows over a run of {@code runMillis}: its limit per window for every instrument charged, and
     * at least one window's worth, since a rolling window lets its whole limit through at once.
     */
    public double allowed(long runMillis) {
        return (double) limit * scopes * Math.max(1.0, (double) runMillis / window.toMillis());
    }

    /** The share of {@link #allowed} charged over a run of {@code runMillis}. */
    public double share(long runMillis) {
        return charged / allowed(runMillis);
    }
}
