package io.marketprism.reliability.engine;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.Priority;
import io.marketprism.reliability.balancer.Pick;
import io.marketprism.reliability.config.ExchangeProfile;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.Admission;
import io.marketprism.reliability.limiter.AdmissionRequest;
import io.marketprism.reliability.limiter.WaitQueue;
import io.marketprism.reliability.limiter.Waiting;
import io.marketprism.reliability.retry.CallFailure;
import io.marketprism.reliability.retry.GiveUpReason;
import io.marketprism.reliability.retry.RetryDecision;
import io.marketprism.reliability.retry.RetryRequest;
import io.marketprism.reliability.breaker.EndpointBreaker;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.EndpointId;
import io.marketprism.reliability.state.StateKey;
import io.marketprism.reliability.state.StateKind;
import io.marketprism.reliability.state.StateStorage;
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
 * <p><b>State.</b> Components are loaded from the caller's {@link StateStorage} on first use, under their
 * {@code StateKey}s and in their codecs' Avro form, and kept in memory. Each component counts its own changes; the
 * calls only list the components whose count moved, and {@link #saveChanges} writes each of them once, however many
 * calls changed it. A new engine over the storage continues with exactly the decisions this one would make after its
 * last {@code saveChanges}, so the caller saves wherever the storage must catch up with the calls made so far: the
 * topology saves at the end of every Kafka Streams invocation, before Streams may commit. The one exception is the
 * order in which a domain's retry budget serves waiting retries right after a restart
 * ({@code DomainRuntime.tryAcquireRetry}); never the number it grants. Merely moving a component's clock forward is
 * not saved: it replays identically as long as {@code now} never goes backwards. Saved state that
 * cannot be read (another release's format, damaged) or no longer fits the configuration is replaced by fresh state,
 * with a {@link ReliabilityEvent.StateDiscarded} event. A call that throws still lists what it changed before the
 * exception, so memory and storage agree again after the next save. Operator commands are calls too
 * ({@link #apply}).
 *
 * <p><b>Per-instrument domains.</b> A domain of a per-instrument limit group ({@link DomainId#ofInstrument}) is
 * created when a task of its instrument arrives, starting with any ban its group's domain on the route holds (a 418
 * bans the address, whatever the instrument), and is forgotten, in memory and in the storage, by
 * {@link #forgetIfIdle} once nothing distinguishes it from a fresh one: so the engine holds the instruments of the
 * last window, not every instrument it ever saw.
 *
 * <p><b>Clocks.</b> Saved clocks more than {@link ReliabilityConfig#clockSkewToleranceMillis()} ahead of {@code now}
 * (an instance whose clock ran fast saved them) are moved back to {@code now} when loaded, and so are loaded
 * components when {@code now} steps back by more than that; bans and ejections keep the time they had left. Each
 * counts a {@link ReliabilityEvent.ClockSkewed} event.
 *
 * <p><b>Calls.</b> Every {@link Decision.Dispatch} (from decide or drain) goes to an endpoint whose breaker is closed
 * and counts as in flight at the balancer until it is answered by exactly one {@link #record}, or handed back by
 * {@link #release}. Breakers count only failures that say something about the endpoint (NETWORK, TIMEOUT, SERVER,
 * RETRYABLE); a NON_RETRYABLE or RATE_LIMITED answer shows the endpoint is up.
 *
 * <p><b>Probes.</b> The engine makes no calls: {@link #probesDue} tells the caller which endpoints to check with a
 * GET of their health path, and {@link #recordProbe} takes the outcome. Probes are due for two reasons. An endpoint
 * the balancer ejected stays out of rotation after its ejection time until a probe succeeds (outside panic mode,
 * when the balancer spreads calls over all endpoints); a failed one ejects it again for as long. And the trial calls
 * of a half-open breaker are probes, never tasks, so a task's attempts are spent only on endpoints the breaker lets
 * traffic through to: a task waits (held NO_ENDPOINT) while its endpoints' breakers are open, and no task is given up
 * RETRIES_EXHAUSTED for trials that found the endpoint still down (see {@code ExchangeRuntime}). A probe handed out is
 * outstanding until its outcome is recorded and is not handed out again meanwhile. Outstanding probes are kept in
 * memory only: after a restart the due probes are simply due again (a trial permit the breaker saved as out is probed
 * for again), and an outcome reported to an engine that did not hand the probe out still counts.
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
    private final RestoreGuard guard;
    /** The latest {@code now} a call gave; {@link Long#MIN_VALUE} before the first. */
    private long latestNow = Long.MIN_VALUE;

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
        this.guard = new RestoreGuard(config.clockSkewToleranceMillis(), listener);
    }

    /**
     * Notes the time of a call. When it lies more than the clock-skew tolerance before the latest time seen (this
     * instance's clock stepped back), every loaded component whose clock is now too far ahead is moved back to
     * {@code now}, as saved state from the future is when it is loaded.
     */
    private void observe(long now) {
        if (guard.steppedBack(latestNow, now)) {
            for (ExchangeRuntime exchange : exchanges.values()) {
                exchange.rebaseTo(now);
                noteChanges(exchange);
            }
            for (DomainRuntime domain : domains.values()) {
                domain.rebaseTo(now);
                noteChanges(domain);
            }
            latestNow = now;
        }
        latestNow = Math.max(latestNow, now);
    }

    /**
     * Decides on a task, checking in order: its deadline has passed (dead letter EXPIRED); its notBefore lies ahead
     * (hold); the domain is banned (hold, or EXPIRED when the ban outlasts the deadline); no endpoint can take a call
     * (hold until one could, or EXPIRED likewise); then the limiter queues it in {@code queue}, sheds it, or admits
     * it, and the balancer picks an endpoint, avoiding the last one after a NETWORK or TIMEOUT failure.
     */
    public Decision decide(TaskView task, WaitQueue queue, long now) {
        observe(now);
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
        observe(now);
        DomainRuntime domain = knownDomain(domainName, now);
        if (domain == null) {
            return null;
        }
        ExchangeRuntime exchange = exchange(domain.exchange, now);
        try {
            return drainOneLoaded(domain, exchange, queue, now);
        } finally {
            noteChanges(exchange, domain);
        }
    }

    /** The domain as loaded or saved, loading it with its exchange; null when the engine has no state of it. */
    private DomainRuntime knownDomain(String domainName, long now) {
        DomainRuntime domain = domains.get(domainName);
        if (domain != null) {
            return domain;
        }
        String exchange = exchangeOfSaved(domainName);
        return exchange == null ? null : domain(domainName, exchange(exchange, now).profile, now);
    }

    /**
     * The exchange a domain's saved entry names; null when there is none. For an entry that cannot be read, the
     * exchange of the same name when one is configured, or the one the configuration gives the domain's group domain
     * ({@link ReliabilityConfig#domains()}), so that loading the domain replaces the entry; else null.
     */
    private String exchangeOfSaved(String domainName) {
        byte[] saved = storage.load(StateKey.limiter(new DomainId(domainName)));
        if (saved == null) {
            return null;
        }
        try {
            return DomainEntryCodec.INSTANCE.decode(saved).exchange();
        } catch (IllegalArgumentException unreadable) {
            return config.exchangeNames().contains(domainName) ? domainName
                    : config.domains().get(new DomainId(domainName).groupDomain().name());
        }
    }

    /**
     * Applies an operator's command at {@code now} and returns a one-line summary of the result: forces a breaker
     * open, closes or resets it (a BreakerTransitioned event), or lifts a domain's ban (a BanEnded event; lifting a
     * group's domain also lifts the bans its instruments' domains in memory took from it). The change
     * is saved by the next {@link #saveChanges}, as any other; the engine goes on from it, so no new engine is
     * needed. Throws IllegalArgumentException, changing nothing, for an exchange or endpoint that is not configured,
     * or a domain that is not banned.
     */
    public String apply(OperatorCommand command, long now) {
        observe(now);
        if (command instanceof OperatorCommand.LiftBan lift) {
            DomainRuntime domain = knownDomain(lift.domain().name(), now);
            long until = domain == null ? Long.MIN_VALUE : domain.limiter.bannedUntil();
            if (domain == null || !domain.limiter.liftBan(now)) {
                throw new IllegalArgumentException("domain '" + lift.domain() + "' is not banned");
            }
            noteChanges(domain);
            for (DomainRuntime other : domains.values()) {
                DomainId id = new DomainId(other.domain);
                if (id.instrument() != null && id.groupDomain().equals(lift.domain()) && other.limiter.liftBan(now)) {
                    noteChanges(other);
                }
            }
            return "ban of " + lift.domain() + " lifted (was until " + until + ")";
        }
        EndpointId endpoint = ((OperatorCommand.BreakerCommand) command).endpoint();
        ExchangeRuntime exchange = exchange(endpoint.exchange(), now);
        EndpointBreaker breaker = exchange.breakers[exchange.index(endpoint.endpoint())];
        try {
            if (command instanceof OperatorCommand.ForceOpenBreaker) {
                breaker.forceOpen(now);
            } else if (command instanceof OperatorCommand.CloseBreaker) {
                breaker.close(now);
            } else {
                breaker.reset(now);
            }
        } finally {
            noteChanges(exchange);
        }
        return "breaker " + endpoint + " is " + breaker.state();
    }

    private Decision.Dispatch drainOneLoaded(DomainRuntime domain, ExchangeRuntime exchange, WaitQueue queue,
                                             long now) {
        if (queue.totalDepth() == 0 || exchange.availableAt(now) > now || !exchange.hasCallSlot(now)) {
            return null;
        }
        List<Waiting> admitted = domain.limiter.drain(singleTask.over(queue), now);
        if (admitted.isEmpty()) {
            return null;
        }
        Waiting next = admitted.get(0);
        domain.callAdmitted();
        return dispatch(exchange, next.taskId(), avoiding(next.avoidEndpoint()), now);
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
     * Forgets the per-instrument limit domain {@code domainName} when it is idle at {@code now}: no call of it in
     * flight, no ban, its windows and retry budget empty, its token bucket full. It is then dropped from memory and
     * its saved entries are removed from the storage at once, and a later task of the instrument creates it afresh,
     * deciding as the forgotten one would have (but for a rate cut, which its calls no longer justify). The caller
     * calls it only while no task waits in the domain's queue. Returns whether it was forgotten; false, changing
     * nothing, for a domain that is not per instrument (configured domains are kept), busy, or unknown.
     */
    public boolean forgetIfIdle(String domainName, long now) {
        if (new DomainId(domainName).instrument() == null) {
            return false;
        }
        observe(now);
        DomainRuntime domain = knownDomain(domainName, now);
        if (domain == null) {
            return false;
        }
        if (!domain.isIdle(now)) {
            noteChanges(domain);
            return false;
        }
        domains.remove(domainName);
        changed.remove(domain);
        domain.removeFrom(storage);
        return true;
    }

    /** The limit domains held in memory, per-instrument ones included; for tests of what is forgotten. */
    Set<String> loadedDomains() {
        return Set.copyOf(domains.keySet());
    }

    /**
     * Answers a {@link Decision.Dispatch} whose call is not made (its task expired before the call, or it is routed
     * elsewhere): the call no longer counts as in flight, so its call slot is free again; nothing is learned about the
     * endpoint. A task holds no breaker permit to hand back: it went through a closed breaker, which counts none (a
     * half-open breaker's permits belong to its trial probes). An endpoint that is no longer configured has nothing to
     * hand back.
     */
    public void release(String exchangeName, String endpoint, long now) {
        observe(now);
        ExchangeRuntime exchange = exchange(exchangeName, now);
        if (!exchange.hasEndpoint(endpoint)) {
            return;
        }
        try {
            exchange.balancer.onDropped(endpoint);
        } finally {
            noteChanges(exchange);
        }
    }

    /**
     * Hands back the budget a dispatch of {@code task} took from its domain's limiter in this same invocation (the
     * dispatch is not called: its task expired in the queue, or its handling failed), so that the tasks behind it
     * can use it. Call it with the {@code now} of the dispatch.
     */
    public void refund(TaskView task, long now) {
        observe(now);
        ExchangeRuntime exchange = exchange(task.exchange(), now);
        DomainRuntime domain = domain(task.domain(), exchange.profile, now);
        try {
            domain.limiter.refund(weightOf(task, exchange), now);
            domain.callEnded();
        } finally {
            noteChanges(exchange, domain);
        }
    }

    /**
     * Counts the answered call of {@code task} in its domain's budget at {@code answeredAt} instead of at
     * {@code countedAt}, its admission ({@link io.marketprism.reliability.limiter.PriorityRateLimiter#onAnswered}):
     * for every call made, whatever its outcome; {@link Long#MIN_VALUE} for a call this engine did not admit.
     */
    public void countAnswered(TaskView task, long countedAt, long answeredAt, long now) {
        observe(now);
        ExchangeRuntime exchange = exchange(task.exchange(), now);
        DomainRuntime domain = domain(task.domain(), exchange.profile, now);
        try {
            domain.limiter.onAnswered(weightOf(task, exchange), countedAt, answeredAt, now);
            if (countedAt != Long.MIN_VALUE) {
                domain.callEnded();
            }
        } finally {
            noteChanges(exchange, domain);
        }
    }

    private static int weightOf(TaskView task, ExchangeRuntime exchange) {
        return task.weight() != null ? task.weight() : exchange.profile.weightOf(task.dataType(), task.params());
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
        return domain != null ? domain.exchange : exchangeOfSaved(domainName);
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
        observe(now);
        ExchangeRuntime exchange = exchange(report.exchange(), now);
        DomainRuntime domain = domain(report.domain(), exchange.profile, now);
        try {
            return recordLoaded(report, exchange, domain, now);
        } finally {
            noteChanges(exchange, domain);
        }
    }

    /**
     * The active health checks to make now: ejected endpoints whose ejection time is over, and endpoints whose
     * breaker's open wait is over or whose half-open breaker has trial permits left (each such probe takes one: the
     * breaker turns half-open at its first), whose probe is not outstanding, over every exchange with state (the first
     * call loads each exchange the storage holds state of, with its domain of the same name). Each is outstanding from
     * now until {@link #recordProbe} reports it, and not returned again meanwhile; outstanding probes live in memory
     * only, so after a restart due probes are simply due again. Checking a banned address can prolong the ban, so each
     * probe names the egress route to send it on: the first route of the exchange's limit domains
     * ({@link ReliabilityConfig#domains()}, in their order) on which no domain of the exchange is banned. While every
     * route is banned, or a domain without a route ({@link DomainId#route()} null: it stands for every route) is, no
     * probe of the exchange is due. An exchange whose domains name no route gets probes with a null route. Ordered by
     * exchange name, then by endpoint as configured; empty when none is due.
     *
     * <p>A probe costs budget on the exchange like any call: the health request is charged to the profile's
     * {@link io.marketprism.reliability.config.ExchangeProfile#healthGroup() health group}, whose domain on the probe's
     * route every endpoint of the host set shares. A probe is handed out only when that domain's limiter admits its
     * weight, which it then takes ({@link ProbeRequest#domain()}); one that finds no budget stays due for the next
     * call, so probes never overrun a window that tasks use up. Probes take budget at CRITICAL priority, reserve
     * included, and ahead of waiting tasks: they are how a dead endpoint comes back into rotation for every task, and
     * they are few, one in flight per endpoint.
     */
    public List<ProbeRequest> probesDue(long now) {
        observe(now);
        loadSavedExchanges(now);
        List<ProbeRequest> due = List.of();
        for (ExchangeRuntime exchange : exchanges.values()) {
            List<String> routes = config.routesOf(exchange.name);
            String route = null;
            if (routes.isEmpty()) {
                if (bannedOn(exchange.name, null, now)) {
                    continue;
                }
            } else {
                route = firstUnbannedRoute(exchange.name, routes, now);
                if (route == null) {
                    continue;
                }
            }
            List<String> dueProbes = exchange.dueProbes(now);
            if (dueProbes.isEmpty()) {
                continue;
            }
            DomainRuntime charged = healthDomain(exchange, route, now);
            int weight = charged == null ? 0 : exchange.profile.healthWeight();
            try {
                for (int i = 0; i < dueProbes.size(); i++) {
                    if (charged != null && !charged.limiter.tryTake(Priority.CRITICAL, weight, now)) {
                        break;
                    }
                    if (!exchange.takeProbe(dueProbes.get(i), now)) {
                        if (charged != null) {
                            charged.limiter.refund(weight, now);
                        }
                        continue;
                    }
                    if (due.isEmpty()) {
                        due = new ArrayList<>();
                    }
                    due.add(new ProbeRequest(exchange.name, dueProbes.get(i), route,
                            charged == null ? null : charged.domain, weight));
                }
            } finally {
                if (charged != null) {
                    noteChanges(charged);
                }
            }
        }
        if (due.size() > 1) {
            due.sort(Comparator.comparing(ProbeRequest::exchange));
        }
        return due;
    }

    /**
     * The limit domain a probe of {@code exchange} on {@code route} is charged to: the one of
     * {@link ReliabilityConfig#domains()} of the exchange's health group on that route; null when the profile names
     * no health group or the configuration routes to no such domain.
     */
    private DomainRuntime healthDomain(ExchangeRuntime exchange, String route, long now) {
        String group = exchange.profile.healthGroup();
        if (group == null || route == null) {
            return null;
        }
        for (Map.Entry<String, String> domain : config.domains().entrySet()) {
            DomainId id = new DomainId(domain.getKey());
            if (domain.getValue().equals(exchange.name) && group.equals(id.group()) && route.equals(id.route())) {
                return domain(domain.getKey(), exchange.profile, now);
            }
        }
        return null;
    }

    /**
     * Counts the answered call of a probe that took budget ({@link ProbeRequest#domain()} not null) at
     * {@code answeredAt} instead of at {@code countedAt}, when {@link #probesDue} handed it out, as
     * {@link #countAnswered} does for a task's call; a probe charged to no domain counts nowhere.
     */
    public void countProbeAnswered(ProbeRequest probe, long countedAt, long answeredAt, long now) {
        observe(now);
        if (probe.domain() == null) {
            return;
        }
        ExchangeRuntime exchange = exchange(probe.exchange(), now);
        DomainRuntime domain = domain(probe.domain(), exchange.profile, now);
        try {
            domain.limiter.onAnswered(probe.weight(), countedAt, answeredAt, now);
        } finally {
            noteChanges(domain);
        }
    }

    /**
     * Records the outcome of an active health check and ends the endpoint's outstanding probe. A half-open breaker
     * awaiting a trial's outcome records it as a trial call's (enough successes close it, enough failures open it
     * again); an ejected endpoint is restored to rotation when {@code ok}, else ejected again for as long (an
     * EndpointEjected event with reason PROBE_FAILED). An outcome for an endpoint awaiting neither is stale and
     * ignored. Throws IllegalArgumentException for an exchange or endpoint that is not configured.
     */
    public void recordProbe(String exchangeName, String endpoint, boolean ok, long now) {
        observe(now);
        ExchangeRuntime exchange = exchange(exchangeName, now);
        try {
            exchange.recordProbe(endpoint, ok, now);
        } finally {
            noteChanges(exchange);
        }
    }

    /**
     * Loads, once per engine, every configured exchange the storage holds a balancer of, and every limit domain the
     * storage holds state of among those the configuration knows ({@link ReliabilityConfig#domains()}, and the ones
     * named like an exchange), so that a new engine hands out the probes due before its first task of the exchange
     * and still knows every ban, even when a task of the exchange loaded the exchange, but not its domain, first.
     * State saved later comes from this engine, which has them loaded already.
     */
    private void loadSavedExchanges(long now) {
        if (savedExchangesLoaded) {
            return;
        }
        savedExchangesLoaded = true;
        for (String name : config.exchangeNames()) {
            if (!exchanges.containsKey(name) && storage.load(StateKey.balancer(name)) != null) {
                noteChanges(exchange(name, now));
            }
            loadSavedDomain(name, name, now);
        }
        config.domains().forEach((domain, exchange) -> loadSavedDomain(domain, exchange, now));
    }

    private void loadSavedDomain(String domainName, String exchangeName, long now) {
        if (!domains.containsKey(domainName) && exchangeName.equals(exchangeOfSaved(domainName))) {
            ExchangeRuntime exchange = exchange(exchangeName, now);
            noteChanges(exchange, domain(domainName, exchange.profile, now));
        }
    }

    /** The first of {@code routes} on which {@code exchangeName} is not banned; null when it is banned on all. */
    private String firstUnbannedRoute(String exchangeName, List<String> routes, long now) {
        for (String route : routes) {
            if (!bannedOn(exchangeName, route, now)) {
                return route;
            }
        }
        return null;
    }

    /**
     * Whether a domain of {@code exchangeName} is banned on {@code route}: one of that route, or one without a route
     * (it stands for every route); with a null {@code route}, any banned domain of the exchange.
     */
    private boolean bannedOn(String exchangeName, String route, long now) {
        for (Map.Entry<String, DomainRuntime> domain : domains.entrySet()) {
            if (domain.getValue().exchange.equals(exchangeName) && domain.getValue().limiter.bannedUntil() > now) {
                String bannedRoute = new DomainId(domain.getKey()).route();
                if (route == null || bannedRoute == null || bannedRoute.equals(route)) {
                    return true;
                }
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
            changed.get(i).saveChanges(storage);
        }
        changed.clear();
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
        if (task.attempt() > 1 && !domain.tryAcquireRetry(task.deadline(), now)) {
            return waitForRetryBudget(task, domain.retriesWaitUntil(), now);
        }
        int weight = weightOf(task, exchange);
        String avoidEndpoint = task.avoidEndpoint();
        AdmissionRequest request = new AdmissionRequest(task.taskId(), task.priority(), weight, avoidEndpoint);
        Admission admission = exchange.hasCallSlot(now) ? domain.limiter.offer(request, queue, now)
                : domain.limiter.enqueue(request, queue, now);
        if (admission instanceof Admission.Enqueued enqueued) {
            return new Decision.Queued(task.taskId(), enqueued.retryHintAt(),
                    enqueued.displaced().map(Waiting::taskId));
        }
        if (admission instanceof Admission.Shed shed) {
            return new Decision.Shed(task.taskId(), shed.reason());
        }
        domain.callAdmitted();
        return dispatch(exchange, task.taskId(), avoiding(avoidEndpoint), now);
    }

    /**
     * A retry the domain's retry budget refuses now waits {@code until} the budget's next bucket, when retries age out
     * of its window and the retries waiting are decided again, longest waiting first
     * ({@link DomainRuntime#tryAcquireRetry}), unless that is after its deadline: then it is given up
     * BUDGET_EXHAUSTED. A task without a deadline is given up at once: nothing bounds its wait, and once first
     * attempts stop the budget grants only its minimum, so a backlog of such retries would wait for hours.
     */
    private Decision waitForRetryBudget(TaskView task, long until, long now) {
        if (task.deadline() == null || until > task.deadline()) {
            String why = task.deadline() == null
                    ? "retry budget of the limit domain is used up, and the task has no deadline to wait within"
                    : "retry budget of the limit domain used up until after the deadline " + task.deadline();
            listener.onEvent(new ReliabilityEvent.TaskGivenUp(now, task.exchange(), task.domain(), task.taskId(),
                    GiveUpReason.BUDGET_EXHAUSTED, task.lastError(), why));
            return new Decision.DeadLetter(task.taskId(), GiveUpReason.BUDGET_EXHAUSTED, why);
        }
        return new Decision.Hold(task.taskId(), until, Decision.HoldReason.RETRY_BUDGET);
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
        if (!(pick instanceof Pick.Picked picked)) {
            throw new IllegalStateException("no endpoint of " + exchange.name + " after the check found one: " + pick);
        }
        int index = exchange.index(picked.endpoint());
        if (!exchange.breakers[index].tryAcquire(now)) {
            throw new IllegalStateException("breaker of " + picked.endpoint() + " refused after its gate permitted");
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
        exchange.balancer.onResult(report.endpoint(), report.success(), report.latencyMillis(), errorClass, now);
        int status = report.httpStatus() != null ? report.httpStatus() : report.success() ? 200 : 0;
        if (errorClass == ErrorClass.RATE_LIMITED && status != 429 && status != 418) {
            status = 429;
        }
        domain.limiter.onResponse(status, report.retryAfterMillis(), report.usedWeight(), now);
        if (status == 418) {
            banAlong(domain, exchange, now);
        }
        if (report.attempt() == 1) {
            domain.budget.recordRequest(now);
        }
        if (report.success()) {
            return new AfterCall.Completed();
        }
        long retryAfter = report.retryAfterMillis() != null
                ? Math.max(0, report.retryAfterMillis()) : RetryRequest.NO_RETRY_AFTER;
        RetryRequest request = new RetryRequest(report.taskId(), report.attempt(), errorClass, retryAfter,
                report.deadline() != null ? report.deadline() : RetryRequest.NO_DEADLINE,
                exchange.balancer.recentFailureRate(), now);
        RetryDecision decision = exchange.retryPolicy.decide(request);
        if (decision instanceof RetryDecision.RetryAt retry) {
            return new AfterCall.RetryAt(retry.dueAt(), retry.delayMillis(), errorClass);
        }
        RetryDecision.GiveUp giveUp = (RetryDecision.GiveUp) decision;
        listener.onEvent(new ReliabilityEvent.TaskGivenUp(now, report.exchange(), report.domain(), report.taskId(),
                giveUp.reason(), errorClass, giveUp.detail()));
        return new AfterCall.GiveUp(giveUp.reason(), errorClass, giveUp.detail());
    }

    /**
     * A 418 bans the address, not one limit group: every other domain the configuration routes to over the same
     * exchange and egress route is banned as long ({@link ReliabilityConfig#domains()}).
     */
    private void banAlong(DomainRuntime banned, ExchangeRuntime exchange, long now) {
        String route = new DomainId(banned.domain).route();
        long until = banned.limiter.bannedUntil();
        if (route == null) {
            return;
        }
        config.domains().forEach((name, exchangeName) -> {
            if (!name.equals(banned.domain) && exchangeName.equals(exchange.name)
                    && route.equals(new DomainId(name).route())) {
                banAlong(domain(name, exchange.profile, now), until, now);
            }
        });
        for (DomainRuntime other : List.copyOf(domains.values())) {
            DomainId id = new DomainId(other.domain);
            if (other != banned && id.instrument() != null && other.exchange.equals(exchange.name)
                    && route.equals(id.route())) {
                banAlong(other, until, now);
            }
        }
    }

    private void banAlong(DomainRuntime domain, long until, long now) {
        domain.limiter.banAlong(until, 418, now);
        noteChanges(domain);
    }

    /**
     * A per-instrument domain, on load, is banned as long as its group's domain on the route still is: that one
     * holds the bans a 418 elsewhere on the address imposed while the instrument's domain was not in memory.
     */
    private void inheritBan(DomainRuntime instrument, DomainRuntime group, long now) {
        long until = group.limiter.bannedUntil();
        if (until > now && until > instrument.limiter.bannedUntil()) {
            banAlong(instrument, until, now);
        }
    }

    /** The runtime of exchange {@code name}; IllegalArgumentException when it is not configured. */
    private ExchangeRuntime exchange(String name, long now) {
        ExchangeRuntime exchange = exchanges.get(name);
        if (exchange == null) {
            exchange = new ExchangeRuntime(config.exchange(name), callSlotsPerEndpoint, storage, listener, guard, now);
            exchanges.put(name, exchange);
        }
        return exchange;
    }

    /** A domain's saved entry; null when there is none, or when it cannot be read (a StateDiscarded event). */
    private DomainEntry savedEntry(String name, String exchange, long now) {
        byte[] saved = storage.load(StateKey.limiter(new DomainId(name)));
        if (saved == null) {
            return null;
        }
        try {
            return DomainEntryCodec.INSTANCE.decode(saved);
        } catch (IllegalArgumentException unreadable) {
            guard.discarded(now, exchange, name, StateKind.LIMITER, unreadable);
            return null;
        }
    }

    private DomainRuntime domain(String name, ExchangeProfile profile, long now) {
        DomainRuntime domain = domains.get(name);
        if (domain == null) {
            DomainEntry saved = savedEntry(name, profile.name(), now);
            if (saved != null && !saved.exchange().equals(profile.name())) {
                throw new IllegalArgumentException("limit domain " + name + " belongs to exchange "
                        + saved.exchange() + ", not " + profile.name());
            }
            domain = DomainRuntime.load(name, profile, saved == null ? null : saved.limiter(), storage, listener, guard,
                    now);
            domains.put(name, domain);
            DomainId id = new DomainId(name);
            if (id.instrument() != null) {
                inheritBan(domain, domain(id.groupDomain().name(), profile, now), now);
            }
        } else if (!domain.exchange.equals(profile.name())) {
            throw new IllegalArgumentException("limit domain " + name + " belongs to exchange " + domain.exchange
                    + ", not " + profile.name());
        }
        return domain;
    }
}
