package io.marketprism.ops.bench;

import io.marketprism.ops.chaos.ServiceInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * CPU time at one instant: of each service instance's JVM ({@link ProcessHandle.Info#totalCpuDuration}), of the whole
 * machine (the first line of Linux's {@code /proc/stat}: jiffies busy and in total, over every core) and the load
 * average. Two samples give what the instances used and how busy the machine was between them, which tells a run
 * bound by the machine from one bound by the work.
 *
 * @param instanceCpuNanos CPU time each instance's JVM used so far, by instance
 * @param machineBusy      jiffies every core spent on anything but idle and I/O wait so far; -1 where unknown
 * @param machineTotal     jiffies so far, over every core; -1 where unknown
 * @param load             the system load average over one minute
 */
record CpuSample(List<Long> instanceCpuNanos, long machineBusy, long machineTotal, long atNanos, double load) {

    private static final Path PROC_STAT = Path.of("/proc/stat");

    static CpuSample of(List<ServiceInstance> instances) {
        List<Long> cpu = instances.stream().map(instance -> ProcessHandle.of(instance.pid())
                .flatMap(process -> process.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L)).toList();
        long busy = -1;
        long total = -1;
        try {
            // cpu  user nice system idle iowait irq softirq steal ...
            String[] fields = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            total = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                total += Long.parseLong(fields[i]);
            }
            busy = total - Long.parseLong(fields[4]) - Long.parseLong(fields[5]);
        } catch (IOException | RuntimeException notLinux) {
            // the machine's share stays unknown
        }
        return new CpuSample(cpu, busy, total, System.nanoTime(), BenchmarkReport.loadAverage());
    }

    /** Cores the instances used together since {@code earlier}: their CPU time over the wall time between. */
    double instanceCoresSince(CpuSample earlier) {
        long used = 0;
        for (int i = 0; i < instanceCpuNanos.size(); i++) {
            used += instanceCpuNanos.get(i) - earlier.instanceCpuNanos.get(i);
        }
        return used / (double) (atNanos - earlier.atNanos);
    }

    /** The machine's busy share since {@code earlier}, over all its cores; NaN where unknown. */
    double machineBusySince(CpuSample earlier) {
        if (machineTotal < 0 || earlier.machineTotal < 0 || machineTotal == earlier.machineTotal) {
            return Double.NaN;
        }
        return (machineBusy - earlier.machineBusy) / (double) (machineTotal - earlier.machineTotal);
    }
}
