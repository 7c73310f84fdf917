package io.marketprism.ops.bench;

import io.marketprism.reliability.ErrorClass;
import io.marketprism.reliability.Priority;
import io.marketprism.reliability.balancer.BalancerConfig;
import io.marketprism.reliability.balancer.BalancerCodec;
import io.marketprism.reliability.balancer.BalancerListener;
import io.marketprism.reliability.balancer.LoadBalancer;
import io.marketprism.reliability.balancer.Pick;
import io.marketprism.reliability.breaker.BreakerConfig;
import io.marketprism.reliability.breaker.BreakerListener;
import io.marketprism.reliability.breaker.BreakerCodec;
import io.marketprism.reliability.breaker.EndpointBreaker;
import io.marketprism.reliability.engine.DomainEntryCodec;
import io.marketprism.reliability.limiter.AdmissionRequest;
import io.marketprism.reliability.limiter.InMemoryWaitQueue;
import io.marketprism.reliability.limiter.LimiterConfig;
import io.marketprism.reliability.limiter.LimiterListener;
import io.marketprism.reliability.limiter.PriorityRateLimiter;
import io.marketprism.reliability.retry.RetryBudget;
import io.marketprism.reliability.retry.RetryBudgetConfig;
import io.marketprism.reliability.retry.RetryBudgetCodec;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of saving and loading each component's state, one component per run ({@code component}), in states typical
 * of the default settings: a breaker with a full 50-call window, a limiter with its two one-minute windows of 60
 * slots in use, a balancer of 4 endpoints, a retry budget with its window filled.
 * <ul>
 *   <li>{@code change}: one typical change of the component (a recorded call, a used-weight correction, a pick with
 *       its result, a request), the baseline;</li>
 *   <li>{@code changeAndEncode}: that change and the component's saved bytes after it, as the engine saves a changed
 *       component;</li>
 *   <li>{@code decode}: the component restored from its saved bytes, as the engine loads it.</li>
 * </ul>
 * The saved size is printed at setup.
 *
 * <p>Run: {@code java -cp ops.jar:deps org.openjdk.jmh.Main StateCodecBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StateCodecBenchmark {

    private static final long T0 = 1_700_000_000_000L;

    public enum Component { BREAKER, LIMITER, BALANCER, RETRY_BUDGET }

    @Param({"BREAKER", "LIMITER", "BALANCER", "RETRY_BUDGET"})
    public Component component;

    private EndpointBreaker breaker;
    private PriorityRateLimiter limiter;
    private LoadBalancer balancer;
    private RetryBudget budget;
    private final BreakerConfig breakerConfig = BreakerConfig.ofDefaults();
    private final LimiterConfig limiterConfig = LimiterConfig.builder().build();
    private BalancerConfig balancerConfig;
    private final RetryBudgetConfig budgetConfig = RetryBudgetConfig.ofDefaults();
    private byte[] saved;
    private long now = T0 + 100_000;
    private int sequence;
    private final InMemoryWaitQueue queue = new InMemoryWaitQueue();

    @Setup
    public void setUp() {
        long now = T0;
        breaker = EndpointBreaker.create("api1", breakerConfig, BreakerListener.NONE, now);
        for (int i = 0; i < 50; i++) {
            now += 37;
            breaker.tryAcquire(now);
            if (i % 9 == 0) {
                breaker.onFailure(120, now);
            } else {
                breaker.onSuccess(20 + i, now);
            }
        }
        limiter = PriorityRateLimiter.create("binance", limiterConfig, LimiterListener.IGNORE);
        InMemoryWaitQueue queue = new InMemoryWaitQueue();
        for (int i = 0; i < 200; i++) {
            limiter.offer(new AdmissionRequest("t" + i, Priority.NORMAL, 2, null), queue, T0 + i * 150L);
            while (queue.totalDepth() > 0) {
                queue.removeHead(queue.head(Priority.NORMAL).get().priority());
            }
        }
        balancerConfig = BalancerConfig.ofDefaults("api1", "api2", "api3", "api4");
        balancer = LoadBalancer.create("binance", balancerConfig, BalancerListener.IGNORE);
        now = T0;
        for (int i = 0; i < 400; i++) {
            now += 11;
            Pick pick = balancer.pick(io.marketprism.reliability.balancer.EndpointGate.OPEN, Set.of(), now);
            String endpoint = ((Pick.Picked) pick).endpoint();
            balancer.onDispatch(endpoint);
            boolean ok = i % 13 != 0;
            balancer.onResult(endpoint, ok, 25 + i % 7, ok ? null : ErrorClass.SERVER, now);
        }
        balancer.onDispatch("api2");
        budget = RetryBudget.create(budgetConfig, T0);
        for (int i = 0; i < 300; i++) {
            budget.recordRequest(T0 + i * 40L);
            if (i % 10 == 0) {
                budget.tryAcquireRetry(T0 + i * 40L);
            }
        }
        saved = encodeOnly();
        System.out.println(component + " saved form: " + saved.length + " bytes");
    }

    /** One typical change of the component, the baseline of {@link #changeAndEncode}. */
    @Benchmark
    public Object change() {
        now += 7;
        int i = sequence++;
        switch (component) {
            case BREAKER -> {
                breaker.tryAcquire(now);
                if (i % 9 == 0) {
                    breaker.onFailure(120, now);
                } else {
                    breaker.onSuccess(20, now);
                }
            }
            case LIMITER -> limiter.onResponse(200, null, (long) (i % 500), now);
            case BALANCER -> {
                Pick pick = balancer.pick(io.marketprism.reliability.balancer.EndpointGate.OPEN, Set.of(), now);
                String endpoint = ((Pick.Picked) pick).endpoint();
                balancer.onDispatch(endpoint);
                balancer.onResult(endpoint, true, 25, null, now);
            }
            default -> budget.recordRequest(now);
        }
        return this;
    }

    /** One change and the component's saved form after it, as the engine writes it when it saves. */
    @Benchmark
    public byte[] changeAndEncode() {
        change();
        return encodeOnly();
    }

    private byte[] encodeOnly() {
        return switch (component) {
            case BREAKER -> BreakerCodec.INSTANCE.encode(breaker);
            case LIMITER -> DomainEntryCodec.INSTANCE.encode("binance", limiter);
            case BALANCER -> BalancerCodec.INSTANCE.encode(balancer);
            default -> RetryBudgetCodec.INSTANCE.encode(budget);
        };
    }

    /** The component back from its saved form, as the engine loads it. */
    @Benchmark
    public Object decode() {
        return switch (component) {
            case BREAKER -> EndpointBreaker.restore(BreakerCodec.INSTANCE.decode(saved), breakerConfig,
                    BreakerListener.NONE);
            case LIMITER -> PriorityRateLimiter.restore("binance", limiterConfig,
                    DomainEntryCodec.INSTANCE.decode(saved).limiter(), LimiterListener.IGNORE);
            case BALANCER -> LoadBalancer.restore("binance", balancerConfig, BalancerCodec.INSTANCE.decode(saved),
                    BalancerListener.IGNORE);
            default -> RetryBudget.restore(RetryBudgetCodec.INSTANCE.decode(saved), budgetConfig);
        };
    }
}
