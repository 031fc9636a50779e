package io.tsconnector.adapters.protocol;

import java.io.IOException;

/**
 * Transport callback: the body of an inbound request as its transport delivers it; read only after the pipeline has accepted the
 * request, so a refused request costs no body read.
 */
@FunctionalInterface
public interface RequestBody {
    /** The first {@code length} bytes of {@code bytes} are the body. */
    record Bytes(byte[] bytes, int length) {
    }

    /**
     * Reads the whole body, never more than {@code maxBytes}.
     *
     * @throws ProtocolException 413 when the body is longer than {@code maxBytes}, 400 when it is malformed
     * @throws IOException when the client went away or stalled past the transport's bound
     */
    Bytes read(int maxBytes) throws IOException;

    /** A body already in memory, e.g. decoded from an API Gateway event. */
    static RequestBody of(byte[] bytes) {
        return maxBytes -> {
            if (bytes.length > maxBytes) {
                throw InboundPipeline.tooLarge(-1, maxBytes);
            }
            return new Bytes(bytes, bytes.length);
        };
    }
}
