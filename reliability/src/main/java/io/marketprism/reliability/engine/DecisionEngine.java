package io.marketprism.reliability.engine;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.balancer.Pick;
import io.marketprism.reliability.breaker.BreakerState;
import io.marketprism.reliability.breaker.EndpointBreaker;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.internal.ByteSink;
import io.marketprism.reliability.limiter.Admission;
import io.marketprism.reliability.limiter.AdmissionRequest;
import io.marketprism.reliability.limiter.WaitQueue;
import io.marketprism.reliability.limiter.Waiting;
import io.marketprism.reliability.retry.CallFailure;
import io.marketprism.reliability.retry.GiveUpReason;
import io.marketprism.reliability.retry.RetryDecision;
import io.marketprism.reliability.retry.RetryRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one entry point of the reliability module for all limit domains and endpoints of one Kafka partition: per
 * limit domain a {@code PriorityRateLimiter} and a {@code RetryBudget}, per exchange a {@code LoadBalancer}, per
 * endpoint an {@code EndpointBreaker}, combined into decisions.
 *
 * <p><b>State.</b> Components are loaded from the caller's {@link StateStorage} on first use and kept in memory.
 * {@link #decide}, {@link #drain}, {@link #record} and {@link #recordProbe} only note which components they changed;
 * {@link #saveChanges} writes each of them once, however many calls changed it. A new engine over the storage
 * continues with exactly the decisions this one would make after its last {@code saveChanges}, so the caller saves
 * wherever the storage must catch up with the calls made so far: the topology saves at the end of every Kafka Streams
 * invocation, before Streams may commit. Merely moving a component's clock forward is not saved: it replays
 * identically as long as {@code now} never goes backwards. Saved state that no longer fits the configuration (or is
 * damaged) is replaced by fresh state. A call that throws still notes what it changed before the exception, so memory
 * and storage agree again after the next save.
 *
 * <p><b>Calls.</b> Every {@link Decision.Dispatch} (from decide or drain) holds a breaker permission and counts as in
 * flight at the balancer until it is answered by exactly one {@link #record}. Breakers count only failures that say
 * something about the endpoint (NETWORK, TIMEOUT, SERVER, RETRYABLE); a NON_RETRYABLE or RATE_LIMITED answer shows
 * the endpoint is up.
 *
 * <p><b>Probes.</b> An endpoint the balancer ejected stays out of rotation after its ejection time, until an active
 * health check succeeds (outside panic mode, when the balancer spreads calls over all endpoints). The engine makes
 * no calls: {@link #probesDue} tells the caller which endpoints to check, and {@link #recordProbe} takes the outcome,
 * restoring the endpoint or ejecting it again for longer. A probe handed out is outstanding until its outcome is
 * recorded and is not handed out again meanwhile. Outstanding probes are kept in memory only: after a restart the
 * due probes are simply due again, and an outcome reported to an engine that did not hand the probe out still counts.
 *
 * <p>Time is the caller's {@code now} in epoch millis. Not thread-safe: one engine per stream task.
 */
public final class DecisionEngine {

    private final ReliabilityConfig config;
    private final StateStorage storage;
    private final EventListener listener;
    private final int callSlotsPerEndpoint;
    private final Map<String, ExchangeRuntime> exchanges = new HashMap<>();
    private final Map<String, DomainRuntime> domains = new HashMap<>();
    private final SingleTaskView singleTask = new SingleTaskView();
    /** Runtimes changed since the last {@link #saveChanges}, each listed once. */
    private final List<SavedRuntime> changed = new ArrayList<>();
    /** Whether {@link #probesDue} has loaded the exchanges the storage holds state of. */
    private boolean savedExchangesLoaded;
    /** Where saved state is encoded before it is copied out to the storage. */
    private final ByteSink scratch = new ByteSink(2048);

    /** An engine without a bound on calls in flight per endpoint. */
    public DecisionEngine(ReliabilityConfig config, StateStorage storage, EventListener listener) {
        this(config, storage, listener, Integer.MAX_VALUE);
    }

    /**
     * @param callSlotsPerEndpoint calls one endpoint may have in flight: a task is dispatched only to an endpoint with
     *                             a free slot, so beyond it tasks wait in the limiter's queue, in priority order
     */
    public DecisionEngine(ReliabilityConfig config, StateStorage storage, EventListener listener,
                          int callSlotsPerEndpoint) {
        this.config = Objects.requireNonNull(config, "config");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (callSlotsPerEndpoint < 1) {
            throw new IllegalArgumentException("callSlotsPerEndpoint must be at least 1, not " + callSlotsPerEndpoint);
        }
        this.callSlotsPerEndpoint = callSlotsPerEndpoint;
    }

    /**
     * Decides on a task, checking in order: its deadline has passed (dead letter EXPIRED); its notBefore lies ahead
     * (hold); the domain is banned (hold, or EXPIRED when the ban outlasts the deadline); no endpoint can take a call
     * (hold until one could, or EXPIRED likewise); then the limiter queues it in {@code queue}, sheds it, or admits
     * it, and the balancer picks an endpoint, avoiding the last one after a NETWORK or TIMEOUT failure.
     */
    public Decision decide(TaskView task, WaitQueue queue, long now) {
        ExchangeRuntime exchange = exchange(task.exchange(), now);
        if (task.deadline() != null && now > task.deadline()) {
            return expired(task, "deadline " + task.deadline() + " passed at " + now, now);
        }
        if (task.notBefore() != null && task.notBefore() > now) {
            return new Decision.Hold(task.taskId(), task.notBefore(), Decision.HoldReason.NOT_BEFORE);
        }
        DomainRuntime domain = domain(task.domain(), exchange.profile, now);
        try {
            return decideLoaded(task, queue, domain, exchange, now);
        } finally {
            noteChanges(exchange, domain);
        }
    }

    /**
     * Dispatches waiting tasks of {@code domain} in priority order (FIFO within one) while its limiter admits them
     * and an endpoint can take them. A waiting task keeps its failover history: one whose previous attempt failed
     * with NETWORK or TIMEOUT avoids that endpoint, as in {@link #decide}. Returns an empty list for a domain the
     * engine has no state of.
     */
    public List<Decision.Dispatch> drain(String domainName, WaitQueue queue, long now) {
        List<Decision.Dispatch> dispatched = List.of();
        for (Decision.Dispatch next = drainNext(domainName, queue, now); next != null;
                next = drainNext(domainName, queue, now)) {
            if (dispatched.isEmpty()) {
                dispatched = new ArrayList<>();
            }
            dispatched.add(next);
        }
        return dispatched;
    }

    /**
     * Dispatches the one waiting task of {@code domain} that {@link #drain} would dispatch first, or returns null when
     * none can go now. For callers that handle each dispatched task on its own, so that a failure affects one task.
     */
    public Decision.Dispatch drainNext(String domainName, WaitQueue queue, long now) {
        DomainRuntime domain = domains.get(domainName);
        if (domain == null) {
            byte[] saved = storage.load(StateKind.LIMITER, domainName);
            if (saved == null) {
                return null;
            }
            domain = domain(domainName, exchange(DomainRuntime.exchangeOf(saved), now).profile, now);
        }
        ExchangeRuntime exchange = exchange(domain.exchange, now);
        try {
            return drainOneLoaded(domain, exchange, queue, now);
        } finally {
            noteChanges(exchange, domain);
        }
    }

    private Decision.Dispatch drainOneLoaded(DomainRuntime domain, ExchangeRuntime exchange, WaitQueue queue,
                                             long now) {
        domain.drainHint = Long.MAX_VALUE;
        if (queue.totalDepth() == 0) {
            return null;
        }
        long availableAt = exchange.availableAt(now);
        if (availableAt > now) {
            domain.drainHint = availableAt;
            return null;
        }
        if (!exchange.hasCallSlot(now)) {
            return null;
        }
        List<Waiting> admitted = domain.limiter.drain(singleTask.over(queue), now);
        domain.limiterChanged();
        if (admitted.isEmpty()) {
            domain.drainHint = domain.limiter.nextDrainAt(queue, now);
            return null;
        }
        Waiting next = admitted.get(0);
        return dispatch(exchange, next.taskId(), avoiding(next.avoidEndpoint()), now);
    }

    /**
     * The earliest time a {@link #drain} of a domain this engine has seen may dispatch something, from what decide
     * and drain learned; Long.MAX_VALUE when no task is known to wait. A new engine knows nothing until each domain
     * with waiting tasks has been drained once.
     */
    public long nextWakeUp(long now) {
        long earliest = Long.MAX_VALUE;
        for (DomainRuntime domain : domains.values()) {
            earliest = Math.min(earliest, domain.drainHint);
        }
        return earliest == Long.MAX_VALUE ? earliest : Math.max(now, earliest);
    }

    /**
     * Until when the exchange has banned a limit domain (Retry-After on a 429, or a 418), as far as this engine has
     * learned; 0 when the domain is not banned or not known. A caller holding dispatched calls it has not started yet
     * uses it to keep them back while the ban lasts.
     */
    public long bannedUntil(String domainName) {
        DomainRuntime domain = domains.get(domainName);
        return domain == null ? 0 : domain.limiter.bannedUntil();
    }

    /**
     * Answers a {@link Decision.Dispatch} whose call is not made (its task expired before the call, or it is routed
     * elsewhere): the breaker permission is handed back and the call no longer counts as in flight; nothing is learned
     * about the endpoint. An endpoint that is no longer configured has nothing to hand back.
     */
    public void release(String exchangeName, String endpoint, long now) {
        ExchangeRuntime exchange = exchange(exchangeName, now);
        if (!exchange.hasEndpoint(endpoint)) {
            return;
        }
        int index = exchange.index(endpoint);
        exchange.breakers[index].release(now);
        exchange.breakerChanged(index);
        exchange.balancer.onDropped(endpoint);
        exchange.balancerChanged();
        noteChanges(exchange);
    }

    /** Whether {@code endpoint} is configured for {@code exchangeName}, which must be configured. */
    public boolean hasEndpoint(String exchangeName, String endpoint) {
        return config.exchange(exchangeName).endpoints().contains(endpoint);
    }

    /**
     * The exchange a limit domain belongs to, as this engine or its saved state knows it; null for a domain it has no
     * state of. The exchange may no longer be configured: then the domain's waiting tasks are stranded.
     */
    public String exchangeOfDomain(String domainName) {
        DomainRuntime domain = domains.get(domainName);
        if (domain != null) {
            return domain.exchange;
        }
        byte[] saved = storage.load(StateKind.LIMITER, domainName);
        return saved == null ? null : SavedState.exchangeOfLimiter(saved);
    }

    /** Whether {@code exchangeName} is configured. */
    public boolean hasExchange(String exchangeName) {
        return config.exchangeNames().contains(exchangeName);
    }

    /**
     * Learns from a dispatched call and decides what happens to its task. Feeds the endpoint's breaker, the
     * balancer (in flight, latency, ejection), the limiter (429 cuts the rate, Retry-After and 418 ban the domain,
     * used weight corrects its window) and the retry budget; classifies a failure by the exchange's rules and asks
     * the retry policy whether and when to try again.
     */
    public AfterCall record(CallReport report, long now) {
        ExchangeRuntime exchange = exchange(report.exchange(), now);
        DomainRuntime domain = domain(report.domain(), exchange.profile, now);
        try {
            return recordLoaded(report, exchange, domain, now);
        } finally {
            noteChanges(exchange, domain);
        }
    }

    /**
     * The active health checks to make now: ejected endpoints whose ejection time is over and whose probe is not
     * outstanding, over every exchange with state (the first call loads each exchange the storage holds state of,
     * with its domain of the same name). Each is outstanding from now until {@link #recordProbe} reports it, and not
     * returned again meanwhile; outstanding probes live in memory only, so after a restart due probes are simply due
     * again. No probe of an exchange is due while the exchange bans one of its limit domains, since checking a banned
     * address can prolong the ban. Ordered by exchange name, then by endpoint as configured; empty when none is due.
     */
    public List<ProbeRequest> probesDue(long now) {
        loadSavedExchanges(now);
        List<ProbeRequest> due = List.of();
        for (ExchangeRuntime exchange : exchanges.values()) {
            if (banned(exchange.name, now)) {
                continue;
            }
            List<String> taken = exchange.takeDueProbes(now);
            for (int i = 0; i < taken.size(); i++) {
                if (due.isEmpty()) {
                    due = new ArrayList<>();
                }
                due.add(new ProbeRequest(exchange.name, taken.get(i)));
            }
        }
        if (due.size() > 1) {
            due.sort(Comparator.comparing(ProbeRequest::exchange));
        }
        return due;
    }

    /** Whether a probe of the endpoint was handed out by {@link #probesDue} and its outcome is not recorded yet. */
    public boolean probeOutstanding(String exchangeName, String endpoint) {
        ExchangeRuntime exchange = exchanges.get(exchangeName);
        return exchange != null && exchange.probeOutstanding(endpoint);
    }

    /**
     * Records the outcome of an active health check of an ejected endpoint and ends its outstanding probe: when
     * {@code ok} the endpoint is restored to rotation, else it is ejected again for longer (an EndpointEjected event
     * with reason PROBE_FAILED). An outcome for an endpoint that is no longer awaiting a probe is stale and ignored.
     * Throws IllegalArgumentException for an exchange or endpoint that is not configured.
     */
    public void recordProbe(String exchangeName, String endpoint, boolean ok, long now) {
        ExchangeRuntime exchange = exchange(exchangeName, now);
        try {
            if (exchange.recordProbe(endpoint, ok, now)) {
                wakeDomainsOf(exchangeName, now);
            }
        } finally {
            noteChanges(exchange);
        }
    }

    /**
     * Loads, once per engine, every configured exchange the storage holds a balancer of, with the limit domain named
     * like it when the storage holds that one too, so that a new engine hands out the probes due before its first
     * task of the exchange and still knows the usual domain's ban. State saved later comes from this engine, which
     * has the exchange loaded already.
     */
    private void loadSavedExchanges(long now) {
        if (savedExchangesLoaded) {
            return;
        }
        savedExchangesLoaded = true;
        for (String name : config.exchangeNames()) {
            if (exchanges.containsKey(name) || storage.load(StateKind.BALANCER, name) == null) {
                continue;
            }
            ExchangeRuntime exchange = exchange(name, now);
            byte[] savedDomain = domains.containsKey(name) ? null : storage.load(StateKind.LIMITER, name);
            if (savedDomain != null && DomainRuntime.exchangeOf(savedDomain).equals(name)) {
                noteChanges(exchange, domain(name, exchange.profile, now));
            } else {
                noteChanges(exchange);
            }
        }
    }

    /** A restored endpoint may let waiting tasks of the exchange's domains go at once. */
    private void wakeDomainsOf(String exchangeName, long now) {
        for (DomainRuntime domain : domains.values()) {
            if (domain.exchange.equals(exchangeName) && domain.drainHint != Long.MAX_VALUE) {
                domain.drainHint = Math.min(domain.drainHint, now);
            }
        }
    }

    private boolean banned(String exchangeName, long now) {
        for (DomainRuntime domain : domains.values()) {
            if (domain.exchange.equals(exchangeName) && domain.limiter.bannedUntil() > now) {
                return true;
            }
        }
        return false;
    }

    /**
     * Saves every component changed since the last call, each once, and forgets the changes. After it, a new engine
     * over the storage decides exactly as this one does.
     */
    public void saveChanges() {
        for (int i = 0; i < changed.size(); i++) {
            changed.get(i).saveChanges(storage, scratch);
        }
        changed.clear();
    }

    /** Whether a call changed a component that {@link #saveChanges} has not saved yet. */
    public boolean hasUnsavedChanges() {
        return !changed.isEmpty();
    }

    private void noteChanges(ExchangeRuntime exchange, DomainRuntime domain) {
        noteChanges(exchange);
        noteChanges(domain);
    }

    private void noteChanges(SavedRuntime runtime) {
        if (runtime.needsListing()) {
            changed.add(runtime);
        }
    }

    private Decision decideLoaded(TaskView task, WaitQueue queue, DomainRuntime domain, ExchangeRuntime exchange,
                                  long now) {
        long bannedUntil = domain.limiter.bannedUntil();
        if (bannedUntil > now) {
            return holdOrExpire(task, bannedUntil, Decision.HoldReason.BANNED, now);
        }
        long availableAt = exchange.availableAt(now);
        if (availableAt > now) {
            return holdOrExpire(task, availableAt, Decision.HoldReason.NO_ENDPOINT, now);
        }
        int weight = task.weight() != null ? task.weight() : exchange.profile.weightOf(task.dataType(), task.params());
        String avoidEndpoint = task.avoidEndpoint();
        AdmissionRequest request = new AdmissionRequest(task.taskId(), task.priority(), weight, avoidEndpoint);
        Admission admission = exchange.hasCallSlot(now) ? domain.limiter.offer(request, queue, now)
                : domain.limiter.enqueue(request, queue, now);
        domain.limiterChanged();
        if (admission instanceof Admission.Enqueued enqueued) {
            domain.drainHint = Math.min(domain.drainHint, enqueued.retryHintAt());
            return new Decision.Queued(task.taskId(), enqueued.retryHintAt(),
                    enqueued.displaced().map(Waiting::taskId));
        }
        if (admission instanceof Admission.Shed shed) {
            return new Decision.Shed(task.taskId(), shed.reason());
        }
        return dispatch(exchange, task.taskId(), avoiding(avoidEndpoint), now);
    }

    private Decision holdOrExpire(TaskView task, long until, Decision.HoldReason reason, long now) {
        if (task.deadline() != null && until > task.deadline()) {
            return expired(task, reason + " until " + until + ", after the deadline " + task.deadline(), now);
        }
        return new Decision.Hold(task.taskId(), until, reason);
    }

    private Decision expired(TaskView task, String why, long now) {
        listener.onEvent(new ReliabilityEvent.TaskGivenUp(now, task.exchange(), task.domain(), task.taskId(),
                GiveUpReason.EXPIRED, null, why));
        return new Decision.DeadLetter(task.taskId(), GiveUpReason.EXPIRED, why);
    }

    /** The endpoints to exclude from a pick: {@code avoidEndpoint} when set, else none. */
    private static Set<String> avoiding(String avoidEndpoint) {
        return avoidEndpoint == null ? Set.of() : Set.of(avoidEndpoint);
    }

    /** Picks an endpoint (one is available: checked before), takes its breaker permission, counts it in flight. */
    private Decision.Dispatch dispatch(ExchangeRuntime exchange, String taskId, Set<String> exclude, long now) {
        Pick pick = exchange.balancer.pick(exchange.gate, exclude, now);
        exchange.balancerChanged();
        if (!(pick instanceof Pick.Picked picked)) {
            throw new IllegalStateException("no endpoint of " + exchange.name + " after the check found one: " + pick);
        }
        int index = exchange.index(picked.endpoint());
        EndpointBreaker breaker = exchange.breakers[index];
        boolean closed = breaker.state() == BreakerState.CLOSED;
        if (!breaker.tryAcquire(now)) {
            throw new IllegalStateException("breaker of " + picked.endpoint() + " refused after its gate permitted");
        }
        if (!closed) {
            exchange.breakerChanged(index);
        }
        exchange.balancer.onDispatch(picked.endpoint());
        return new Decision.Dispatch(taskId, picked.endpoint(), picked.panic());
    }

    private AfterCall recordLoaded(CallReport report, ExchangeRuntime exchange, DomainRuntime domain, long now) {
        int index = exchange.index(report.endpoint());
        ErrorClass errorClass = report.success() ? null : exchange.classifier.classify(new CallFailure(
                report.httpStatus(), report.exceptionClass(), report.errorCode(), null));
        boolean endpointFault = errorClass != null
                && errorClass != ErrorClass.NON_RETRYABLE && errorClass != ErrorClass.RATE_LIMITED;
        if (endpointFault) {
            exchange.breakers[index].onFailure(report.latencyMillis(), now);
        } else {
            exchange.breakers[index].onSuccess(report.latencyMillis(), now);
        }
        exchange.breakerChanged(index);
        exchange.balancer.onResult(report.endpoint(), report.success(), report.latencyMillis(), errorClass, now);
        exchange.balancerChanged();
        int status = report.httpStatus() != null ? report.httpStatus() : report.success() ? 200 : 0;
        if (errorClass == ErrorClass.RATE_LIMITED && status != 429 && status != 418) {
            status = 429;
        }
        double rateBefore = domain.limiter.rateFactor();
        long banBefore = domain.limiter.bannedUntil();
        domain.limiter.onResponse(status, report.retryAfterMillis(), report.usedWeight(), now);
        if (report.usedWeight() != null || domain.limiter.rateFactor() != rateBefore
                || domain.limiter.bannedUntil() != banBefore) {
            domain.limiterChanged();
        }
        if (report.attempt() == 1) {
            domain.budget.recordRequest(now);
            domain.budgetChanged();
        }
        if (report.success()) {
            return new AfterCall.Completed();
        }
        long retryAfter = report.retryAfterMillis() != null
                ? Math.max(0, report.retryAfterMillis()) : RetryRequest.NO_RETRY_AFTER;
        RetryRequest request = new RetryRequest(report.taskId(), report.attempt(), errorClass, retryAfter,
                report.deadline() != null ? report.deadline() : RetryRequest.NO_DEADLINE,
                exchange.balancer.recentFailureRate(), now);
        RetryDecision decision = exchange.retryPolicy.decide(request, domain.budget);
        if (decision instanceof RetryDecision.RetryAt retry) {
            domain.budgetChanged();
            return new AfterCall.RetryAt(retry.dueAt(), retry.delayMillis(), errorClass);
        }
        RetryDecision.GiveUp giveUp = (RetryDecision.GiveUp) decision;
        if (giveUp.reason() == GiveUpReason.BUDGET_EXHAUSTED) {
            domain.budgetChanged();
        }
        listener.onEvent(new ReliabilityEvent.TaskGivenUp(now, report.exchange(), report.domain(), report.taskId(),
                giveUp.reason(), errorClass, giveUp.detail()));
        return new AfterCall.GiveUp(giveUp.reason(), errorClass, giveUp.detail());
    }

    /** The runtime of exchange {@code name}; IllegalArgumentException when it is not configured. */
    private ExchangeRuntime exchange(String name, long now) {
        ExchangeRuntime exchange = exchanges.get(name);
        if (exchange == null) {
            exchange = new ExchangeRuntime(config.exchange(name), callSlotsPerEndpoint, storage, listener, now);
            exchanges.put(name, exchange);
        }
        return exchange;
    }

    private DomainRuntime domain(String name, ExchangeProfile profile, long now) {
        DomainRuntime domain = domains.get(name);
        if (domain == null) {
            byte[] saved = storage.load(StateKind.LIMITER, name);
            if (saved != null && !DomainRuntime.exchangeOf(saved).equals(profile.name())) {
                throw new IllegalArgumentException("limit domain " + name + " belongs to exchange "
                        + DomainRuntime.exchangeOf(saved) + ", not " + profile.name());
            }
            domain = saved == null ? DomainRuntime.create(name, profile, storage, listener, now)
                    : DomainRuntime.restore(name, saved, profile, storage, listener, now);
            domains.put(name, domain);
        } else if (!domain.exchange.equals(profile.name())) {
            throw new IllegalArgumentException("limit domain " + name + " belongs to exchange " + domain.exchange
                    + ", not " + profile.name());
        }
        return domain;
    }
}
