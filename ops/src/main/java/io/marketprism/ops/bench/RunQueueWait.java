package io.marketprism.ops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How long this JVM's threads whose name starts with a prefix have waited for a core, from Linux's scheduler
 * statistics ({@code /proc/self/task/<tid>/schedstat}, whose second field is the time spent runnable on a run
 * queue, in nanoseconds). A thread's name is matched by its first 15 characters ({@code comm}), all Linux keeps.
 * Where there is no {@code /proc} the reading is -1.
 */
final class RunQueueWait {

    private static final Path TASKS = Path.of("/proc/self/task");
    private static final int COMM_LENGTH = 15;

    private RunQueueWait() {
    }

    /** Nanoseconds the matching live threads have waited on a run queue since they started; -1 without /proc. */
    static long nanos(String threadNamePrefix) {
        String comm = threadNamePrefix.length() > COMM_LENGTH
                ? threadNamePrefix.substring(0, COMM_LENGTH) : threadNamePrefix;
        if (!Files.isDirectory(TASKS)) {
            return -1;
        }
        long sum = 0;
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                sum += waitedNanos(task, comm);
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }

    private static long waitedNanos(Path task, String comm) {
        try {
            if (!Files.readString(task.resolve("comm")).strip().startsWith(comm)) {
                return 0;
            }
            String[] fields = Files.readString(task.resolve("schedstat")).strip().split("\\s+");
            return Long.parseLong(fields[1]);
        } catch (IOException | RuntimeException endedOrUnreadable) {
            return 0;
        }
    }
}
