package io.tsconnector.adapters.protocol;

import java.io.IOException;

/**
 * Codec: snappy block format, as Prometheus uses it for remote write and read bodies. The declared
 * length is checked against the limit before anything is allocated, so a tiny body that claims
 * gigabytes costs nothing.
 */
public final class Snappy {
    private Snappy() {
    }

    /** The uncompressed length a snappy block declares in its uvarint header. */
    public static long declaredLength(byte[] in, int length) {
        long result = 0;
        for (int i = 0, shift = 0; i < length && i < 5; i++, shift += 7) {
            int b = in[i] & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (result > 0xffffffffL) {
                    throw ProtocolException.badRequest("snappy: declared length " + result + " exceeds 2^32-1");
                }
                return result;
            }
        }
        throw ProtocolException.badRequest("snappy: missing or corrupt length header (" + length + " body bytes)");
    }

    /**
     * Decompresses a snappy block of at most {@code maxDecodedBytes} declared bytes.
     *
     * @throws ProtocolException 413 when the declared length is over the limit, 400 when the block is corrupt
     */
    public static byte[] decompress(byte[] in, int length, int maxDecodedBytes) {
        if (length == 0) {
            throw ProtocolException.badRequest("empty body: expected a snappy-compressed protobuf message");
        }
        long declared = declaredLength(in, length);
        if (declared > maxDecodedBytes) {
            throw new ProtocolException(413, "snappy: declared decompressed length " + declared
                    + " bytes exceeds the limit of " + maxDecodedBytes + " bytes");
        }
        try {
            if (!org.xerial.snappy.Snappy.isValidCompressedBuffer(in, 0, length)) {
                throw ProtocolException.badRequest("snappy: corrupt input (" + length + " bytes, declared "
                        + declared + " bytes decompressed)");
            }
            byte[] out = new byte[(int) declared];
            int n = org.xerial.snappy.Snappy.uncompress(in, 0, length, out, 0);
            if (n != declared) {
                throw ProtocolException.badRequest("snappy: decompressed " + n + " bytes, header declared " + declared);
            }
            return out;
        } catch (IOException e) {
            throw new ProtocolException(400, "snappy: corrupt input: " + e.getMessage(), e);
        }
    }

    /**
     * Decompresses a request body after checking its {@code Content-Encoding}: missing is read as snappy,
     * as Prometheus' own receivers do; anything else is a 415.
     */
    public static byte[] decompressBody(RequestHeaders headers, byte[] body, int length, int maxDecodedBytes,
                                        String what) {
        String encoding = headers.get("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("snappy")) {
            throw new ProtocolException(415, "unsupported Content-Encoding '" + encoding + "': " + what + " must be snappy");
        }
        return decompress(body, length, maxDecodedBytes);
    }

    public static byte[] compress(byte[] in) {
        try {
            return org.xerial.snappy.Snappy.compress(in);
        } catch (IOException e) {
            throw new IllegalStateException("snappy compression failed for " + in.length + " bytes", e);
        }
    }

    /** The largest body that can decompress to {@code maxDecodedBytes}, for bounding the raw read. */
    public static int maxCompressedLength(int maxDecodedBytes) {
        return org.xerial.snappy.Snappy.maxCompressedLength(maxDecodedBytes);
    }
}
