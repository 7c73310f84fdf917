package io.marketprism.reliability.engine;

import io.marketprism.reliability.balancer.BalancerConfig;
import io.marketprism.reliability.balancer.BalancerEvent;
import io.marketprism.reliability.balancer.BalancerSnapshot;
import io.marketprism.reliability.balancer.EndpointGate;
import io.marketprism.reliability.balancer.LoadBalancer;
import io.marketprism.reliability.balancer.Pick;
import io.marketprism.reliability.breaker.BreakerSnapshot;
import io.marketprism.reliability.breaker.BreakerTransition;
import io.marketprism.reliability.breaker.EndpointBreaker;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.internal.ByteSink;
import io.marketprism.reliability.retry.ErrorClassifier;
import io.marketprism.reliability.retry.RetryPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One exchange's balancer and endpoint breakers in memory, with what changed since the last save, and which endpoints
 * have a probe outstanding (in memory only: after a restart due probes are due again).
 */
final class ExchangeRuntime extends SavedRuntime {

    final String name;
    final ExchangeProfile profile;
    final ErrorClassifier classifier;
    final RetryPolicy retryPolicy;
    final LoadBalancer balancer;
    final String[] endpoints;
    final EndpointBreaker[] breakers;
    final EndpointGate gate;
    /** Calls in flight one endpoint may have; a full endpoint is skipped by picks, and tasks wait in the queue. */
    private final int callSlotsPerEndpoint;
    private final String[] breakerKeys;
    private final Map<String, Integer> indexOf;
    private final boolean[] breakerDirty;
    /** Per endpoint: a probe was handed out by {@link #takeDueProbes} and its outcome is not recorded yet. */
    private final boolean[] probeOutstanding;
    private boolean anyBreakerDirty;
    private boolean balancerDirty;

    ExchangeRuntime(ExchangeProfile profile, int callSlotsPerEndpoint, StateStorage storage, EventListener listener,
                    long now) {
        this.name = profile.name();
        this.callSlotsPerEndpoint = callSlotsPerEndpoint;
        this.profile = profile;
        this.classifier = new ErrorClassifier(profile.classification());
        this.retryPolicy = new RetryPolicy(profile.retry());
        List<String> ids = profile.endpoints();
        int n = ids.size();
        this.endpoints = ids.toArray(new String[0]);
        this.breakers = new EndpointBreaker[n];
        this.breakerKeys = new String[n];
        this.breakerDirty = new boolean[n];
        this.probeOutstanding = new boolean[n];
        this.indexOf = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String endpoint = endpoints[i];
            indexOf.put(endpoint, i);
            breakerKeys[i] = name + "/" + endpoint;
            byte[] saved = storage.load(StateKind.BREAKER, breakerKeys[i]);
            breakers[i] = saved == null ? null : restoreBreaker(saved, endpoint, listener);
            if (breakers[i] == null) {
                breakers[i] = EndpointBreaker.create(endpoint, profile.breaker(),
                        transition -> listener.onEvent(breakerEvent(transition)), now);
                breakerDirty[i] = true;
                anyBreakerDirty = true;
            }
        }
        BalancerConfig balancerConfig = profile.balancer();
        byte[] saved = storage.load(StateKind.BALANCER, name);
        LoadBalancer restored = saved == null ? null : restoreBalancer(saved, balancerConfig, listener);
        this.balancer = restored != null ? restored
                : LoadBalancer.create(name, balancerConfig, event -> listener.onEvent(balancerEvent(event)));
        this.balancerDirty = restored == null;
        this.gate = new BreakerGate();
    }

    int index(String endpoint) {
        Integer index = indexOf.get(endpoint);
        if (index == null) {
            throw new IllegalArgumentException("unknown endpoint '" + endpoint + "' of exchange " + name
                    + "; configured: " + List.of(endpoints));
        }
        return index;
    }

    /** Whether an endpoint is configured for this exchange. */
    boolean hasEndpoint(String endpoint) {
        return indexOf.containsKey(endpoint);
    }

    /** Whether a pick now would find an endpoint with a free call slot; see {@link LoadBalancer#canPick}. */
    boolean hasCallSlot(long now) {
        return balancer.canPick(gate, now);
    }

    void breakerChanged(int index) {
        breakerDirty[index] = true;
        anyBreakerDirty = true;
    }

    void balancerChanged() {
        balancerDirty = true;
    }

    /**
     * Ejected endpoints whose ejection time is over and whose probe is not outstanding, in endpoint order; each counts
     * as outstanding from now until {@link #recordProbe}.
     */
    List<String> takeDueProbes(long now) {
        List<String> due = balancer.probesDue(now);
        List<String> taken = List.of();
        for (int i = 0; i < due.size(); i++) {
            int index = index(due.get(i));
            if (!probeOutstanding[index]) {
                probeOutstanding[index] = true;
                if (taken.isEmpty()) {
                    taken = new ArrayList<>(due.size());
                }
                taken.add(endpoints[index]);
            }
        }
        return taken;
    }

    boolean probeOutstanding(String endpoint) {
        return probeOutstanding[index(endpoint)];
    }

    /**
     * Ends the endpoint's outstanding probe and feeds its outcome to the balancer: restored when {@code ok}, else
     * ejected again for longer. An outcome for an endpoint that is not awaiting a probe (restored already, or ejected
     * again by an earlier outcome) is stale and changes nothing. Returns whether the endpoint was restored.
     */
    boolean recordProbe(String endpoint, boolean ok, long now) {
        probeOutstanding[index(endpoint)] = false;
        if (!balancer.probesDue(now).contains(endpoint)) {
            return false;
        }
        balancer.onProbe(endpoint, ok, now);
        balancerDirty = true;
        return ok;
    }

    /**
     * {@code now} when {@link LoadBalancer#pick} will find an endpoint, else the earliest time one could take a call:
     * when a breaker's open wait ends, or when an ejection ends. An ejected endpoint awaiting its probe has no known
     * time: the balancer's retry interval stands in for it, so the answer always lies ahead. Asks the breakers without
     * changing them.
     */
    long availableAt(long now) {
        int n = breakers.length;
        int unavailable = 0;
        int permitted = 0;
        long earliestRefused = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            long from = breakers[i].permittedFrom(now);
            if (from > now) {
                unavailable++;
                earliestRefused = Math.min(earliestRefused, from);
            } else {
                permitted++;
                if (!balancer.isEjected(endpoints[i])) {
                    return now;
                }
                unavailable++;
            }
        }
        if (permitted > 0 && unavailable > profile.balancer().panicThreshold() * n) {
            return now;
        }
        if (permitted == 0) {
            return earliestRefused == Long.MAX_VALUE ? now + profile.balancer().unavailableRetryMillis()
                    : earliestRefused;
        }
        Pick none = balancer.pick(gate, Set.of(), now);
        balancerDirty = true;
        return Math.min(((Pick.NoneAvailable) none).retryAt(), earliestRefused);
    }

    @Override
    boolean hasUnsavedChanges() {
        return anyBreakerDirty || balancerDirty;
    }

    @Override
    void writeChanges(StateStorage storage, ByteSink scratch) {
        if (anyBreakerDirty) {
            for (int i = 0; i < breakers.length; i++) {
                if (breakerDirty[i]) {
                    scratch.reset();
                    breakers[i].writeState(scratch);
                    storage.save(StateKind.BREAKER, breakerKeys[i], scratch.toByteArray());
                    breakerDirty[i] = false;
                }
            }
            anyBreakerDirty = false;
        }
        if (balancerDirty) {
            storage.save(StateKind.BALANCER, name, balancer.stateBytes());
            balancerDirty = false;
        }
    }

    private EndpointBreaker restoreBreaker(byte[] saved, String endpoint, EventListener listener) {
        try {
            return EndpointBreaker.restore(BreakerSnapshot.fromBytes(saved), profile.breaker(),
                    transition -> listener.onEvent(breakerEvent(transition)));
        } catch (IllegalArgumentException unusable) {
            return null;
        }
    }

    private LoadBalancer restoreBalancer(byte[] saved, BalancerConfig config, EventListener listener) {
        try {
            return LoadBalancer.restore(name, config, BalancerSnapshot.fromBytes(saved),
                    event -> listener.onEvent(balancerEvent(event)));
        } catch (IllegalArgumentException unusable) {
            return null;
        }
    }

    /** Lets a call through where the endpoint's breaker would; breakers are in the balancer's endpoint order. */
    private final class BreakerGate implements EndpointGate {

        @Override
        public boolean permits(String endpoint, long now) {
            return permits(index(endpoint), endpoint, now);
        }

        @Override
        public boolean permits(int position, String endpoint, long now) {
            return breakers[position].permittedFrom(now) <= now;
        }

        @Override
        public boolean hasFreeSlot(int position, String endpoint) {
            return balancer.inFlight(endpoint) < callSlotsPerEndpoint;
        }
    }

    private ReliabilityEvent breakerEvent(BreakerTransition t) {
        return new ReliabilityEvent.BreakerTransitioned(t.at(), name, t.endpoint(), t.from(), t.to(), t.cause());
    }

    private static ReliabilityEvent balancerEvent(BalancerEvent event) {
        if (event instanceof BalancerEvent.Ejected e) {
            return new ReliabilityEvent.EndpointEjected(e.at(), e.exchange(), e.endpoint(), e.reason(), e.until());
        }
        if (event instanceof BalancerEvent.Restored r) {
            return new ReliabilityEvent.EndpointRestored(r.at(), r.exchange(), r.endpoint());
        }
        if (event instanceof BalancerEvent.PanicEntered p) {
            return new ReliabilityEvent.PanicEntered(p.at(), p.exchange(), p.unavailable(), p.total());
        }
        BalancerEvent.PanicLeft left = (BalancerEvent.PanicLeft) event;
        return new ReliabilityEvent.PanicLeft(left.at(), left.exchange());
    }
}
