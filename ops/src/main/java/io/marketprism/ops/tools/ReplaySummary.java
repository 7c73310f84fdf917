package io.marketprism.ops.tools;

/**
 * What one {@code dlq replay} did.
 *
 * @param replayed dead letters written back to the input topic by this run
 * @param alreadyReplayed matching dead letters skipped because an earlier run replayed them
 * @param undecodable matching dead letters skipped because they hold no task (raw bytes without --include-raw,
 *     or a record that is no dead letter)
 */
public record ReplaySummary(long replayed, long alreadyReplayed, long undecodable) {

    @Override
    public String toString() {
        return "replayed " + replayed + ", skipped " + alreadyReplayed + " already replayed, skipped " + undecodable
                + " undecodable";
    }
}
