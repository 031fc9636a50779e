package io.tsconnector.adapters.timestreamlocal;

import java.util.Arrays;

/**
 * A run of one series' DOUBLE samples of the default version at whole milliseconds, in time order, as one row of
 * a table's blocks table (see {@link H2Store}): up to {@link #MAX_SAMPLES} samples spanning less than
 * {@link #SPAN_MILLIS}. The times are delta-of-delta varints after the first; each value is the XOR with the one
 * before, without its zero bytes on either side (a control byte says how many remain). A scrape series whose
 * interval and value barely change takes 2 to 4 bytes per sample, before the page compression of the file.
 */
final class SampleBlock {
    static final int MAX_SAMPLES = 128;
    /** A block's samples are all less than this after its first: a time range reads the blocks starting this far before it. */
    static final long SPAN_MILLIS = 3_600_000L;

    private SampleBlock() {
    }

    /** Encodes samples {@code [from, from + n)} of the arrays. */
    static byte[] encode(long[] millis, long[] bits, int from, int n) {
        if (n < 1 || n > MAX_SAMPLES) {
            throw new IllegalArgumentException("a block holds 1 to " + MAX_SAMPLES + " samples: " + n);
        }
        byte[] out = new byte[5 + 10 + n * 10 + 8 + n * 9];
        int p = putVarint(out, 0, n);
        p = putVarint(out, p, millis[from]);
        long prevDelta = 0;
        for (int i = 1; i < n; i++) {
            long delta = millis[from + i] - millis[from + i - 1];
            long dod = delta - prevDelta;
            p = putVarint(out, p, (dod << 1) ^ (dod >> 63));
            prevDelta = delta;
        }
        long prev = bits[from];
        for (int b = 7; b >= 0; b--) {
            out[p++] = (byte) (prev >>> (b * 8));
        }
        for (int i = 1; i < n; i++) {
            long v = bits[from + i];
            long x = v ^ prev;
            prev = v;
            if (x == 0) {
                out[p++] = 0;
                continue;
            }
            int lead = Long.numberOfLeadingZeros(x) >>> 3;
            int trail = Long.numberOfTrailingZeros(x) >>> 3;
            int len = 8 - lead - trail;
            out[p++] = (byte) ((lead << 4) | len);
            long m = x >>> (trail * 8);
            for (int b = len - 1; b >= 0; b--) {
                out[p++] = (byte) (m >>> (b * 8));
            }
        }
        return Arrays.copyOf(out, p);
    }

    /** Decodes a block into the arrays (of at least {@link #MAX_SAMPLES}); returns its number of samples. */
    static int decode(byte[] data, long[] millis, long[] bits) {
        int[] pos = {0};
        int n = (int) varint(data, pos);
        if (n < 1 || n > MAX_SAMPLES) {
            throw new IllegalStateException("a block of " + n + " samples");
        }
        long t = varint(data, pos);
        millis[0] = t;
        long delta = 0;
        for (int i = 1; i < n; i++) {
            long z = varint(data, pos);
            delta += (z >>> 1) ^ -(z & 1);
            t += delta;
            millis[i] = t;
        }
        int p = pos[0];
        long v = 0;
        for (int b = 0; b < 8; b++) {
            v = (v << 8) | (data[p++] & 0xFF);
        }
        bits[0] = v;
        for (int i = 1; i < n; i++) {
            int control = data[p++] & 0xFF;
            if (control != 0) {
                int lead = control >>> 4;
                int len = control & 0x0F;
                long m = 0;
                for (int b = 0; b < len; b++) {
                    m = (m << 8) | (data[p++] & 0xFF);
                }
                v ^= m << ((8 - lead - len) * 8);
            }
            bits[i] = v;
        }
        return n;
    }

    /** The number of samples of a block, read from its start. */
    static int count(byte[] data) {
        return (int) varint(data, new int[] {0});
    }

    private static int putVarint(byte[] out, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            out[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[p++] = (byte) v;
        return p;
    }

    private static long varint(byte[] data, int[] pos) {
        long v = 0;
        int shift = 0;
        int p = pos[0];
        while (true) {
            byte b = data[p++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                break;
            }
            shift += 7;
        }
        pos[0] = p;
        return v;
    }

    /** The last block decoded by this thread, for the SQL functions that read one sample of a block at a time. */
    private static final ThreadLocal<Decoded> LAST = ThreadLocal.withInitial(Decoded::new);

    private static final class Decoded {
        byte[] data;
        final long[] millis = new long[MAX_SAMPLES];
        final long[] bits = new long[MAX_SAMPLES];
        int n;
    }

    private static Decoded decoded(byte[] data) {
        Decoded d = LAST.get();
        if (d.data == null || !Arrays.equals(d.data, data)) {
            d.n = decode(data, d.millis, d.bits);
            d.data = data;
        }
        return d;
    }

    /** The epoch millisecond of sample {@code i} of a block; null past its end. */
    static Long millisAt(byte[] data, int i) {
        Decoded d = decoded(data);
        return i >= 0 && i < d.n ? d.millis[i] : null;
    }

    /** The IEEE 754 bits of sample {@code i} of a block; null past its end. */
    static Long bitsAt(byte[] data, int i) {
        Decoded d = decoded(data);
        return i >= 0 && i < d.n ? d.bits[i] : null;
    }
}
