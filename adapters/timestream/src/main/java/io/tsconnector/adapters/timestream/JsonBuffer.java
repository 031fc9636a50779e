package io.tsconnector.adapters.timestream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer for the JSON bodies the writer serializes; reused by one thread for its calls. */
final class JsonBuffer {
    private byte[] buf;
    private int len;

    JsonBuffer(int initialCapacity) {
        buf = new byte[Math.max(initialCapacity, 64)];
    }

    JsonBuffer reset() {
        len = 0;
        return this;
    }

    byte[] array() {
        return buf;
    }

    int length() {
        return len;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    JsonBuffer write(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    JsonBuffer write(byte[] b, int from, int to) {
        int n = to - from;
        ensure(n);
        System.arraycopy(b, from, buf, len, n);
        len += n;
        return this;
    }

    JsonBuffer write(char ascii) {
        ensure(1);
        buf[len++] = (byte) ascii;
        return this;
    }

    JsonBuffer writeQuoted(String s) {
        return write(JsonText.quoted(s));
    }

    JsonBuffer writeLong(long v) {
        if (v == Long.MIN_VALUE) {
            return write(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return this;
    }

    private static final double[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};
    private static final long EXACT_INTEGERS = 1L << 53;

    /**
     * A decimal text of {@code v} that parses back to the same bits (never NaN or infinite here).
     *
     * <p>Values with at most six decimals whose digits fit in 53 bits (counters, gauges, most rates) are written as
     * those digits with the point inserted: when {@code m / 10^k}, computed in double arithmetic, equals {@code v},
     * then {@code v} is the double nearest to the decimal {@code m / 10^k} (IEEE division of two exactly
     * representable numbers is correctly rounded), so every correctly rounding parser reads {@code v} back. Other
     * values take {@link Double#toString(double)}, which also round-trips.
     */
    JsonBuffer writeDouble(double v) {
        if (v != 0 && Math.abs(v) < EXACT_INTEGERS) {
            for (int k = 0; k < POWERS_OF_TEN.length; k++) {
                double scaled = v * POWERS_OF_TEN[k];
                if (Math.abs(scaled) >= EXACT_INTEGERS) {
                    break;
                }
                long m = (long) scaled;
                if (m == scaled && m / POWERS_OF_TEN[k] == v) {
                    return writeScaled(m, k);
                }
            }
        } else if (v == 0) {
            return write(Double.doubleToRawLongBits(v) == 0 ? ZERO : NEGATIVE_ZERO);
        }
        String s = Double.toString(v);
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    private static final byte[] ZERO = {'0', '.', '0'};
    private static final byte[] NEGATIVE_ZERO = {'-', '0', '.', '0'};

    /** {@code m / 10^k} in decimal, e.g. (12345, 2) as {@code 123.45} and (7, 0) as {@code 7.0}. */
    private JsonBuffer writeScaled(long m, int k) {
        ensure(24);
        if (m < 0) {
            buf[len++] = '-';
            m = -m;
        }
        int start = len;
        int digits = 0;
        if (k == 0) {
            buf[len++] = '0';
            buf[len++] = '.';
        }
        do {
            if (k > 0 && digits == k) {
                buf[len++] = '.';
            }
            buf[len++] = (byte) ('0' + (m % 10));
            m /= 10;
            digits++;
        } while (m != 0 || digits <= k);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return this;
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }
}
