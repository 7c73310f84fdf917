package io.marketprism.reliability.limiter;

import io.marketprism.reliability.Priority;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Priority rate limiter of one limit domain (e.g. "binance"). A task passes only when the token bucket and every
 * rolling window allow its weight; tasks that cannot pass wait in a caller-owned {@link WaitQueue} and are admitted
 * by {@link #drain} strictly by priority, FIFO within one. Non-CRITICAL tasks never use the
 * {@link LimiterConfig#criticalReserveShare() CRITICAL reserve} of any budget. Answers from the exchange adapt the
 * refill rate (AIMD), start bans and correct the window count ({@link #onResponse}).
 *
 * <p>All time is the caller's {@code now} in epoch milliseconds; a {@code now} earlier than one already seen counts
 * as the latest seen. The state is only counters and sequence numbers ({@link #snapshot()}). Not thread-safe.
 */
public final class PriorityRateLimiter {

    private static final Priority[] PRIORITIES = Priority.values();
    private static final long NO_BAN = Long.MIN_VALUE;

    private final String domain;
    private final LimiterConfig config;
    private final LimiterListener listener;
    private final TokenBucket bucket;
    private final SlidingWindow[] windows;
    private final SlidingWindow usedWeightWindow;
    /** Usable part of each window, by [window][priority]. */
    private final long[][] windowUsable;
    /** Micro-tokens a task must leave in the bucket, by priority. */
    private final long[] bucketReserveMicros;
    /** Largest weight a task can ever be admitted with, by priority. */
    private final long[] maxWeight;

    private long clock;
    private double rateFactor;
    private long bannedUntil;
    private boolean banActive;
    private long nextArrivalSeq;
    /** False until a fresh limiter, about to queue its first task, has checked the queue's arrival numbers. */
    private boolean arrivalsChecked;
    /** Grows whenever the saved state changes; see {@link #changeCount()}. */
    private long changes;

    private PriorityRateLimiter(String domain, LimiterConfig config, LimiterListener listener,
                                LimiterSnapshot snapshot) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        List<WindowLimit> limits = config.windows();
        this.windows = new SlidingWindow[limits.size()];
        this.windowUsable = new long[limits.size()][PRIORITIES.length];
        this.bucketReserveMicros = new long[PRIORITIES.length];
        this.maxWeight = new long[PRIORITIES.length];
        SlidingWindow headerWindow = null;
        for (int w = 0; w < windows.length; w++) {
            WindowLimit limit = limits.get(w);
            windows[w] = snapshot == null ? new SlidingWindow(limit)
                    : snapshot.window(limit).map(SlidingWindow::copy).orElseGet(() -> new SlidingWindow(limit));
            if (headerWindow == null && limit.measure() == WindowMeasure.WEIGHT
                    && limit.lengthMillis() == config.usedWeightWindowMillis()) {
                headerWindow = windows[w];
            }
        }
        this.usedWeightWindow = headerWindow;
        this.bucket = snapshot == null ? new TokenBucket(config.bucketCapacity())
                : snapshot.bucket().copyWithCapacity(config.bucketCapacity());
        long capacityMicros = bucket.capacityMicros();
        for (Priority p : PRIORITIES) {
            int i = p.ordinal();
            long usableMicros = config.usableShareOf(capacityMicros, p);
            bucketReserveMicros[i] = capacityMicros - usableMicros;
            long heaviest = usableMicros / TokenBucket.MICROS_PER_TOKEN;
            for (int w = 0; w < windows.length; w++) {
                windowUsable[w][i] = config.usableShareOf(limits.get(w).limit(), p);
                if (limits.get(w).measure() == WindowMeasure.WEIGHT) {
                    heaviest = Math.min(heaviest, windowUsable[w][i]);
                }
            }
            maxWeight[i] = heaviest;
        }
        this.clock = snapshot == null ? Long.MIN_VALUE : snapshot.clock();
        this.rateFactor = snapshot == null ? 1.0 : snapshot.rateFactor();
        this.bannedUntil = snapshot == null ? NO_BAN : snapshot.bannedUntil();
        this.banActive = snapshot != null && snapshot.banActive();
        this.nextArrivalSeq = snapshot == null ? 0 : snapshot.nextArrivalSeq();
        this.arrivalsChecked = snapshot != null;
        bucket.setRate(TokenBucket.microsPerMilli(config.refillPerSecond() * rateFactor));
    }

    /** A fresh limiter: full bucket, empty windows, full rate. */
    public static PriorityRateLimiter create(String domain, LimiterConfig config, LimiterListener listener) {
        return new PriorityRateLimiter(domain, config, listener, null);
    }

    /**
     * The limiter {@code snapshot} was taken of. Windows whose limit is no longer configured are dropped and new
     * ones start empty; with an unchanged config every future decision equals the original's.
     */
    public static PriorityRateLimiter restore(String domain, LimiterConfig config, LimiterSnapshot snapshot,
                                              LimiterListener listener) {
        return new PriorityRateLimiter(domain, config, listener, Objects.requireNonNull(snapshot, "snapshot"));
    }

    /**
     * A number that grows whenever something that {@link #snapshot} saves changes (weight taken, a task queued, the
     * rate or a ban), and not when the clock merely moves: a caller saves the limiter when it moved since its last
     * save.
     */
    public long changeCount() {
        return changes;
    }

    /** The limiter's state as a value; later changes to the limiter do not affect it. */
    public LimiterSnapshot snapshot() {
        List<SlidingWindow> copies = new ArrayList<>(windows.length);
        for (SlidingWindow window : windows) {
            copies.add(window.copy());
        }
        return new LimiterSnapshot(clock, rateFactor, bannedUntil, banActive, nextArrivalSeq,
                bucket.copyWithCapacity(config.bucketCapacity()), List.copyOf(copies));
    }

    /**
     * Decides on a newcomer: admits it when no task of equal or higher priority waits and every budget allows it;
     * otherwise queues it, shedding the newest task of the lowest priority when the queue is full (the newcomer
     * itself when nothing waiting ranks below it). A task heavier than any budget its priority may use is shed.
     *
     * <p>A fresh limiter (created, not restored) numbers its first queued task after the highest arrival number
     * waiting in {@code queue} ({@link WaitQueue#maxArrivalSeq()}), so that a limiter whose saved state was lost
     * never reuses the number, and so the queue key, of a task still waiting; so does {@link #enqueue}.
     */
    public Admission offer(AdmissionRequest request, WaitQueue queue, long now) {
        long at = advanceTo(now);
        Priority priority = request.priority();
        if (request.weight() > maxWeight[priority.ordinal()]) {
            return shedNewcomer(request, ShedReason.EXCEEDS_BUDGET, at);
        }
        if (!isBanned(at) && !waitsAtOrAbove(queue, priority) && fits(priority, request.weight())) {
            consume(request.weight());
            return Admission.Admit.INSTANCE;
        }
        return enqueueAt(request, queue, at);
    }

    /**
     * Takes {@code weight} from every budget when the domain is not banned and they allow it for {@code priority}
     * now, regardless of the tasks waiting; false, taking nothing, otherwise. For calls that never wait in the queue:
     * a health probe refused tries again at its next round. Counted like an admitted task, so {@link #onAnswered} and
     * {@link #refund} apply to it alike.
     */
    public boolean tryTake(Priority priority, int weight, long now) {
        long at = advanceTo(now);
        if (isBanned(at) || weight > maxWeight[priority.ordinal()] || !fits(priority, weight)) {
            return false;
        }
        consume(weight);
        return true;
    }

    /**
     * Queues a newcomer without trying to admit it, spending nothing: for a task whose budget may allow it but that
     * cannot be started now (no endpoint has a free call slot). Sheds as {@link #offer} does when the queue is full.
     */
    public Admission enqueue(AdmissionRequest request, WaitQueue queue, long now) {
        long at = advanceTo(now);
        if (request.weight() > maxWeight[request.priority().ordinal()]) {
            return shedNewcomer(request, ShedReason.EXCEEDS_BUDGET, at);
        }
        return enqueueAt(request, queue, at);
    }

    private Admission enqueueAt(AdmissionRequest request, WaitQueue queue, long at) {
        if (!arrivalsChecked) {
            arrivalsChecked = true;
            long highestWaiting = queue.maxArrivalSeq();
            if (highestWaiting >= nextArrivalSeq) {
                nextArrivalSeq = highestWaiting + 1;
            }
        }
        Priority priority = request.priority();
        Optional<Waiting> displaced = Optional.empty();
        if (queue.totalDepth() >= config.queueCapacity()) {
            Priority lowestWaiting = lowestWaiting(queue);
            if (!priority.outranks(lowestWaiting)) {
                return shedNewcomer(request, ShedReason.QUEUE_FULL, at);
            }
            displaced = queue.removeNewest(lowestWaiting);
            displaced.ifPresent(victim -> listener.onEvent(new LimiterEvent.Shed(
                    domain, victim.taskId(), victim.priority(), ShedReason.DISPLACED, at)));
        }
        Waiting waiting = new Waiting(request.taskId(), priority, request.weight(), nextArrivalSeq++, at,
                request.avoidEndpoint());
        changes++;
        queue.add(waiting);
        return new Admission.Enqueued(waiting, nextDrainAt(queue, at), displaced);
    }

    /**
     * Admits waiting tasks that fit now, removing them from {@code queue}: CRITICAL first, FIFO within a priority,
     * stopping at the first head that does not fit so that no task passes one of higher priority.
     */
    public List<Waiting> drain(WaitQueue queue, long now) {
        long at = advanceTo(now);
        if (isBanned(at)) {
            return List.of();
        }
        List<Waiting> admitted = List.of();
        for (Priority priority : PRIORITIES) {
            for (Optional<Waiting> head = queue.head(priority); head.isPresent(); head = queue.head(priority)) {
                Waiting task = head.get();
                if (!fits(priority, task.weight())) {
                    return admitted;
                }
                consume(task.weight());
                queue.removeHead(priority);
                if (admitted.isEmpty()) {
                    admitted = new ArrayList<>();
                }
                admitted.add(task);
            }
        }
        return admitted;
    }

    /**
     * Earliest time a {@link #drain} can admit the highest-priority waiting task, assuming nothing else is admitted
     * meanwhile: {@code now} when it fits already, {@link Long#MAX_VALUE} when nothing waits.
     */
    public long nextDrainAt(WaitQueue queue, long now) {
        long at = advanceTo(now);
        for (Priority priority : PRIORITIES) {
            Optional<Waiting> head = queue.head(priority);
            if (head.isPresent()) {
                return earliestFit(priority, head.get().weight(), at);
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Learns from an exchange answer: 429 cuts the refill rate by {@link LimiterConfig#rateCutFactor()}, 2xx raises
     * it by {@link LimiterConfig#rateIncreasePerSuccess()} up to the full rate; a Retry-After on 429 or 418, and
     * every 418, ban the domain; a used-weight header above this limiter's own count raises the matching window to
     * the exchange's count (a lower one is ignored: calls still in flight are not in it yet).
     *
     * @param retryAfterMillis Retry-After in milliseconds, or null
     * @param usedWeight       the exchange's used weight in {@link LimiterConfig#usedWeightWindowMillis()}, or null
     */
    public void onResponse(int status, Long retryAfterMillis, Long usedWeight, long now) {
        long at = advanceTo(now);
        if (status == 429) {
            changeRate(Math.max(config.rateFloor(), rateFactor * config.rateCutFactor()));
            if (retryAfterMillis != null) {
                banUntil(at, retryAfterMillis, status);
            }
        } else if (status == 418) {
            banUntil(at, retryAfterMillis != null ? retryAfterMillis : config.defaultBanMillis(), status);
        } else if (status >= 200 && status < 300) {
            changeRate(Math.min(1.0, rateFactor + config.rateIncreasePerSuccess()));
        }
        if (usedWeight != null && usedWeightWindow != null && usedWeight > usedWeightWindow.total()) {
            usedWeightWindow.raiseTo(usedWeight);
            changes++;
        }
    }

    /**
     * Counts an answered call in every window at {@code answeredAt} instead of at {@code countedAt}, when it was
     * admitted (the token bucket is left as it is). The exchange counted the call when it arrived, at some time
     * between the two: however late it was sent, or long it travelled, the windows then hold it for at least as long
     * as the exchange's do, so a call admitted a window after it never overruns the exchange's count. For every call
     * that was made, answered or failed, not for one refunded.
     *
     * @param countedAt  when the call was admitted, the time it was counted at; {@link Long#MIN_VALUE} for a call
     *                   this limiter did not count (carried on after a restart), which is counted once more
     * @param answeredAt when its answer or failure came, by the caller's clock; taken as {@code countedAt} when
     *                   earlier, and as the latest time seen when later
     */
    public void onAnswered(int weight, long countedAt, long answeredAt, long now) {
        long at = advanceTo(now);
        long answered = Math.min(at, Math.max(countedAt, answeredAt));
        changes++;
        for (SlidingWindow window : windows) {
            window.recount(window.amountOf(weight), countedAt, answered);
        }
    }

    /**
     * Bans the domain until {@code until} (a BanStarted event) because the exchange banned the address it shares with
     * another domain (a 418 answered there); a ban lasting longer already is kept.
     */
    public void banAlong(long until, int status, long now) {
        long at = advanceTo(now);
        banUntil(at, until - at, status);
    }

    /** Operator action: ends a ban at {@code now} (a BanEnded event); false, changing nothing, when none lasts. */
    public boolean liftBan(long now) {
        long at = advanceTo(now);
        if (!isBanned(at)) {
            return false;
        }
        bannedUntil = NO_BAN;
        banActive = false;
        changes++;
        listener.onEvent(new LimiterEvent.BanEnded(domain, at));
        return true;
    }

    /**
     * Whether the limiter is, at {@code now}, as a fresh one would be but for its rate: no ban, every window empty
     * and the bucket full. A caller may then drop it and create it afresh when it is needed again: the decisions are
     * the same, except that a rate cut by a 429 is forgotten (every call it was learnt from has left the windows).
     */
    public boolean isIdle(long now) {
        long at = advanceTo(now);
        if (isBanned(at) || banActive || !bucket.holds(bucket.capacityMicros())) {
            return false;
        }
        for (SlidingWindow window : windows) {
            if (window.total() != 0) {
                return false;
            }
        }
        return true;
    }

    public String domain() {
        return domain;
    }

    public LimiterConfig config() {
        return config;
    }

    long clock() {
        return clock;
    }

    boolean banActive() {
        return banActive;
    }

    long nextArrivalSeq() {
        return nextArrivalSeq;
    }

    TokenBucket bucket() {
        return bucket;
    }

    SlidingWindow[] windows() {
        return windows;
    }

    /** Current refill rate as a share of {@link LimiterConfig#refillPerSecond()}. */
    public double rateFactor() {
        return rateFactor;
    }

    /** Time until which the whole domain is blocked; in the past (or {@link Long#MIN_VALUE}) when it is not. */
    public long bannedUntil() {
        return bannedUntil;
    }

    private long advanceTo(long now) {
        clock = Math.max(clock, now);
        bucket.refill(clock);
        for (SlidingWindow window : windows) {
            window.advance(clock);
        }
        if (banActive && clock >= bannedUntil) {
            banActive = false;
            changes++;
            listener.onEvent(new LimiterEvent.BanEnded(domain, bannedUntil));
        }
        return clock;
    }

    private boolean isBanned(long at) {
        return at < bannedUntil;
    }

    private boolean fits(Priority priority, int weight) {
        int p = priority.ordinal();
        if (!bucket.holds(weight * TokenBucket.MICROS_PER_TOKEN + bucketReserveMicros[p])) {
            return false;
        }
        for (int w = 0; w < windows.length; w++) {
            SlidingWindow window = windows[w];
            if (window.total() + window.amountOf(weight) > windowUsable[w][p]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives back what admitting a task of {@code weight} took, when that task is not called after all: tokens to the
     * bucket (up to its capacity) and the count in every window. For a task admitted at this same {@code now}.
     */
    public void refund(int weight, long now) {
        advanceTo(now);
        changes++;
        bucket.give(weight * TokenBucket.MICROS_PER_TOKEN);
        for (SlidingWindow window : windows) {
            window.unrecord(window.amountOf(weight));
        }
    }

    private void consume(int weight) {
        changes++;
        bucket.take(weight * TokenBucket.MICROS_PER_TOKEN);
        for (SlidingWindow window : windows) {
            window.record(window.amountOf(weight));
        }
    }

    private long earliestFit(Priority priority, int weight, long at) {
        int p = priority.ordinal();
        long earliest = Math.max(at, bannedUntil);
        long bucketNeed = Math.min(bucket.capacityMicros(),
                weight * TokenBucket.MICROS_PER_TOKEN + bucketReserveMicros[p]);
        earliest = Math.max(earliest, at + bucket.millisUntilHolding(bucketNeed));
        for (int w = 0; w < windows.length; w++) {
            SlidingWindow window = windows[w];
            long amount = Math.min(window.amountOf(weight), windowUsable[w][p]);
            earliest = Math.max(earliest, at + window.millisUntilFits(amount, windowUsable[w][p], at));
        }
        return earliest;
    }

    private static boolean waitsAtOrAbove(WaitQueue queue, Priority priority) {
        for (Priority p : PRIORITIES) {
            if (queue.depth(p) > 0) {
                return true;
            }
            if (p == priority) {
                return false;
            }
        }
        return false;
    }

    private static Priority lowestWaiting(WaitQueue queue) {
        for (int i = PRIORITIES.length - 1; i > 0; i--) {
            if (queue.depth(PRIORITIES[i]) > 0) {
                return PRIORITIES[i];
            }
        }
        return PRIORITIES[0];
    }

    private Admission shedNewcomer(AdmissionRequest request, ShedReason reason, long at) {
        listener.onEvent(new LimiterEvent.Shed(domain, request.taskId(), request.priority(), reason, at));
        return new Admission.Shed(request.taskId(), reason);
    }

    private void changeRate(double newFactor) {
        if (newFactor == rateFactor) {
            return;
        }
        double previous = rateFactor;
        rateFactor = newFactor;
        changes++;
        bucket.setRate(TokenBucket.microsPerMilli(config.refillPerSecond() * rateFactor));
        if (newFactor < previous) {
            listener.onEvent(new LimiterEvent.RateCut(domain, previous, newFactor, clock));
        }
    }

    private void banUntil(long at, long durationMillis, int status) {
        if (durationMillis <= 0) {
            return;
        }
        long until = at + durationMillis;
        if (until > bannedUntil) {
            bannedUntil = until;
            banActive = true;
            changes++;
            listener.onEvent(new LimiterEvent.BanStarted(domain, until, status, at));
        }
    }
}
