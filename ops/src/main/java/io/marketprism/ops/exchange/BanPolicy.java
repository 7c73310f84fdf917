package io.marketprism.ops.exchange;

import java.time.Duration;

/**
 * When a strict venue stops answering a route altogether, and for how long.
 *
 * @param ignoredRejectionsBeforeBan requests sent while an earlier rejection's {@code Retry-After} is still running
 *                                   that ban the route; 0 bans on the first breach itself, -1 never bans
 * @param firstBan                   the first ban's length
 * @param longestBan                 bans double with each repeat, up to this
 */
record BanPolicy(int ignoredRejectionsBeforeBan, Duration firstBan, Duration longestBan) {

    /** No bans: every breach is only rejected. */
    static final BanPolicy NEVER = new BanPolicy(-1, Duration.ZERO, Duration.ZERO);

    boolean bans() {
        return ignoredRejectionsBeforeBan >= 0;
    }

    /** Length of the route's {@code banNumber}-th ban (1 for the first). */
    Duration lengthOf(int banNumber) {
        Duration length = firstBan;
        for (int i = 1; i < banNumber && length.compareTo(longestBan) < 0; i++) {
            length = length.multipliedBy(2);
        }
        return length.compareTo(longestBan) < 0 ? length : longestBan;
    }
}
