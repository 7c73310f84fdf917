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
 *
 * <p><b>Trial calls are health probes, never tasks.</b> Tasks go only to endpoints whose breaker is closed (or
 * disabled). When an open breaker's wait is over, its half-open trial calls are probes of the host set's health path
 * ({@link #takeProbe}), one at a time, and their outcomes decide whether it closes or opens again. A trial's
 * failure says the endpoint is still down, nothing about the task that would have carried it; sent with tasks, the
 * trials of a long outage went to the same few tasks (the first due of those held for the endpoint), each spending one
 * of their attempts, until the retry policy gave them up while their deadlines would have let them wait. Counting such
 * a failure against no task instead would need a mark in the task's attempt history (a schema that instances of the
 * previous release cannot read during a rolling deploy) and would let one task whose request always fails keep a
 * recovered endpoint's breaker open until its deadline by being every period's trial. The cost of probes: the health
 * path can answer while the data path fails; the closed breaker then opens again by its window's rules, and each task
 * that fails meanwhile spends one attempt, as on any failing call.
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
    /** Per endpoint: a probe was handed out by {@link #takeProbe} and its outcome is not recorded yet. */
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
     * Endpoints due a probe whose probe is not outstanding, in endpoint order: ejected ones whose ejection time is
     * over, and those whose breaker awaits a trial call or is due one. Changes nothing; {@link #takeProbe} hands one
     * out.
     */
    List<String> dueProbes(long now) {
        List<String> ejected = balancer.probesDue(now);
        List<String> due = List.of();
        for (int i = 0; i < endpoints.length; i++) {
            if (!probeOutstanding[i] && (breakers[i].awaitsTrialOutcome() || breakers[i].trialDue(now)
                    || ejected.contains(endpoints[i]))) {
                if (due.isEmpty()) {
                    due = new ArrayList<>();
                }
                due.add(endpoints[i]);
            }
        }
        return due;
    }

    /**
     * Hands out the probe of an endpoint {@link #dueProbes} named: a trial takes the breaker's permit now (an open
     * breaker turns half-open); one whose permit is out already, from before a restart, is probed again for that
     * permit. It counts as outstanding from now until {@link #recordProbe}. False, changing nothing, when the breaker
     * gives no permit after all and the endpoint awaits no probe of the balancer.
     */
    boolean takeProbe(String endpoint, long now) {
        int i = index(endpoint);
        boolean trial = breakers[i].awaitsTrialOutcome() || takeTrialPermit(i, now);
        if (trial || balancer.probesDue(now).contains(endpoint)) {
            probeOutstanding[i] = true;
            return true;
        }
        return false;
    }

    /** Takes a trial permit of endpoint {@code i}'s breaker when one is due (an open breaker turns half-open). */
    private boolean takeTrialPermit(int i, long now) {
        return breakers[i].trialDue(now) && breakers[i].tryAcquire(now);
    }

    /**
     * Ends the endpoint's outstanding probe and feeds its outcome to the breaker when it awaits a trial's (success
     * or failure of a call that took no measurable time: slow calls are the data path's to show) and to the balancer
     * when the endpoint awaits its probe (restored when {@code ok}, else ejected again for as long). An outcome for an
     * endpoint awaiting neither (restored already, or decided by an earlier outcome) is stale and changes nothing.
     */
    void recordProbe(String endpoint, boolean ok, long now) {
        int index = index(endpoint);
        probeOutstanding[index] = false;
        if (breakers[index].awaitsTrialOutcome()) {
            if (ok) {
                breakers[index].onSuccess(0, now);
            } else {
                breakers[index].onFailure(0, now);
            }
        }
        if (balancer.probesDue(now).contains(endpoint)) {
            balancer.onProbe(endpoint, ok, now);
        }
    }

    /**
     * {@code now} when {@link LoadBalancer#pick} will find an endpoint, else the earliest time one could take a task:
     * when a breaker's open wait ends (its trial probe may close it soon after), or when an ejection ends. A breaker
     * refusing until further notice (awaiting its trial probes, whose outcome may close it any moment; or forced open)
     * and an ejected endpoint awaiting its probe have no known time: the balancer's retry interval stands in for them,
     * so the answer always lies ahead and never beyond what such an endpoint may do meanwhile. Asks the breakers
     * without changing them.
     */
    long availableAt(long now) {
        int n = breakers.length;
        int unavailable = 0;
        int permitted = 0;
        long earliestRefused = Long.MAX_VALUE;
        long untilFurtherNotice = now + profile.balancer().unavailableRetryMillis();
        for (int i = 0; i < n; i++) {
            long from = tasksPermittedFrom(i, now);
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

    /**
     * The earliest time from {@code now} on at which endpoint {@code i}'s breaker lets a task through: through a
     * closed or disabled one at once; an open one not before its wait ends, and then only once trial probes closed
     * it, so from then on, like a half-open or forced-open one, until further notice ({@link Long#MAX_VALUE}).
     */
    private long tasksPermittedFrom(int i, long now) {
        EndpointBreaker breaker = breakers[i];
        long from = breaker.permittedFrom(now);
        switch (breaker.state()) {
            case CLOSED:
            case DISABLED:
                return from;
            case OPEN:
                return from > now ? from : Long.MAX_VALUE;
            default:
                return Long.MAX_VALUE;
        }
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

    /**
     * Lets a task through where the endpoint's breaker would let a call through that is not a trial (see
     * {@link #tasksPermittedFrom}); breakers are in the balancer's endpoint order.
     */
    private final class BreakerGate implements EndpointGate {

        @Override
        public boolean permits(String endpoint, long now) {
            return permits(index(endpoint), endpoint, now);
        }

        @Override
        public boolean permits(int position, String endpoint, long now) {
            return tasksPermittedFrom(position, now) <= now;
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
