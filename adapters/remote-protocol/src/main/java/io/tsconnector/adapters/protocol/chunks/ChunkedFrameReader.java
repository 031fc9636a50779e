package io.tsconnector.adapters.protocol.chunks;

import io.tsconnector.proto.prometheus.ChunkedReadResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Codec: reads the frames of a STREAMED_XOR_CHUNKS remote-read body written by
 * {@link ChunkedFrameWriter} or Prometheus.
 *
 * <p>The declared length is checked against the limit before anything is allocated, and a short read or
 * a CRC32C mismatch raises {@link CorruptFrameException}. Reads byte by byte for the header, so give it
 * a buffered stream.
 */
public final class ChunkedFrameReader {
    /** Prometheus' client-side default limit ({@code DefaultChunkedReadLimit}, 50 MB). */
    public static final int DEFAULT_MAX_FRAME_BYTES = 50_000_000;

    private final InputStream in;
    private final int maxFrameBytes;
    private final CRC32C crc = new CRC32C();

    /** A reader with the limit {@link #DEFAULT_MAX_FRAME_BYTES}. */
    public ChunkedFrameReader(InputStream in) {
        this(in, DEFAULT_MAX_FRAME_BYTES);
    }

    /** A reader that rejects frames whose message is longer than {@code maxFrameBytes}. */
    public ChunkedFrameReader(InputStream in, int maxFrameBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The next frame's message bytes, or null when the body ends cleanly between frames. */
    public byte[] nextFrame() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        long length = readUvarint(first);
        if (length > maxFrameBytes) {
            throw new CorruptFrameException("frame of " + Long.toUnsignedString(length)
                    + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
        }
        byte[] sum = in.readNBytes(4);
        if (sum.length < 4) {
            throw new CorruptFrameException("truncated frame: " + sum.length + " of 4 CRC32C bytes");
        }
        byte[] msg = in.readNBytes((int) length);
        if (msg.length < length) {
            throw new CorruptFrameException("truncated frame: " + msg.length + " of " + length + " message bytes");
        }
        int expected = ((sum[0] & 0xff) << 24) | ((sum[1] & 0xff) << 16) | ((sum[2] & 0xff) << 8) | (sum[3] & 0xff);
        crc.reset();
        crc.update(msg, 0, msg.length);
        int actual = (int) crc.getValue();
        if (actual != expected) {
            throw new CorruptFrameException(String.format(
                    "CRC32C mismatch in frame of %d bytes: header 0x%08x, computed 0x%08x", length, expected, actual));
        }
        return msg;
    }

    /** The next frame parsed as a {@code ChunkedReadResponse}, or null at the end of the body. */
    public ChunkedReadResponse nextResponse() throws IOException {
        byte[] msg = nextFrame();
        return msg == null ? null : ChunkedReadResponse.parseFrom(msg);
    }

    private long readUvarint(int first) throws IOException {
        long x = 0;
        int b = first;
        for (int i = 0, shift = 0; i < 10; i++, shift += 7) {
            if (i > 0) {
                b = in.read();
                if (b < 0) {
                    throw new CorruptFrameException("truncated frame: length varint ends after " + i + " bytes");
                }
            }
            if (b < 0x80) {
                if (i == 9 && b > 1) {
                    break;
                }
                return x | ((long) b << shift);
            }
            x |= (long) (b & 0x7f) << shift;
        }
        throw new CorruptFrameException("frame length varint overflows 64 bits");
    }
}
