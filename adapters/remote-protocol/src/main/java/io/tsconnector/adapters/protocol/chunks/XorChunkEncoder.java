package io.tsconnector.adapters.protocol.chunks;

import java.util.Arrays;

/**
 * Codec: appends float samples to a Prometheus XOR chunk ({@code tsdb/chunkenc/xor.go}), byte for byte
 * what Prometheus' {@code xorAppender} produces.
 *
 * <p>Layout: a 2-byte big-endian sample count, then a bit stream. The first sample is a zigzag varint
 * timestamp and 64 raw value bits; the second a uvarint timestamp delta and an XOR-encoded value; later
 * samples a delta-of-delta in one of the buckets {@code 0}, {@code 10}+14, {@code 110}+17,
 * {@code 1110}+20, {@code 1111}+64 bits, then an XOR-encoded value.
 *
 * <p>An instance is reusable through {@link #reset()}; it allocates only when its buffer grows.
 */
public final class XorChunkEncoder {
    /** The sample count is a uint16 in the chunk header. */
    public static final int MAX_SAMPLES = 0xffff;

    /** Prometheus' marker for "no leading/trailing window chosen yet". */
    private static final int NO_WINDOW = 0xff;

    private byte[] buf = new byte[128];
    /** Bytes in the stream, including a last byte that may be partly or entirely unwritten. */
    private int len;
    /** Bits still free in the last byte, as in Go's {@code bstream.count}. */
    private int free;

    private int count;
    private long t;
    private long valueBits;
    private long tDelta;
    private int leading;
    private int trailing;

    public XorChunkEncoder() {
        reset();
    }

    /** Empties the chunk, keeping the buffer. */
    public void reset() {
        buf[0] = 0;
        buf[1] = 0;
        len = 2;
        free = 0;
        count = 0;
        t = 0;
        valueBits = 0;
        tDelta = 0;
        leading = NO_WINDOW;
        trailing = 0;
    }

    public int numSamples() {
        return count;
    }

    /** Size of the chunk in bytes, header included. */
    public int size() {
        return len;
    }

    /** Appends a sample; the value's bit pattern (NaN payloads, -0.0) is kept. */
    public void append(long timestampMs, double value) {
        appendBits(timestampMs, Double.doubleToRawLongBits(value));
    }

    /** Appends a sample given the raw IEEE 754 bits of its value. */
    public void appendBits(long timestampMs, long bits) {
        if (count == MAX_SAMPLES) {
            throw new IllegalStateException("an XOR chunk holds at most " + MAX_SAMPLES + " samples");
        }
        // Go computes deltas in uint64 and converts back to int64; two's-complement long wraps the same way.
        long delta = 0;
        if (count == 0) {
            writeVarint(timestampMs);
            writeBits(bits, 64);
        } else if (count == 1) {
            delta = timestampMs - t;
            writeUvarint(delta);
            writeValue(bits);
        } else {
            delta = timestampMs - t;
            long dod = delta - tDelta;
            // Prometheus timestamps are milliseconds, hence wider buckets than Gorilla's seconds.
            if (dod == 0) {
                writeBit(false);
            } else if (fits(dod, 14)) {
                writeBits(0b10, 2);
                writeBits(dod, 14);
            } else if (fits(dod, 17)) {
                writeBits(0b110, 3);
                writeBits(dod, 17);
            } else if (fits(dod, 20)) {
                writeBits(0b1110, 4);
                writeBits(dod, 20);
            } else {
                writeBits(0b1111, 4);
                writeBits(dod, 64);
            }
            writeValue(bits);
        }
        t = timestampMs;
        valueBits = bits;
        tDelta = delta;
        count++;
        buf[0] = (byte) (count >>> 8);
        buf[1] = (byte) count;
    }

    /** A copy of the chunk bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** The live buffer, valid up to {@link #size()} until the next append or reset; lets callers copy once. */
    byte[] buffer() {
        return buf;
    }

    /** Prometheus' {@code bitRange}: the range is asymmetric, {@code -(2^(n-1)-1) .. 2^(n-1)}. */
    static boolean fits(long x, int nbits) {
        long half = 1L << (nbits - 1);
        return -(half - 1) <= x && x <= half;
    }

    private void writeValue(long bits) {
        long delta = bits ^ valueBits;
        if (delta == 0) {
            writeBit(false);
            return;
        }
        writeBit(true);
        int lead = Long.numberOfLeadingZeros(delta);
        int trail = Long.numberOfTrailingZeros(delta);
        // Leading zeros are stored in 5 bits.
        if (lead >= 32) {
            lead = 31;
        }
        if (leading != NO_WINDOW && lead >= leading && trail >= trailing) {
            writeBit(false);
            writeBits(delta >>> trailing, 64 - leading - trailing);
        } else {
            leading = lead;
            trailing = trail;
            writeBit(true);
            writeBits(lead, 5);
            int significant = 64 - lead - trail;
            // 64 does not fit in 6 bits and comes out as 0; 0 significant bits never occur (delta != 0).
            writeBits(significant, 6);
            writeBits(delta >>> trail, significant);
        }
    }

    private void writeVarint(long x) {
        long ux = x << 1;
        if (x < 0) {
            ux = ~ux;
        }
        writeUvarint(ux);
    }

    private void writeUvarint(long x) {
        while (Long.compareUnsigned(x, 0x80) >= 0) {
            writeByte((int) (x & 0x7f) | 0x80);
            x >>>= 7;
        }
        writeByte((int) x);
    }

    // The three primitives below reproduce Go's bstream exactly, including its habit of leaving an
    // empty trailing byte after writeByte, because that byte is part of the chunk length on the wire.

    private void writeBit(boolean bit) {
        if (free == 0) {
            ensure(1);
            buf[len++] = 0;
            free = 8;
        }
        if (bit) {
            buf[len - 1] |= (byte) (1 << (free - 1));
        }
        free--;
    }

    private void writeByte(int b) {
        ensure(2);
        if (free == 0) {
            buf[len++] = 0;
            free = 8;
        }
        int v = b & 0xff;
        buf[len - 1] |= (byte) (v >>> (8 - free));
        buf[len++] = (byte) (v << free);
    }

    /** Writes the {@code nbits} (1..64) right-most bits of {@code u}, most significant first. */
    private void writeBits(long u, int nbits) {
        u <<= 64 - nbits;
        while (nbits >= 8) {
            writeByte((int) (u >>> 56));
            u <<= 8;
            nbits -= 8;
        }
        while (nbits > 0) {
            writeBit(u < 0);
            u <<= 1;
            nbits--;
        }
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
