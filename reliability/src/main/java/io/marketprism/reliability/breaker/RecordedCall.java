package io.marketprism.reliability.breaker;

/** One call result held by a breaker's window: when it was recorded (epoch millis), whether it failed, was slow. */
public record RecordedCall(long at, boolean failure, boolean slow) {

    static RecordedCall decode(long encoded) {
        return new RecordedCall(encoded >> 2, (encoded & 1) != 0, (encoded & 2) != 0);
    }

    /** Packs the call into one long: time in the high bits, failure and slow flags in the low two. */
    static long encode(long at, boolean failure, boolean slow) {
        return (at << 2) | (failure ? 1 : 0) | (slow ? 2 : 0);
    }

    long encode() {
        return encode(at, failure, slow);
    }
}
