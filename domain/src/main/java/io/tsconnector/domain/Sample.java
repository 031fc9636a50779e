package io.tsconnector.domain;

/** Value object: one float sample, timestamp in milliseconds since the Unix epoch. */
public record Sample(long timestampMs, double value) {
    /** Bit pattern Prometheus uses to mark a series stale. */
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    public static boolean isStaleMarker(double value) {
        return Double.doubleToRawLongBits(value) == STALE_NAN_BITS;
    }

    /** Equality by bit pattern, so NaN payloads and -0.0 are told apart. */
    public boolean sameBits(Sample other) {
        return timestampMs == other.timestampMs
                && Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(other.value);
    }
}
