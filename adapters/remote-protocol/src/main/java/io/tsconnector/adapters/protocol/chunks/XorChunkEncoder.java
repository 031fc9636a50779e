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
    /** Bits written, header included. */
    private int bitPos;

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
        bitPos = 16;
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

    // Go's bstream writes bytes with writeByte and leftovers with writeBit; writeByte always leaves the
    // next byte allocated, so after a whole number of bytes the stream ends in an empty byte, and that
    // byte is part of the chunk on the wire. The writers below track only the bit position and apply the
    // same length rule: ceil(bits / 8) after a single bit, floor(bits / 8) + 1 after whole bytes.

    private void writeBit(boolean bit) {
        writeBits(bit ? 1 : 0, 1);
    }

    private void writeByte(int b) {
        writeBits(b & 0xff, 8);
    }

    /** Writes the {@code nbits} (1..64) right-most bits of {@code u}, most significant first. */
    private void writeBits(long u, int nbits) {
        // Room for the last bit's byte plus Go's empty trailing byte.
        ensureCapacity(((bitPos + nbits) >>> 3) + 1);
        int pos = bitPos;
        int remaining = nbits;
        while (remaining > 0) {
            int index = pos >>> 3;
            int used = pos & 7;
            int space = 8 - used;
            int take = Math.min(space, remaining);
            int bits = (int) (u >>> (remaining - take)) & ((1 << take) - 1);
            // Keep the bits already written in this byte, clear the rest: the buffer is reused unzeroed.
            int kept = used == 0 ? 0 : buf[index] & (0xff00 >>> used);
            buf[index] = (byte) (kept | (bits << (space - take)));
            pos += take;
            remaining -= take;
        }
        bitPos = pos;
        if ((nbits & 7) == 0) {
            len = (pos >>> 3) + 1;
            if ((pos & 7) == 0) {
                buf[pos >>> 3] = 0;
            }
        } else {
            len = (pos + 7) >>> 3;
        }
    }

    private void ensureCapacity(int bytes) {
        if (bytes > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, bytes));
        }
    }
}
