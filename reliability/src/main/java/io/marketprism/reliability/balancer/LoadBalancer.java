package io.marketprism.reliability.balancer;

import io.marketprism.reliability.ErrorClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Chooses one of an exchange's endpoints per call. Endpoints the caller's {@link EndpointGate} refuses are never
 * picked; ejected outliers (too many failures in a row, or a low success rate) are not picked either unless more
 * than {@link BalancerConfig#panicThreshold()} of all endpoints are unavailable (panic mode). An ejection lasts
 * {@link BalancerConfig#baseEjectionMillis()}, doubling with repeated ejections up to the maximum, then the endpoint
 * waits for a successful active probe ({@link #probesDue}, {@link #onProbe}). A failed probe ejects it again for as
 * long, not longer: a probe is a single call, which an exchange failing a third of its calls at random fails by
 * chance one time in three, and doubling on it kept an endpoint that had recovered from a minute's outage out for
 * another 40 s. A dead endpoint costs one probe per ejection length.
 *
 * <p>Only failures that say something about the endpoint count against it: NON_RETRYABLE (bad request) and
 * RATE_LIMITED (domain budget) do not. Time is the caller's {@code now}. Not thread-safe.
 */
public final class LoadBalancer {

    private static final long SCALE = 1000;

    private final String exchange;
    private final BalancerConfig config;
    private final BalancerListener listener;
    private final EndpointState[] endpoints;
    private final int[] staticWeights;
    private final Map<String, EndpointState> byId;
    private final int maxEjected;
    /** Scratch space of {@link #pick}: gate answers and candidate indexes. */
    private final boolean[] permitted;
    private final int[] candidates;
    private final long[] weights;

    private int cursor;
    private long randomState;
    private boolean panic;
    private int ejectedCount;
    /** The latest time the balancer was told (epoch millis), for {@link BalancerSnapshot#rebasedTo}. */
    private long clock;
    /** Grows whenever the saved state changes; see {@link #changeCount()}. */
    private long changes;

    private LoadBalancer(String exchange, BalancerConfig config, BalancerListener listener,
                         BalancerSnapshot snapshot) {
        this.exchange = Objects.requireNonNull(exchange, "exchange");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        List<EndpointSpec> specs = config.endpoints();
        int n = specs.size();
        this.endpoints = new EndpointState[n];
        this.staticWeights = new int[n];
        this.byId = new HashMap<>(n * 2);
        int ring = config.successRateCalls();
        for (int i = 0; i < n; i++) {
            EndpointSpec spec = specs.get(i);
            endpoints[i] = snapshot == null ? new EndpointState(spec.id(), ring)
                    : snapshot.endpoint(spec.id()).map(s -> s.copy(ring))
                            .orElseGet(() -> new EndpointState(spec.id(), ring));
            staticWeights[i] = spec.weight();
            byId.put(spec.id(), endpoints[i]);
            ejectedCount += endpoints[i].ejected ? 1 : 0;
        }
        this.maxEjected = config.maxEjectedShare() == 0 ? 0
                : Math.max(1, (int) Math.floor(config.maxEjectedShare() * n));
        this.permitted = new boolean[n];
        this.candidates = new int[n];
        this.weights = new long[n];
        this.cursor = snapshot == null ? 0 : Math.floorMod(snapshot.cursor(), n);
        this.randomState = snapshot == null ? config.seed() : snapshot.randomState();
        this.panic = snapshot != null && snapshot.panic();
        this.clock = snapshot == null ? Long.MIN_VALUE : snapshot.clock();
    }

    /** A fresh balancer: every endpoint healthy, nothing in flight. */
    public static LoadBalancer create(String exchange, BalancerConfig config, BalancerListener listener) {
        return new LoadBalancer(exchange, config, listener, null);
    }

    /**
     * The balancer {@code snapshot} was taken of. Endpoint state is matched by id: removed endpoints are dropped,
     * new ones start fresh. With an unchanged config every future decision equals the original's.
     */
    public static LoadBalancer restore(String exchange, BalancerConfig config, BalancerSnapshot snapshot,
                                       BalancerListener listener) {
        return new LoadBalancer(exchange, config, listener, Objects.requireNonNull(snapshot, "snapshot"));
    }

    /**
     * A number that grows whenever something that {@link #snapshot} saves changes (a pick, a call sent or answered,
     * an ejection, a probe, panic mode): a caller saves the balancer when it moved since its last save.
     */
    public long changeCount() {
        return changes;
    }

    /** The balancer's state as a value; later changes to the balancer do not affect it. */
    public BalancerSnapshot snapshot() {
        List<EndpointState> copies = new ArrayList<>(endpoints.length);
        for (EndpointState endpoint : endpoints) {
            copies.add(endpoint.copy(endpoint.outcomeCapacity));
        }
        return new BalancerSnapshot(cursor, randomState, panic, clock, List.copyOf(copies));
    }

    /**
     * Chooses an endpoint the gate permits and that is not ejected (ejected ones too in panic mode), preferring
     * endpoints outside {@code exclude} (failover after a failure there) but falling back to them when nothing else
     * is usable. Does not count the call as dispatched: call {@link #onDispatch} when it is sent.
     */
    public Pick pick(EndpointGate gate, Set<String> exclude, long now) {
        clock = Math.max(clock, now);
        int n = endpoints.length;
        int unavailable = 0;
        int permittedCount = 0;
        for (int i = 0; i < n; i++) {
            boolean ok = gate.permits(i, endpoints[i].id, now);
            permittedCount += ok ? 1 : 0;
            unavailable += !ok || endpoints[i].ejected ? 1 : 0;
            permitted[i] = ok && gate.hasFreeSlot(i, endpoints[i].id);
        }
        updatePanic(unavailable > config.panicThreshold() * n, unavailable, now);
        int count = collectCandidates(exclude);
        if (count == 0 && !exclude.isEmpty()) {
            count = collectCandidates(Set.of());
        }
        if (count == 0) {
            return noneAvailable(permittedCount, now);
        }
        changes++;
        return new Pick.Picked(endpoints[choose(count)].id, panic);
    }

    /**
     * Whether {@link #pick} would find an endpoint now, without picking and without changing anything: one the gate
     * permits, with a free call slot, and not ejected (or ejected, in panic mode). Ignores exclusions, since a pick
     * falls back to excluded endpoints.
     */
    public boolean canPick(EndpointGate gate, long now) {
        int n = endpoints.length;
        int unavailable = 0;
        boolean healthyWithSlot = false;
        boolean anyWithSlot = false;
        for (int i = 0; i < n; i++) {
            boolean ok = gate.permits(i, endpoints[i].id, now);
            unavailable += !ok || endpoints[i].ejected ? 1 : 0;
            if (ok && gate.hasFreeSlot(i, endpoints[i].id)) {
                anyWithSlot = true;
                healthyWithSlot |= !endpoints[i].ejected;
            }
        }
        return healthyWithSlot || (anyWithSlot && unavailable > config.panicThreshold() * n);
    }

    /** Counts a call as sent to {@code endpoint} (in flight until {@link #onResult} or {@link #onDropped}). */
    public void onDispatch(String endpoint) {
        EndpointState state = state(endpoint);
        changes++;
        state.inFlight++;
    }

    /**
     * Records the outcome of a call sent to {@code endpoint}: latency always, success or failure unless the error
     * is NON_RETRYABLE or RATE_LIMITED; may eject the endpoint.
     *
     * @param error the failure class, or null (a failure without class counts against the endpoint)
     */
    public void onResult(String endpoint, boolean success, long latencyMillis, ErrorClass error, long now) {
        EndpointState state = state(endpoint);
        clock = Math.max(clock, now);
        changes++;
        state.inFlight = Math.max(0, state.inFlight - 1);
        state.recordLatency(latencyMillis, config.ewmaAlpha());
        if (!success && (error == ErrorClass.NON_RETRYABLE || error == ErrorClass.RATE_LIMITED)) {
            return;
        }
        state.recordOutcome(!success, config.ewmaAlpha());
        if (state.ejected || ejectedCount >= maxEjected) {
            return;
        }
        if (state.consecutiveFailures >= config.consecutiveFailuresToEject()) {
            eject(state, EjectionReason.CONSECUTIVE_FAILURES, now);
        } else if (state.fullWindowSuccessRate() < config.minSuccessRate()) {
            eject(state, EjectionReason.LOW_SUCCESS_RATE, now);
        }
    }

    /** A call counted by {@link #onDispatch} was never made: it is no longer in flight, and nothing is learned. */
    public void onDropped(String endpoint) {
        EndpointState state = state(endpoint);
        changes++;
        state.inFlight = Math.max(0, state.inFlight - 1);
    }

    /** Ejected endpoints whose ejection time is over: probe each and report with {@link #onProbe}. */
    public List<String> probesDue(long now) {
        List<String> due = List.of();
        if (ejectedCount == 0) {
            return due;
        }
        for (EndpointState endpoint : endpoints) {
            if (endpoint.ejected && endpoint.ejectedUntil <= now) {
                if (due.isEmpty()) {
                    due = new ArrayList<>();
                }
                due.add(endpoint.id);
            }
        }
        return due;
    }

    /** A probe of an ejected endpoint succeeded (it is restored) or failed (ejected again, for as long). */
    public void onProbe(String endpoint, boolean ok, long now) {
        EndpointState state = state(endpoint);
        if (!state.ejected) {
            return;
        }
        changes++;
        clock = Math.max(clock, now);
        if (ok) {
            state.ejected = false;
            ejectedCount--;
            state.restoredAt = now;
            state.clearHealth();
            listener.onEvent(new BalancerEvent.Restored(exchange, endpoint, now));
        } else {
            state.ejectedUntil = now + ejectionMillis(state.ejectionCount);
            listener.onEvent(new BalancerEvent.Ejected(
                    exchange, endpoint, EjectionReason.PROBE_FAILED, state.ejectedUntil, now));
        }
    }

    int cursor() {
        return cursor;
    }

    long randomState() {
        return randomState;
    }

    boolean panic() {
        return panic;
    }

    long clock() {
        return clock;
    }

    EndpointState[] endpointStates() {
        return endpoints;
    }

    public String exchange() {
        return exchange;
    }

    public BalancerConfig config() {
        return config;
    }

    /**
     * Share of recent calls that failed in [0, 1]: one minus the mean of the endpoints' success EWMAs. Failures that
     * do not count against an endpoint (NON_RETRYABLE, RATE_LIMITED) are left out, as in ejection.
     */
    public double recentFailureRate() {
        double successSum = 0;
        for (EndpointState endpoint : endpoints) {
            successSum += endpoint.successEwma;
        }
        return Math.min(1.0, Math.max(0.0, 1.0 - successSum / endpoints.length));
    }

    /** Calls sent to {@code endpoint} and not yet answered. */
    public int inFlight(String endpoint) {
        return state(endpoint).inFlight;
    }

    /** Whether {@code endpoint} is ejected. */
    public boolean isEjected(String endpoint) {
        return state(endpoint).ejected;
    }

    private EndpointState state(String endpoint) {
        EndpointState state = byId.get(endpoint);
        if (state == null) {
            throw new IllegalArgumentException("unknown endpoint " + endpoint + " of " + exchange);
        }
        return state;
    }

    private void updatePanic(boolean panicNow, int unavailable, long now) {
        if (panicNow == panic) {
            return;
        }
        panic = panicNow;
        changes++;
        listener.onEvent(panicNow ? new BalancerEvent.PanicEntered(exchange, unavailable, endpoints.length, now)
                : new BalancerEvent.PanicLeft(exchange, now));
    }

    private int collectCandidates(Set<String> exclude) {
        int count = 0;
        boolean checkExclude = !exclude.isEmpty();
        for (int i = 0; i < endpoints.length; i++) {
            EndpointState endpoint = endpoints[i];
            if (permitted[i] && (panic || !endpoint.ejected) && !(checkExclude && exclude.contains(endpoint.id))) {
                candidates[count++] = i;
            }
        }
        return count;
    }

    private Pick noneAvailable(int permittedCount, long now) {
        if (permittedCount == 0) {
            return new Pick.NoneAvailable(now + config.unavailableRetryMillis(), Pick.Reason.ALL_REFUSED_BY_GATE);
        }
        long soonest = Long.MAX_VALUE;
        for (int i = 0; i < endpoints.length; i++) {
            if (permitted[i]) {
                soonest = Math.min(soonest, endpoints[i].ejectedUntil);
            }
        }
        long retryAt = soonest > now ? soonest : now + config.unavailableRetryMillis();
        return new Pick.NoneAvailable(retryAt, Pick.Reason.ALL_PERMITTED_EJECTED);
    }

    private int choose(int count) {
        if (count == 1) {
            return advanceCursorPast(candidates[0]);
        }
        return switch (config.strategy()) {
            case ROUND_ROBIN -> advanceCursorPast(candidates[firstAtOrAfterCursor(count)]);
            case WEIGHTED -> smoothWeighted(count);
            case LEAST_IN_FLIGHT -> advanceCursorPast(bestByScore(count, true));
            case RESPONSE_TIME -> advanceCursorPast(bestByScore(count, false));
            case POWER_OF_TWO_CHOICES -> powerOfTwo(count);
        };
    }

    private int advanceCursorPast(int index) {
        cursor = (index + 1) % endpoints.length;
        return index;
    }

    /** Position in {@code candidates} of the first candidate at or after the cursor, wrapping around. */
    private int firstAtOrAfterCursor(int count) {
        for (int c = 0; c < count; c++) {
            if (candidates[c] >= cursor) {
                return c;
            }
        }
        return 0;
    }

    private int smoothWeighted(int count) {
        fillWeights(count);
        long total = 0;
        int best = -1;
        for (int c = 0; c < count; c++) {
            EndpointState endpoint = endpoints[candidates[c]];
            endpoint.swrrCurrent += weights[c];
            total += weights[c];
            if (best < 0 || endpoint.swrrCurrent > endpoints[best].swrrCurrent) {
                best = candidates[c];
            }
        }
        endpoints[best].swrrCurrent -= total;
        return best;
    }

    /**
     * Lowest in-flight per weight ({@code byLoad}) or lowest latency times (in-flight + 1), scanning candidates from
     * the cursor so that ties rotate.
     */
    private int bestByScore(int count, boolean byLoad) {
        if (byLoad) {
            fillWeights(count);
        }
        int start = firstAtOrAfterCursor(count);
        int best = -1;
        double bestScore = Double.MAX_VALUE;
        for (int k = 0; k < count; k++) {
            int c = (start + k) % count;
            EndpointState endpoint = endpoints[candidates[c]];
            double score = byLoad ? (double) endpoint.inFlight / weights[c]
                    : latencyOf(endpoint) * (endpoint.inFlight + 1);
            if (score < bestScore) {
                bestScore = score;
                best = candidates[c];
            }
        }
        return best;
    }

    private int powerOfTwo(int count) {
        int first = nextRandom(count);
        int second = nextRandom(count - 1);
        if (second >= first) {
            second++;
        }
        EndpointState a = endpoints[candidates[first]];
        EndpointState b = endpoints[candidates[second]];
        boolean preferB = b.inFlight < a.inFlight || (b.inFlight == a.inFlight && latencyOf(b) < latencyOf(a));
        return preferB ? candidates[second] : candidates[first];
    }

    /** Effective weights of the candidates, scaled by {@link #SCALE}, into {@code weights[0..count)}. */
    private void fillWeights(int count) {
        double fastest = Double.MAX_VALUE;
        if (config.dynamicWeights()) {
            for (int c = 0; c < count; c++) {
                EndpointState endpoint = endpoints[candidates[c]];
                if (endpoint.hasLatency) {
                    fastest = Math.min(fastest, endpoint.latencyEwma);
                }
            }
        }
        for (int c = 0; c < count; c++) {
            int i = candidates[c];
            double share = 1.0;
            if (config.dynamicWeights()) {
                EndpointState endpoint = endpoints[i];
                share = endpoint.successEwma;
                if (endpoint.hasLatency && endpoint.latencyEwma > 0 && fastest > 0) {
                    share *= fastest / endpoint.latencyEwma;
                }
                share = Math.max(config.minDynamicWeightShare(), share);
            }
            weights[c] = Math.max(1, Math.round(staticWeights[i] * SCALE * share));
        }
    }

    private static double latencyOf(EndpointState endpoint) {
        return endpoint.hasLatency ? endpoint.latencyEwma : 0.0;
    }

    private void eject(EndpointState state, EjectionReason reason, long now) {
        if (state.ejectionCount > 0 && now - state.restoredAt >= config.maxEjectionMillis()) {
            state.ejectionCount = 0;
        }
        state.ejectionCount++;
        state.ejected = true;
        state.ejectedUntil = now + ejectionMillis(state.ejectionCount);
        state.clearHealth();
        ejectedCount++;
        listener.onEvent(new BalancerEvent.Ejected(exchange, state.id, reason, state.ejectedUntil, now));
    }

    /** Base ejection time doubled per earlier ejection, capped. */
    private long ejectionMillis(int ejections) {
        int doublings = Math.min(ejections - 1, 62);
        long base = config.baseEjectionMillis();
        if (doublings >= Long.numberOfLeadingZeros(base) - 1) {
            return config.maxEjectionMillis();
        }
        return Math.min(config.maxEjectionMillis(), base << doublings);
    }

    /** SplitMix64 step; its state is part of the snapshot so restored picks repeat. */
    private int nextRandom(int bound) {
        randomState += 0x9E3779B97F4A7C15L;
        long z = randomState;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) Math.floorMod(z, (long) bound);
    }
}
