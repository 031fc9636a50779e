package io.tsconnector.adapters.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer to a remote write or read request, the same for every inbound adapter: status, headers
 * and a body that is either known bytes or written as a stream.
 */
public final class ProtocolResponse {
    /** Writes a body whose length is not known in advance. */
    @FunctionalInterface
    public interface BodyStream {
        void writeTo(OutputStream out) throws IOException;
    }

    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;
    private final BodyStream stream;

    private ProtocolResponse(int status, Map<String, String> headers, byte[] body, BodyStream stream) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.stream = stream;
    }

    public static ProtocolResponse bytes(int status, Map<String, String> headers, byte[] body) {
        return new ProtocolResponse(status, new LinkedHashMap<>(headers), body, null);
    }

    public static ProtocolResponse streamed(int status, Map<String, String> headers, BodyStream stream) {
        return new ProtocolResponse(status, new LinkedHashMap<>(headers), null, stream);
    }

    /** A plain-text answer; an empty message gives an empty body (used for 204). */
    public static ProtocolResponse text(int status, String message) {
        Map<String, String> h = new LinkedHashMap<>();
        byte[] b = new byte[0];
        if (message != null && !message.isEmpty() && status != 204) {
            h.put("Content-Type", "text/plain; charset=utf-8");
            b = (message + "\n").getBytes(StandardCharsets.UTF_8);
        }
        return new ProtocolResponse(status, h, b, null);
    }

    public ProtocolResponse withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** Whether the body is streamed rather than held in memory. */
    public boolean isStreamed() {
        return stream != null;
    }

    /** The body bytes; empty for a streamed body. */
    public byte[] body() {
        return body == null ? new byte[0] : body;
    }

    /** Writes the body, streamed or not. */
    public void writeBody(OutputStream out) throws IOException {
        if (stream != null) {
            stream.writeTo(out);
        } else if (body != null && body.length > 0) {
            out.write(body);
        }
    }

    /** The body as text, for logs and tests; streamed bodies are not rendered. */
    public String bodyText() {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
    }
}
