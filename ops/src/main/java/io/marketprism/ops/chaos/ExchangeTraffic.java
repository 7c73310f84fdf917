package io.marketprism.ops.chaos;

import io.marketprism.ops.exchange.ServedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the simulated exchange's request log tells about how the service treated an endpoint: calls it made while it
 * knew of a ban, how long market-data calls kept reaching an endpoint after it went down, and how long they took to
 * come back after it recovered. Health checks are left out of the last two: probing a dead endpoint is intended.
 */
public final class ExchangeTraffic {

    /** A pause in market-data calls this long means the traffic has left an endpoint. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final Duration WINDOW = Duration.ofSeconds(1);

    private final List<ServedRequest> requests;

    public ExchangeTraffic(List<ServedRequest> requests) {
        this.requests = requests.stream().sorted(Comparator.comparing(ServedRequest::time)).toList();
    }

    /**
     * Requests that reached an endpoint (strict mode: any host of the banned route) while it was banned, later than
     * {@code grace} after the first request answered as banned: the service knew of the ban and should have held them
     * back (calls already on the wire may still arrive).
     */
    public List<String> callsWhileBanned(Duration grace) {
        Map<String, List<ServedRequest>> byEndpoint = requests.stream()
                .collect(Collectors.groupingBy(ServedRequest::banScope));
        List<String> violations = new ArrayList<>();
        byEndpoint.values().forEach(served -> {
            Instant announced = null;
            for (ServedRequest request : served) {
                if (!request.banned()) {
                    announced = null;
                } else if (announced == null) {
                    announced = request.time();
                } else if (request.time().isAfter(announced.plus(grace))) {
                    violations.add(request.endpointId() + ": ban announced at " + announced + ", called at "
                            + request.time() + (request.healthCheck() ? " (health check)" : " (market data)"));
                }
            }
        });
        return violations;
    }

    /**
     * How long after {@code downAt} market-data calls to the endpoints kept coming: the time of the last call before
     * the first pause of two seconds; empty when they never paused before {@code upAt}.
     */
    public Optional<Duration> timeToLeave(Collection<String> endpointIds, Instant downAt, Instant upAt) {
        Instant last = downAt;
        for (ServedRequest request : marketData(endpointIds)) {
            if (request.time().isBefore(downAt)) {
                continue;
            }
            if (Duration.between(last, request.time()).compareTo(QUIET) >= 0 || !request.time().isBefore(upAt)) {
                break;
            }
            last = request.time();
        }
        return Duration.between(last, upAt).compareTo(QUIET) >= 0
                ? Optional.of(Duration.between(downAt, last)) : Optional.empty();
    }

    /**
     * How long after {@code upAt} market-data calls to the endpoints came back: the end of the first one-second
     * window with at least half the calls per second they had in the ten seconds before {@code downAt}; empty when
     * none did before {@code until}.
     */
    public Optional<Duration> timeToReturn(Collection<String> endpointIds, Instant downAt, Instant upAt,
                                           Instant until) {
        List<ServedRequest> calls = marketData(endpointIds);
        Instant before = downAt.minus(Duration.ofSeconds(10));
        double normalPerWindow = calls.stream().filter(r -> !r.time().isBefore(before) && r.time().isBefore(downAt))
                .count() / 10.0;
        for (Instant window = upAt; window.isBefore(until); window = window.plus(Duration.ofMillis(100))) {
            Instant start = window;
            Instant end = window.plus(WINDOW);
            long inWindow = calls.stream().filter(r -> !r.time().isBefore(start) && r.time().isBefore(end)).count();
            if (inWindow > 0 && inWindow >= normalPerWindow / 2) {
                return Optional.of(Duration.between(upAt, end));
            }
        }
        return Optional.empty();
    }

    private List<ServedRequest> marketData(Collection<String> endpointIds) {
        return requests.stream().filter(r -> !r.healthCheck() && endpointIds.contains(r.endpointId())).toList();
    }
}
