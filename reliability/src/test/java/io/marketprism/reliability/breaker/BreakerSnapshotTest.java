package io.marketprism.reliability.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.reliability.state.UnreadableStateException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BreakerSnapshotTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final BreakerCodec CODEC = BreakerCodec.INSTANCE;

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

        assertThat(CODEC.decode(CODEC.encode(snapshot))).isEqualTo(snapshot);
        assertThat(CODEC.decode(CODEC.encode(halfOpen))).isEqualTo(halfOpen);
    }

    @Test
    void shouldSaveAsAvroSingleObjectWithTheCallsAsSmallDeltas() {
        byte[] bytes = CODEC.encode(closedWithWindow());

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        // header 10 + endpoint 6 + state 1 + two longs <= 12 + three counts 3 + window count and end 2 + calls <= 4 each + 1
        assertThat(bytes.length).isLessThanOrEqualTo(10 + 6 + 1 + 12 + 3 + 2 + 12 + 1);
    }

    @Test
    void shouldRefuseTheHandWrittenFormatOfEarlierReleasesAndTruncatedBytes() {
        byte[] earlierRelease = {1, 0, 5, 'o', 'k', 'x', '/', 'a', 0};
        byte[] bytes = CODEC.encode(closedWithWindow());

        assertThatThrownBy(() -> CODEC.decode(earlierRelease)).isInstanceOf(UnreadableStateException.class)
                .hasMessageContaining("not Avro single-object encoded");
        assertThatThrownBy(() -> CODEC.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(UnreadableStateException.class);
    }

    @Test
    void shouldRefuseSavedValuesTheBreakerWouldNotAccept() {
        BreakerSnapshot open = new BreakerSnapshot("e", BreakerState.OPEN, T0, T0, 1, List.of(), 0, 0, List.of());
        byte[] bytes = CODEC.encode(open);
        bytes[bytes.length - 5] = 0;   // openingsInARow 1 -> 0; after it: two counts, two empty arrays

        assertThatThrownBy(() -> CODEC.decode(bytes)).isInstanceOf(UnreadableStateException.class)
                .hasMessageContaining("openingsInARow >= 1");
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
