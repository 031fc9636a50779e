package io.tsconnector.adapters.protocol.chunks;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Codec: writes the frames of a STREAMED_XOR_CHUNKS remote-read body, each
 * {@code uvarint(len(msg))}, a big-endian CRC32C (Castagnoli) of {@code msg}, then {@code msg}.
 *
 * <p>Not thread-safe. Reuses one message buffer, so steady-state writing allocates nothing; the stream
 * is written to directly, so wrap it in a buffer if small writes are costly.
 */
public final class ChunkedFrameWriter {
    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private final byte[] header = new byte[10 + 4];
    private byte[] scratch = new byte[4096];

    public ChunkedFrameWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Writes one frame holding {@code msg}. */
    public void write(MessageLite msg) throws IOException {
        int size = msg.getSerializedSize();
        if (scratch.length < size) {
            scratch = new byte[Math.max(size, scratch.length * 2)];
        }
        CodedOutputStream coded = CodedOutputStream.newInstance(scratch, 0, size);
        msg.writeTo(coded);
        coded.checkNoSpaceLeft();
        write(scratch, 0, size);
    }

    /** Writes one frame holding the message bytes {@code msg[offset, offset + length)}. */
    public void write(byte[] msg, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, msg.length);
        int n = 0;
        long v = length;
        while (v >= 0x80) {
            header[n++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        header[n++] = (byte) v;
        crc.reset();
        crc.update(msg, offset, length);
        int sum = (int) crc.getValue();
        header[n++] = (byte) (sum >>> 24);
        header[n++] = (byte) (sum >>> 16);
        header[n++] = (byte) (sum >>> 8);
        header[n++] = (byte) sum;
        out.write(header, 0, n);
        out.write(msg, offset, length);
    }

    public void flush() throws IOException {
        out.flush();
    }
}
