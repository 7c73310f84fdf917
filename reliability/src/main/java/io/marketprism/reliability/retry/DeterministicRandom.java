package io.marketprism.reliability.retry;

/** Uniform numbers in [0, 1) derived only from (taskId, attempt): FNV-1a over the id, mixed with SplitMix64. */
final class DeterministicRandom {

    private DeterministicRandom() {
    }

    static double unit(String taskId, int attempt) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < taskId.length(); i++) {
            hash ^= taskId.charAt(i);
            hash *= 0x100000001b3L;
        }
        long z = hash + attempt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
