package io.marketprism.reliability.engine;

import io.marketprism.reliability.balancer.BalancerCodec;
import io.marketprism.reliability.balancer.BalancerEvent;
import io.marketprism.reliability.balancer.BalancerSnapshot;
import io.marketprism.reliability.balancer.EndpointGate;
import io.marketprism.reliability.balancer.LoadBalancer;
import io.marketprism.reliability.balancer.Pick;
import io.marketprism.reliability.breaker.BreakerCodec;
import io.marketprism.reliability.breaker.BreakerSnapshot;
import io.marketprism.reliability.breaker.BreakerTransition;
import io.marketprism.reliability.breaker.EndpointBreaker;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.retry.ErrorClassifier;
import io.marketprism.reliability.retry.RetryPolicy;
import io.marketprism.reliability.state.EndpointId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.reliability.state.StateKind;
import io.marketprism.reliability.state.StateStorage;
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
    LoadBalancer balancer;
    final String[] endpoints;
    final EndpointBreaker[] breakers;
    final EndpointGate gate;
    /** Calls in flight one endpoint may have; a full endpoint is skipped by picks, and tasks wait in the queue. */
    private final int callSlotsPerEndpoint;
    private final StateKey[] breakerKeys;
    private final Map<String, Integer> indexOf;
    /** The components' change counts when they were last saved; -1 for state not saved yet. */
    private final long[] breakerSavedAt;
    private long balancerSavedAt;
    /** Per endpoint: a probe was handed out by {@link #takeDueProbes} and its outcome is not recorded yet. */
    private final boolean[] probeOutstanding;
    private final EventListener listener;
    private final RestoreGuard guard;
    private final StateKey balancerKey;

    ExchangeRuntime(ExchangeProfile profile, int callSlotsPerEndpoint, StateStorage storage, EventListener listener,
                    RestoreGuard guard, long now) {
        this.listener = listener;
        this.guard = guard;
        this.name = profile.name();
        this.balancerKey = StateKey.balancer(name);
        this.callSlotsPerEndpoint = callSlotsPerEndpoint;
        this.profile = profile;
        this.classifier = new ErrorClassifier(profile.classification());
        this.retryPolicy = new RetryPolicy(profile.retry());
        List<String> ids = profile.endpoints();
        int n = ids.size();
        this.endpoints = ids.toArray(new String[0]);
        this.breakers = new EndpointBreaker[n];
        this.breakerKeys = new StateKey[n];
        this.breakerSavedAt = new long[n];
        this.probeOutstanding = new boolean[n];
        this.indexOf = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String endpoint = endpoints[i];
            indexOf.put(endpoint, i);
            breakerKeys[i] = StateKey.breaker(new EndpointId(name, endpoint));
            byte[] saved = storage.load(breakerKeys[i]);
            if (saved == null || !restoreBreaker(i, saved, now)) {
                breakers[i] = EndpointBreaker.create(endpoint, profile.breaker(),
                        transition -> listener.onEvent(breakerEvent(transition)), now);
                breakerSavedAt[i] = -1;
            }
        }
        byte[] saved = storage.load(balancerKey);
        if (saved == null || !restoreBalancer(saved, now)) {
            this.balancer = LoadBalancer.create(name, profile.balancer(),
                    event -> listener.onEvent(balancerEvent(event)));
            this.balancerSavedAt = -1;
        }
        this.gate = new BreakerGate();
    }

    /** After the engine's clock stepped back: moves each component whose clock is too far ahead back to {@code now}. */
    void rebaseTo(long now) {
        for (int i = 0; i < breakers.length; i++) {
            BreakerSnapshot state = breakers[i].snapshot();
            if (guard.ahead(state.clockMillis(), now, name, endpoints[i], StateKind.BREAKER)) {
                try {
                    breakers[i] = breakerFrom(state.rebasedTo(now));
                } catch (IllegalArgumentException unusable) {
                    guard.discarded(now, name, endpoints[i], StateKind.BREAKER, unusable);
                    breakers[i] = EndpointBreaker.create(endpoints[i], profile.breaker(),
                            transition -> listener.onEvent(breakerEvent(transition)), now);
                }
                breakerSavedAt[i] = -1;
            }
        }
        BalancerSnapshot state = balancer.snapshot();
        if (guard.ahead(state.clock(), now, name, name, StateKind.BALANCER)) {
            balancer = balancerFrom(state.rebasedTo(now));
            balancerSavedAt = -1;
        }
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

    /**
     * Ends the endpoint's outstanding probe and feeds its outcome to the balancer: restored when {@code ok}, else
     * ejected again for as long. An outcome for an endpoint that is not awaiting a probe (restored already, or ejected
     * again by an earlier outcome) is stale and changes nothing.
     */
    void recordProbe(String endpoint, boolean ok, long now) {
        probeOutstanding[index(endpoint)] = false;
        if (balancer.probesDue(now).contains(endpoint)) {
            balancer.onProbe(endpoint, ok, now);
        }
    }

    /**
     * {@code now} when {@link LoadBalancer#pick} will find an endpoint, else the earliest time one could take a call:
     * when a breaker's open wait ends, or when an ejection ends. A breaker refusing until further notice (half-open
     * with its trial calls out, whose outcome may close it any moment; or forced open) and an ejected endpoint
     * awaiting its probe have no known time: the balancer's retry interval stands in for them, so the answer always
     * lies ahead and never beyond what such an endpoint may do meanwhile. Asks the breakers without changing them.
     */
    long availableAt(long now) {
        int n = breakers.length;
        int unavailable = 0;
        int permitted = 0;
        long earliestRefused = Long.MAX_VALUE;
        long untilFurtherNotice = now + profile.balancer().unavailableRetryMillis();
        for (int i = 0; i < n; i++) {
            long from = breakers[i].permittedFrom(now);
            if (from > now) {
                unavailable++;
                earliestRefused = Math.min(earliestRefused, from == Long.MAX_VALUE ? untilFurtherNotice : from);
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
            return earliestRefused;
        }
        Pick none = balancer.pick(gate, Set.of(), now);
        return Math.min(((Pick.NoneAvailable) none).retryAt(), earliestRefused);
    }

    @Override
    boolean hasUnsavedChanges() {
        if (balancer.changeCount() != balancerSavedAt) {
            return true;
        }
        for (int i = 0; i < breakers.length; i++) {
            if (breakers[i].changeCount() != breakerSavedAt[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    void writeChanges(StateStorage storage) {
        for (int i = 0; i < breakers.length; i++) {
            if (breakers[i].changeCount() != breakerSavedAt[i]) {
                storage.save(breakerKeys[i], BreakerCodec.INSTANCE.encode(breakers[i]));
                breakerSavedAt[i] = breakers[i].changeCount();
            }
        }
        if (balancer.changeCount() != balancerSavedAt) {
            storage.save(balancerKey, BalancerCodec.INSTANCE.encode(balancer));
            balancerSavedAt = balancer.changeCount();
        }
    }

    /**
     * Restores breaker {@code i} from its saved bytes, moved back to {@code now} when its clock is too far ahead;
     * false, with a StateDiscarded event, when they are not usable.
     */
    private boolean restoreBreaker(int i, byte[] saved, long now) {
        try {
            BreakerSnapshot state = BreakerCodec.INSTANCE.decode(saved);
            boolean skewed = guard.ahead(state.clockMillis(), now, name, endpoints[i], StateKind.BREAKER);
            breakers[i] = breakerFrom(skewed ? state.rebasedTo(now) : state);
            breakerSavedAt[i] = skewed ? -1 : breakers[i].changeCount();
            return true;
        } catch (IllegalArgumentException unusable) {
            guard.discarded(now, name, endpoints[i], StateKind.BREAKER, unusable);
            return false;
        }
    }

    /** Restores the balancer like {@link #restoreBreaker}. */
    private boolean restoreBalancer(byte[] saved, long now) {
        try {
            BalancerSnapshot state = BalancerCodec.INSTANCE.decode(saved);
            boolean skewed = guard.ahead(state.clock(), now, name, name, StateKind.BALANCER);
            balancer = balancerFrom(skewed ? state.rebasedTo(now) : state);
            balancerSavedAt = skewed ? -1 : balancer.changeCount();
            return true;
        } catch (IllegalArgumentException unusable) {
            guard.discarded(now, name, name, StateKind.BALANCER, unusable);
            return false;
        }
    }

    private EndpointBreaker breakerFrom(BreakerSnapshot state) {
        return EndpointBreaker.restore(state, profile.breaker(), transition -> listener.onEvent(breakerEvent(transition)));
    }

    private LoadBalancer balancerFrom(BalancerSnapshot state) {
        return LoadBalancer.restore(name, profile.balancer(), state, event -> listener.onEvent(balancerEvent(event)));
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
