package io.marketprism.reliability.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BreakerSnapshotTest {

    private static final long T0 = 1_700_000_000_000L;

    private static BreakerSnapshot closedWithWindow() {
        return new BreakerSnapshot("okx/a", BreakerState.CLOSED, T0, T0 + 900, 0,
                List.of(new RecordedCall(T0 + 5, false, false), new RecordedCall(T0 + 400, true, true),
                        new RecordedCall(T0 + 900, true, false)),
                2, 0, List.of());
    }

    @Test
    void shouldReadBackWhatItWrote() {
        BreakerSnapshot snapshot = closedWithWindow();
        BreakerSnapshot halfOpen = new BreakerSnapshot("okx/a", BreakerState.HALF_OPEN, T0, T0 + 10, 3, List.of(),
                0, 2, List.of(new RecordedCall(T0 + 10, false, true)));

        assertThat(BreakerSnapshot.fromBytes(snapshot.toBytes())).isEqualTo(snapshot);
        assertThat(BreakerSnapshot.fromBytes(halfOpen.toBytes())).isEqualTo(halfOpen);
    }

    @Test
    void shouldStartWithTheFormatVersionAndStayCompact() {
        byte[] bytes = closedWithWindow().toBytes();

        assertThat(bytes[0]).isEqualTo(BreakerSnapshot.FORMAT_VERSION);
        // version 1 + endpoint 7 + state 1 + two longs 16 + three counts 3 + window count 1 + calls <= 3 bytes each + 1
        assertThat(bytes.length).isLessThanOrEqualTo(1 + 7 + 1 + 16 + 3 + 1 + 9 + 1);
    }

    @Test
    void shouldRejectAnUnknownVersionOrTruncatedBytes() {
        byte[] bytes = closedWithWindow().toBytes();
        byte[] future = bytes.clone();
        future[0] = 2;

        assertThatThrownBy(() -> BreakerSnapshot.fromBytes(future))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format version 2");
        assertThatThrownBy(() -> BreakerSnapshot.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectFieldsThatDoNotBelongToTheState() {
        assertThatThrownBy(() -> new BreakerSnapshot("e", BreakerState.OPEN, T0, T0, 1,
                List.of(new RecordedCall(T0, true, false)), 0, 0, List.of()))
                .hasMessageContaining("only a CLOSED snapshot holds a window");
        assertThatThrownBy(() -> new BreakerSnapshot("e", BreakerState.OPEN, T0, T0, 0, List.of(), 0, 0, List.of()))
                .hasMessageContaining("openingsInARow >= 1");
    }
}
