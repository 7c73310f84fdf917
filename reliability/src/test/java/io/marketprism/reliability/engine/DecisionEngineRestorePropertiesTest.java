package io.marketprism.reliability.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.Priority;
import io.marketprism.reliability.balancer.EjectionReason;
import io.marketprism.reliability.config.ReliabilityConfig;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.state.InMemoryStateStorage;
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
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

class DecisionEngineRestorePropertiesTest {

    /**
     * One step: {@code kind} picks decide (0-3), record (4-6), drain (7), retry (8-9), ask for due probes (10-11) or
     * record a probe outcome (12-13); {@code variant} the details.
     */
    record Op(int kind, Priority priority, int dt, int variant) {
    }

    /** Ejects after one endpoint failure, so that runs often eject, probe, restore and panic. */
    private static final ReliabilityConfig CONFIG = EngineFixture.configEjecting(1, 0.5, 0.5);

    @Provide
    Arbitrary<List<Op>> runs() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 13),
                        Arbitraries.of(Priority.class),
                        Arbitraries.integers().between(0, 1_500),
                        Arbitraries.integers().between(0, 99))
                .as(Op::new)
                .list().ofMinSize(1).ofMaxSize(150).withSizeDistribution(RandomDistribution.uniform());
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
        Statistics.collect(original.probeOutcomesApplied > 0 ? "probe outcome applied" : "no probe outcome");
        Statistics.coverage(coverage -> coverage.check("probe outcome applied").percentage(p -> p >= 20));
    }

    /** Plays steps against one engine, tracking dispatched, waiting and retried tasks like a caller would. */
    private static final class Driver {
        final InMemoryStateStorage storage;
        final InMemoryWaitQueue queue;
        final DecisionEngine engine;
        final List<Object[]> inFlight = new ArrayList<>();
        final Map<String, TaskView> waiting = new HashMap<>();
        final List<TaskView> retries = new ArrayList<>();
        /** Probes handed out and not answered yet, as a caller keeps them across a restart. */
        final List<ProbeRequest> probing = new ArrayList<>();
        long now = EngineFixture.T0;
        int nextId;
        /** Probe outcomes that restored an endpoint or ejected it again. */
        int probeOutcomesApplied;

        Driver(InMemoryStateStorage storage, InMemoryWaitQueue queue) {
            this.storage = storage;
            this.queue = queue;
            this.engine = new DecisionEngine(CONFIG, storage, this::countProbeOutcomes);
        }

        private void countProbeOutcomes(ReliabilityEvent event) {
            if (event instanceof ReliabilityEvent.EndpointRestored
                    || event instanceof ReliabilityEvent.EndpointEjected e && e.reason() == EjectionReason.PROBE_FAILED) {
                probeOutcomesApplied++;
            }
        }

        /** A new engine over a copy of this one's storage, with copies of everything the caller keeps. */
        Driver restartedCopy() {
            engine.saveChanges();
            Driver copy = new Driver(InMemoryStateStorage.copyOf(storage), InMemoryWaitQueue.copyOf(queue));
            copy.inFlight.addAll(inFlight);
            copy.waiting.putAll(waiting);
            copy.retries.addAll(retries);
            copy.probing.addAll(probing);
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
                return dispatched;
            }
            if (op.kind() <= 9) {
                return retries.isEmpty() ? "none" : decide(retries.remove(0));
            }
            if (op.kind() <= 11) {
                return askForProbes();
            }
            return probing.isEmpty() ? "no probe" : recordProbe(v);
        }

        /**
         * Starts the due probes the caller has not started yet: a restarted engine hands out again the probes the
         * caller already runs, and the caller, knowing them, starts no second one.
         */
        private Object askForProbes() {
            List<ProbeRequest> due = new ArrayList<>(engine.probesDue(now));
            due.removeAll(probing);
            probing.addAll(due);
            return due;
        }

        private Object recordProbe(int v) {
            ProbeRequest probe = probing.remove(v % probing.size());
            boolean ok = v % 3 != 0;
            engine.recordProbe(probe.exchange(), probe.endpoint(), ok, now);
            return List.of(probe, ok);
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
