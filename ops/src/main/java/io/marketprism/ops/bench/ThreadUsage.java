package io.marketprism.ops.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time and allocated bytes of the live threads whose name matches, read through the JVM's
 * {@code com.sun.management.ThreadMXBean}. {@link #since} gives what the threads used between two readings; a thread
 * that started in between counts from zero, one that ended in between is missed.
 *
 * @param cpuNanos       CPU time per thread id
 * @param allocatedBytes allocated bytes per thread id
 * @param threads        how many threads matched
 */
record ThreadUsage(Map<Long, Long> cpuNanos, Map<Long, Long> allocatedBytes, int threads) {

    /** Reads the threads whose name {@code matches}. */
    static ThreadUsage read(Predicate<String> matches) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!bean.isThreadCpuTimeEnabled()) {
            bean.setThreadCpuTimeEnabled(true);
        }
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, Long> allocated = new HashMap<>();
        for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
            if (info == null || !matches.test(info.getThreadName())) {
                continue;
            }
            long id = info.getThreadId();
            cpu.put(id, Math.max(0, bean.getThreadCpuTime(id)));
            allocated.put(id, Math.max(0, bean.getThreadAllocatedBytes(id)));
        }
        return new ThreadUsage(Map.copyOf(cpu), Map.copyOf(allocated), cpu.size());
    }

    /** CPU nanoseconds the threads of this reading used since {@code earlier}. */
    long cpuNanosSince(ThreadUsage earlier) {
        return delta(cpuNanos, earlier.cpuNanos);
    }

    /** Bytes the threads of this reading allocated since {@code earlier}. */
    long allocatedBytesSince(ThreadUsage earlier) {
        return delta(allocatedBytes, earlier.allocatedBytes);
    }

    private static long delta(Map<Long, Long> now, Map<Long, Long> before) {
        long sum = 0;
        for (Map.Entry<Long, Long> thread : now.entrySet()) {
            sum += Math.max(0, thread.getValue() - before.getOrDefault(thread.getKey(), 0L));
        }
        return sum;
    }
}
