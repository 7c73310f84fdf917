package io.marketprism.reliability.engine;

import static io.marketprism.reliability.engine.EngineFixture.T0;
import static io.marketprism.reliability.engine.PerInstrumentDomainsTest.LIMIT;
import static io.marketprism.reliability.engine.PerInstrumentDomainsTest.RETRY_WINDOW;
import static io.marketprism.reliability.engine.PerInstrumentDomainsTest.WINDOW;
import static io.marketprism.reliability.engine.PerInstrumentDomainsTest.domainOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.state.DomainId;
import io.marketprism.reliability.state.InMemoryStateStorage;
import io.marketprism.reliability.state.StateKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Per-instrument limit domains under any sequence of tasks over a few instruments, answers, drains, restarts and
 * time: no instrument is ever admitted more than its limit within the exchange's window, and once time has passed
 * beyond every window, no per-instrument domain is left in memory or in storage.
 */
class PerInstrumentDomainsPropertiesTest {

    private static final int INSTRUMENTS = 4;
    /** The exchange's window, shorter than the service's by the margin. */
    private static final long EXCHANGE_WINDOW = 2_000;

    /** One step: 0-3 a task of the instrument, 4 the oldest call answered, 5 its queue drained, 6 a restart. */
    record Op(int kind, int instrument, int delayMillis) {
    }

    /** A call admitted and not answered yet; {@code countedAt} is MIN_VALUE once an engine restart carried it on. */
    private static final class Call {
        final TaskView task;
        final String endpoint;
        long countedAt;

        Call(TaskView task, String endpoint, long countedAt) {
            this.task = task;
            this.endpoint = endpoint;
            this.countedAt = countedAt;
        }
    }

    private final Map<Integer, InMemoryWaitQueue> queues = new HashMap<>();
    private final Map<Integer, List<Long>> admittedAt = new HashMap<>();
    private final Deque<Call> inFlight = new ArrayDeque<>();
    private InMemoryStateStorage storage;
    private DecisionEngine engine;
    private long now;
    private int nextTask;

    @Provide
    Arbitrary<List<Op>> runs() {
        return Combinators.combine(Arbitraries.integers().between(0, 6),
                        Arbitraries.integers().between(0, INSTRUMENTS - 1), Arbitraries.integers().between(0, 700))
                .as(Op::new).list().ofMaxSize(250);
    }

    @Property(tries = 200)
    void shouldNeverExceedAnInstrumentsLimitAndForgetEveryInstrumentOnceTimeLeavesTheWindows(
            @ForAll("runs") List<Op> ops) {
        storage = new InMemoryStateStorage();
        engine = new DecisionEngine(PerInstrumentDomainsTest.config(), storage, event -> { });
        inFlight.clear();
        now = T0;
        for (int i = 0; i < INSTRUMENTS; i++) {
            queues.put(i, new InMemoryWaitQueue());
            admittedAt.put(i, new ArrayList<>());
        }
        for (Op op : ops) {
            now += op.delayMillis();
            switch (op.kind()) {
                case 4 -> answerOldest();
                case 5 -> drain(op.instrument());
                case 6 -> restart();
                default -> arrive(op.instrument());
            }
            tick();
        }
        while (inFlight.size() > 0 || queues.values().stream().anyMatch(q -> q.totalDepth() > 0)) {
            now += WINDOW;
            while (!inFlight.isEmpty()) {
                answerOldest();
            }
            for (int i = 0; i < INSTRUMENTS; i++) {
                drain(i);
            }
            tick();
        }
        now += RETRY_WINDOW + WINDOW;
        tick();

        for (int i = 0; i < INSTRUMENTS; i++) {
            List<Long> times = admittedAt.get(i);
            for (int last = 0; last < times.size(); last++) {
                int first = last;
                while (first > 0 && times.get(first - 1) > times.get(last) - EXCHANGE_WINDOW) {
                    first--;
                }
                assertThat(last - first + 1).as("calls of instrument %d in the window ending at %d", i,
                        times.get(last) - T0).isLessThanOrEqualTo(LIMIT);
            }
        }
        assertThat(engine.loadedDomains()).allSatisfy(d -> assertThat(new DomainId(d).instrument()).isNull());
        assertThat(storage.entries().keySet()).filteredOn(key -> key.kind() == StateKind.LIMITER
                        || key.kind() == StateKind.RETRY_BUDGET)
                .allSatisfy(key -> assertThat(new DomainId(key.id()).instrument()).as(key.asString()).isNull());
    }

    private void arrive(int instrument) {
        TaskView task = PerInstrumentDomainsTest.task("t" + nextTask++, "i" + instrument);
        if (engine.decide(task, queues.get(instrument), now) instanceof Decision.Dispatch dispatch) {
            admitted(instrument, task, dispatch);
        }
    }

    private void drain(int instrument) {
        for (Decision.Dispatch dispatch : engine.drain(domainOf("i" + instrument), queues.get(instrument), now)) {
            admitted(instrument, PerInstrumentDomainsTest.task(dispatch.taskId(), "i" + instrument), dispatch);
        }
    }

    private void admitted(int instrument, TaskView task, Decision.Dispatch dispatch) {
        admittedAt.get(instrument).add(now);
        inFlight.add(new Call(task, dispatch.endpoint(), now));
    }

    private void answerOldest() {
        Call call = inFlight.poll();
        if (call != null) {
            engine.countAnswered(call.task, call.countedAt, now, now);
            engine.record(CallReport.success(call.task, call.endpoint, 10), now);
        }
    }

    /** Saves and starts a new engine over the storage; the queues are durable, calls in flight are carried on. */
    private void restart() {
        engine.saveChanges();
        engine = new DecisionEngine(PerInstrumentDomainsTest.config(), storage, event -> { });
        inFlight.forEach(call -> call.countedAt = Long.MIN_VALUE);
    }

    /** What the topology's tick does: forgets the idle instruments with an empty queue, then saves. */
    private void tick() {
        for (int i = 0; i < INSTRUMENTS; i++) {
            if (queues.get(i).totalDepth() == 0) {
                engine.forgetIfIdle(domainOf("i" + i), now);
            }
        }
        engine.saveChanges();
    }
}
