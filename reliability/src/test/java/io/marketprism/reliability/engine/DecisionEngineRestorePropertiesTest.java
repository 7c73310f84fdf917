package io.marketprism.reliability.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class DecisionEngineRestorePropertiesTest {

    /** One step: {@code kind} picks decide / record / drain / retry, {@code variant} the details. */
    record Op(int kind, Priority priority, int dt, int variant) {
    }

    @Provide
    Arbitrary<List<Op>> runs() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 9),
                        Arbitraries.of(Priority.class),
                        Arbitraries.integers().between(0, 1_500),
                        Arbitraries.integers().between(0, 99))
                .as(Op::new)
                .list().ofMinSize(1).ofMaxSize(150);
    }

    @Property(tries = 300)
    void engineRestoredFromStorageMidwayDecidesExactlyLikeTheOriginal(
            @ForAll("runs") List<Op> ops, @ForAll @IntRange(min = 0, max = 150) int restartAt) {
        Driver original = new Driver(new InMemoryStateStorage(), new InMemoryWaitQueue());
        Driver restarted = null;
        for (int i = 0; i < ops.size(); i++) {
            if (i == restartAt) {
                restarted = original.restartedCopy();
            }
            Object expected = original.play(ops.get(i));
            if (restarted != null) {
                assertThat(restarted.play(ops.get(i))).as("step %d: %s", i, ops.get(i)).isEqualTo(expected);
            }
        }
    }

    /** Plays steps against one engine, tracking dispatched, waiting and retried tasks like a caller would. */
    private static final class Driver {
        final InMemoryStateStorage storage;
        final InMemoryWaitQueue queue;
        final DecisionEngine engine;
        final List<Object[]> inFlight = new ArrayList<>();
        final Map<String, TaskView> waiting = new HashMap<>();
        final List<TaskView> retries = new ArrayList<>();
        long now = EngineFixture.T0;
        int nextId;

        Driver(InMemoryStateStorage storage, InMemoryWaitQueue queue) {
            this.storage = storage;
            this.queue = queue;
            this.engine = new DecisionEngine(EngineFixture.config(), storage, EventListener.IGNORE);
        }

        /** A new engine over a copy of this one's storage, with copies of everything the caller keeps. */
        Driver restartedCopy() {
            Driver copy = new Driver(InMemoryStateStorage.copyOf(storage), InMemoryWaitQueue.copyOf(queue));
            copy.inFlight.addAll(inFlight);
            copy.waiting.putAll(waiting);
            copy.retries.addAll(retries);
            copy.now = now;
            copy.nextId = nextId;
            return copy;
        }

        Object play(Op op) {
            now += op.dt();
            int v = op.variant();
            if (op.kind() <= 3) {
                TaskView task = EngineFixture.task("t" + nextId++).withPriority(op.priority()).withWeight(1 + v % 2)
                        .withDeadline(v % 7 == 0 ? now + 400 : null);
                return decide(task);
            }
            if (op.kind() <= 6) {
                return inFlight.isEmpty() ? "idle" : record(v);
            }
            if (op.kind() == 7) {
                List<Decision.Dispatch> dispatched = engine.drain("ex", queue, now);
                dispatched.forEach(d -> inFlight.add(new Object[] {waiting.remove(d.taskId()), d.endpoint()}));
                return List.of(dispatched, engine.nextWakeUp(now));
            }
            return retries.isEmpty() ? "none" : decide(retries.remove(0));
        }

        private Object decide(TaskView task) {
            Decision decision = engine.decide(task, queue, now);
            if (decision instanceof Decision.Dispatch d) {
                inFlight.add(new Object[] {task, d.endpoint()});
            } else if (decision instanceof Decision.Queued q) {
                waiting.put(task.taskId(), task);
                q.displaced().ifPresent(waiting::remove);
            } else if (decision instanceof Decision.Hold) {
                retries.add(task);
            }
            return decision;
        }

        private Object record(int v) {
            Object[] call = inFlight.remove(v % inFlight.size());
            TaskView task = (TaskView) call[0];
            String endpoint = (String) call[1];
            long latency = v % 50;
            CallReport report = switch (v % 8) {
                case 0, 1, 2 -> CallReport.success(task, endpoint, latency).withUsedWeight(v % 3 == 0 ? 7L : null);
                case 3 -> CallReport.status(task, endpoint, 500, null, null, latency);
                case 4 -> CallReport.status(task, endpoint, 429, null, v % 2 == 0 ? 300L : null, latency);
                case 5 -> CallReport.exception(task, endpoint, "java.net.ConnectException", latency);
                case 6 -> CallReport.status(task, endpoint, 418, null, null, latency);
                default -> CallReport.status(task, endpoint, 400, "-1121", null, latency);
            };
            AfterCall after = engine.record(report, now);
            if (after instanceof AfterCall.RetryAt retry) {
                retries.add(task.retry(task.attempt() + 1, retry.dueAt(), endpoint, retry.errorClass()));
            }
            return after;
        }
    }
}
