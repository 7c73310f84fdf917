package io.marketprism.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommitTimesTest {

    @Test
    void shouldTakeTheFirstCommitAtOrAfterARecordWasProducedAsItsTransactionsCommit() {
        try (CommitTimes.Recording commits = CommitTimes.record(10)) {
            // Given commits that ended at 1,000, 1,100 and 1,205
            synchronized (CommitTimes.class) {
                commits.note(1_000, 3);
                commits.note(1_100, 5);
                commits.note(1_205, 40);
            }

            // Then a record produced at 1,000 was in the first, one at 1,001 in the second, none after 1,205 yet
            assertThat(commits.firstEndAtOrAfter(1_000)).isEqualTo(1_000);
            assertThat(commits.firstEndAtOrAfter(1_001)).isEqualTo(1_100);
            assertThat(commits.firstEndAtOrAfter(1_150)).isEqualTo(1_205);
            assertThat(commits.firstEndAtOrAfter(1_206)).isEqualTo(-1);
            assertThat(commits.durations().count()).isEqualTo(3);
            assertThat(commits.durations().p50()).isEqualTo(5);
        }
    }

    @Test
    void shouldKeepNoMoreCommitEndsThanItsCapacityButCountEveryDuration() {
        try (CommitTimes.Recording commits = CommitTimes.record(1)) {
            synchronized (CommitTimes.class) {
                commits.note(1_000, 3);
                commits.note(1_100, 5);
            }

            assertThat(commits.firstEndAtOrAfter(1_001)).isEqualTo(-1);
            assertThat(commits.durations().count()).isEqualTo(2);
        }
    }
}
