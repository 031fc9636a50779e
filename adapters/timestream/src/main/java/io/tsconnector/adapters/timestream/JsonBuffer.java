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

    /**
     * The text {@link Double#toString(double)} gives, which parses back to the same bits; integral values
     * below 10^7 (counters, gauges of counts) are written without going through it.
     */
    JsonBuffer writeDouble(double v) {
        long l = (long) v;
        if (l == v && l > -10_000_000L && l < 10_000_000L && (l != 0 || Double.doubleToRawLongBits(v) == 0)) {
            writeLong(l);
            ensure(2);
            buf[len++] = '.';
            buf[len++] = '0';
            return this;
        }
        String s = Double.toString(v);
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }
}
