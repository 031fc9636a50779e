package io.tsconnector.adapters.protocol.chunks;

import io.tsconnector.domain.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * Codec: iterates the samples of a Prometheus XOR chunk ({@code tsdb/chunkenc/xor.go}), the inverse of
 * {@link XorChunkEncoder}.
 *
 * <p>Every read is bounds-checked, so truncated or corrupt bytes raise {@link CorruptChunkException}
 * instead of looping or allocating: each sample consumes at least one bit and the count is a uint16.
 * Bytes after the last sample are ignored, as Prometheus does (the stream ends in padding). An instance
 * is reusable through {@link #reset(byte[], int, int)} and allocates nothing per sample.
 */
public final class XorChunkDecoder {
    private byte[] data = new byte[0];
    private long bitPos;
    private long bitEnd;
    private int total;
    private int read;

    private long t;
    private long valueBits;
    private long tDelta;
    private int leading;
    private int trailing;

    public XorChunkDecoder() {
    }

    public XorChunkDecoder(byte[] chunk) {
        reset(chunk, 0, chunk.length);
    }

    /** Starts decoding {@code length} chunk bytes at {@code offset}; the array is read, never copied. */
    public void reset(byte[] chunk, int offset, int length) {
        if (offset < 0 || length < 0 || offset > chunk.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", array " + chunk.length);
        }
        if (length < 2) {
            throw new CorruptChunkException("XOR chunk of " + length + " bytes has no 2-byte sample count");
        }
        data = chunk;
        total = ((chunk[offset] & 0xff) << 8) | (chunk[offset + 1] & 0xff);
        bitPos = (offset + 2L) * 8;
        bitEnd = ((long) offset + length) * 8;
        read = 0;
        // the sample state starts over: the first sample is read in full, the next ones against it
        t = tDelta = valueBits = 0;
        leading = trailing = 0;
    }

    /** The sample count from the chunk header. */
    public int numSamples() {
        return total;
    }

    /** Advances to the next sample; false when all samples have been read. */
    public boolean next() {
        if (read == total) {
            return false;
        }
        if (read == 0) {
            t = readVarint();
            valueBits = readBits(64);
            read++;
            return true;
        }
        if (read == 1) {
            tDelta = readUvarint();
            t += tDelta;
            readValue();
            return true;
        }
        int prefix = 0;
        for (int i = 0; i < 4; i++) {
            prefix <<= 1;
            if (!readBit()) {
                break;
            }
            prefix |= 1;
        }
        long dod;
        switch (prefix) {
            case 0b0 -> dod = 0;
            case 0b10 -> dod = readSigned(14);
            case 0b110 -> dod = readSigned(17);
            case 0b1110 -> dod = readSigned(20);
            default -> dod = readBits(64);
        }
        tDelta += dod;
        t += tDelta;
        readValue();
        return true;
    }

    public long timestamp() {
        return t;
    }

    public double value() {
        return Double.longBitsToDouble(valueBits);
    }

    /** The raw IEEE 754 bits of the current value. */
    public long valueBits() {
        return valueBits;
    }

    /** Decodes a whole chunk into samples; for tests and cold paths, since it boxes every sample. */
    public static List<Sample> decode(byte[] chunk) {
        XorChunkDecoder d = new XorChunkDecoder(chunk);
        List<Sample> out = new ArrayList<>(d.numSamples());
        while (d.next()) {
            out.add(new Sample(d.timestamp(), d.value()));
        }
        return out;
    }

    private void readValue() {
        if (readBit()) {
            if (readBit()) {
                int lead = (int) readBits(5);
                int significant = (int) readBits(6);
                // The encoder writes 64 significant bits as 0.
                if (significant == 0) {
                    significant = 64;
                }
                if (lead + significant > 64) {
                    throw corrupt(lead + " leading zeros and " + significant + " significant bits exceed 64");
                }
                leading = lead;
                trailing = 64 - lead - significant;
            }
            // Otherwise the previous window is reused; before any window Prometheus reads all 64 bits.
            valueBits ^= readBits(64 - leading - trailing) << trailing;
        }
        read++;
    }

    /** Reads an n-bit delta-of-delta; values above 2^(n-1) are negative, see {@link XorChunkEncoder#fits}. */
    private long readSigned(int nbits) {
        long bits = readBits(nbits);
        if (bits > (1L << (nbits - 1))) {
            bits -= 1L << nbits;
        }
        return bits;
    }

    private long readVarint() {
        long ux = readUvarint();
        long x = ux >>> 1;
        return (ux & 1) != 0 ? ~x : x;
    }

    /** Go's {@code binary.ReadUvarint}: at most 10 bytes, the 10th at most 1. */
    private long readUvarint() {
        long x = 0;
        for (int i = 0, shift = 0; i < 10; i++, shift += 7) {
            int b = (int) readBits(8);
            if (b < 0x80) {
                if (i == 9 && b > 1) {
                    throw corrupt("varint overflows 64 bits");
                }
                return x | ((long) b << shift);
            }
            x |= (long) (b & 0x7f) << shift;
        }
        throw corrupt("varint overflows 64 bits");
    }

    private boolean readBit() {
        if (bitPos >= bitEnd) {
            throw truncated(1);
        }
        int b = data[(int) (bitPos >>> 3)];
        boolean bit = ((b >>> (7 - (int) (bitPos & 7))) & 1) != 0;
        bitPos++;
        return bit;
    }

    /** Reads 1..64 bits, most significant first. */
    private long readBits(int nbits) {
        if (bitEnd - bitPos < nbits) {
            throw truncated(nbits);
        }
        long v = 0;
        long pos = bitPos;
        while (nbits > 0) {
            int offset = (int) (pos & 7);
            int available = 8 - offset;
            int take = Math.min(available, nbits);
            int b = data[(int) (pos >>> 3)] & 0xff;
            v = (v << take) | ((b >>> (available - take)) & ((1 << take) - 1));
            pos += take;
            nbits -= take;
        }
        bitPos = pos;
        return v;
    }

    private CorruptChunkException truncated(int nbits) {
        return corrupt("truncated: " + nbits + " more bits needed, " + (bitEnd - bitPos) + " left");
    }

    private CorruptChunkException corrupt(String why) {
        return new CorruptChunkException("corrupt XOR chunk at sample " + read + " of " + total + ": " + why);
    }
}
