package io.tsconnector.adapters.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tsconnector.adapters.protocol.ProtocolException;
import io.tsconnector.adapters.protocol.ProtocolResponse;
import io.tsconnector.adapters.protocol.RemoteReadEndpoint;
import io.tsconnector.adapters.protocol.RemoteWriteEndpoint;
import io.tsconnector.adapters.protocol.RequestHeaders;
import io.tsconnector.adapters.protocol.StatusTable;
import io.tsconnector.domain.ErrorName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Adapter: answers API Gateway HTTP API (payload format 2.0) events with the same endpoints, codecs
 * and status table as the HTTP server. A request is a remote write or a remote read by its
 * {@code x-prometheus-remote-write-version} / {@code x-prometheus-remote-read-version} header, as the
 * original Lambda connector decides; a request with neither is refused with {@code MissingHeaderError}.
 * When the route path also names an endpoint ({@code .../write} or {@code .../read}) and contradicts the
 * header, the request is refused with 400 rather than served by the other endpoint, because such a
 * configuration would fail against the standalone connector, which routes by path.
 */
public final class ApiGatewayV2Handler {
    private static final System.Logger LOG = System.getLogger(ApiGatewayV2Handler.class.getName());

    public static final String WRITE_VERSION_HEADER = "x-prometheus-remote-write-version";
    public static final String READ_VERSION_HEADER = "x-prometheus-remote-read-version";

    /**
     * Largest response body returned: a synchronous Lambda response is at most 6 MiB of JSON and a binary
     * body grows by a third in base64, so larger read results are refused with a clear 400 (narrow the
     * query) instead of failing inside the Lambda service with a bare 502.
     */
    public static final int MAX_RESPONSE_BODY_BYTES = 4_500_000;

    private final RemoteWriteEndpoint write;
    private final RemoteReadEndpoint read;
    private final ProtocolResponse fixedAnswer;
    private final int maxResponseBytes;

    /** A handler serving remote write and remote read with the given endpoints. */
    public ApiGatewayV2Handler(RemoteWriteEndpoint write, RemoteReadEndpoint read) {
        this(write, read, MAX_RESPONSE_BODY_BYTES);
    }

    ApiGatewayV2Handler(RemoteWriteEndpoint write, RemoteReadEndpoint read, int maxResponseBytes) {
        this.write = Objects.requireNonNull(write);
        this.read = Objects.requireNonNull(read);
        this.fixedAnswer = null;
        this.maxResponseBytes = maxResponseBytes;
    }

    private ApiGatewayV2Handler(ProtocolResponse fixedAnswer) {
        this.write = null;
        this.read = null;
        this.fixedAnswer = fixedAnswer;
        this.maxResponseBytes = MAX_RESPONSE_BODY_BYTES;
    }

    /**
     * A handler for a function that cannot serve, e.g. without a configured destination or with an invalid
     * environment variable: every invocation gets this answer and the reason is logged, so the problem is
     * visible in the responses and in CloudWatch rather than as a crash loop.
     */
    public static ApiGatewayV2Handler answeringAlways(int status, String message) {
        return new ApiGatewayV2Handler(ProtocolResponse.text(status, message));
    }

    /** Answers one event; never throws. */
    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        try {
            return toLambda(dispatch(event));
        } catch (RuntimeException | Error e) {
            ProtocolResponse failure = StatusTable.forFailure(e);
            if (failure.status() == 500) {
                LOG.log(Level.ERROR, "Unexpected failure in the Lambda handler", e);
            } else {
                LOG.log(Level.WARNING, "Request answered " + failure.status() + ": " + failure.bodyText());
            }
            return toLambda(failure);
        }
    }

    private ProtocolResponse dispatch(APIGatewayV2HTTPEvent event) {
        if (fixedAnswer != null) {
            LOG.log(fixedAnswer.status() >= 500 ? Level.ERROR : Level.WARNING,
                    "Request answered " + fixedAnswer.status() + ": " + fixedAnswer.bodyText());
            return fixedAnswer;
        }
        if (event == null) {
            return ProtocolResponse.text(400, "empty event: expected an API Gateway HTTP API (payload 2.0) request");
        }
        String method = method(event);
        if (method != null && !method.equalsIgnoreCase("POST")) {
            return ProtocolResponse.text(405, "method " + method + " not allowed: use POST").withHeader("Allow", "POST");
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> {
                if (k != null && v != null) {
                    headers.put(k, v);
                }
            });
        }
        RequestHeaders requestHeaders = headers::get;
        String path = path(event);
        if (present(headers.get(WRITE_VERSION_HEADER))) {
            ProtocolResponse mismatch = mismatch(path, "read", WRITE_VERSION_HEADER);
            if (mismatch != null) {
                return mismatch;
            }
            byte[] body = body(event, write.limits().maxBodyBytes());
            return write.handle(requestHeaders, body, body.length);
        }
        if (present(headers.get(READ_VERSION_HEADER))) {
            ProtocolResponse mismatch = mismatch(path, "write", READ_VERSION_HEADER);
            if (mismatch != null) {
                return mismatch;
            }
            byte[] body = body(event, read.limits().maxBodyBytes());
            return buffered(read.handle(requestHeaders, body, body.length));
        }
        String message = ErrorName.MISSING_HEADER.text() + ": the request has neither the " + READ_VERSION_HEADER
                + " nor the " + WRITE_VERSION_HEADER + " header; Prometheus sends one of them with every remote "
                + "read or write request";
        LOG.log(Level.WARNING, "Request answered 400: " + message);
        return ProtocolResponse.text(400, message);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static String method(APIGatewayV2HTTPEvent event) {
        if (event.getRequestContext() == null || event.getRequestContext().getHttp() == null) {
            return null;
        }
        return event.getRequestContext().getHttp().getMethod();
    }

    private static String path(APIGatewayV2HTTPEvent event) {
        if (event.getRawPath() != null) {
            return event.getRawPath();
        }
        if (event.getRequestContext() != null && event.getRequestContext().getHttp() != null) {
            return event.getRequestContext().getHttp().getPath();
        }
        return null;
    }

    /** A 400 when the path names the other endpoint than the header; null when they agree or the path names none. */
    private static ProtocolResponse mismatch(String path, String otherEndpoint, String header) {
        if (path == null) {
            return null;
        }
        String p = path.toLowerCase(Locale.ROOT);
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.endsWith("/" + otherEndpoint)) {
            return null;
        }
        String message = "the request to " + path + " carries the " + header + " header: send remote "
                + (otherEndpoint.equals("read") ? "write requests to /write" : "read requests to /read");
        LOG.log(Level.WARNING, "Request answered 400: " + message);
        return ProtocolResponse.text(400, message);
    }

    /** The raw request body, decoded from base64 when API Gateway encoded it. */
    private static byte[] body(APIGatewayV2HTTPEvent event, int maxBodyBytes) {
        String text = event.getBody();
        if (text == null || text.isEmpty()) {
            return new byte[0];
        }
        if (!event.getIsBase64Encoded()) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        // 4 base64 characters carry 3 bytes: refuse before decoding what cannot fit.
        long decodedEstimate = (long) text.length() / 4 * 3;
        if (decodedEstimate > maxBodyBytes + 3L) {
            throw new ProtocolException(413, "request body of about " + decodedEstimate + " bytes exceeds the limit of "
                    + maxBodyBytes + " bytes");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ProtocolException.badRequest("the request body is marked base64 but is not valid base64: "
                    + e.getMessage());
        }
    }

    /**
     * Materialises a streamed body: Lambda returns the response in one piece, so every failure while
     * producing it, even after the first frame, still becomes a status from the status table.
     */
    private ProtocolResponse buffered(ProtocolResponse response) {
        if (!response.isStreamed()) {
            return checkSize(response);
        }
        BoundedBuffer out = new BoundedBuffer(maxResponseBytes);
        try {
            response.writeBody(out);
        } catch (IOException | RuntimeException | Error e) {
            ProtocolResponse failure = StatusTable.forFailure(e);
            if (failure.status() == 500) {
                LOG.log(Level.ERROR, "Unexpected failure producing a streamed read response", e);
            }
            return failure;
        }
        return ProtocolResponse.bytes(response.status(), response.headers(), out.toByteArray());
    }

    private ProtocolResponse checkSize(ProtocolResponse response) {
        int length = response.body().length;
        if (length > maxResponseBytes) {
            ProtocolResponse tooLarge = StatusTable.forFailure(tooLarge(maxResponseBytes));
            LOG.log(Level.WARNING, "Remote read request answered " + tooLarge.status() + ": " + tooLarge.bodyText());
            return tooLarge;
        }
        return response;
    }

    private static ProtocolException tooLarge(int max) {
        return ProtocolException.badRequest("the read response exceeds " + max
                + " bytes, the most a Lambda function can return (6 MiB including base64): narrow the query's "
                + "time range or matchers");
    }

    /** Collects a streamed body, refusing to grow past what a Lambda response can carry. */
    private static final class BoundedBuffer extends ByteArrayOutputStream {
        private final int max;

        BoundedBuffer(int max) {
            super(8192);
            this.max = max;
        }

        @Override
        public synchronized void write(int b) {
            ensure(1);
            super.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            ensure(len);
            super.write(b, off, len);
        }

        private void ensure(int more) {
            if ((long) count + more > max) {
                throw tooLarge(max);
            }
        }
    }

    private static APIGatewayV2HTTPResponse toLambda(ProtocolResponse response) {
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        byte[] body = response.body();
        APIGatewayV2HTTPResponse.APIGatewayV2HTTPResponseBuilder builder = APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status()).withHeaders(headers);
        if (body.length == 0) {
            return builder.withIsBase64Encoded(false).build();
        }
        String type = headers.getOrDefault("Content-Type", "");
        if (type.startsWith("text/")) {
            return builder.withBody(new String(body, StandardCharsets.UTF_8)).withIsBase64Encoded(false).build();
        }
        return builder.withBody(Base64.getEncoder().encodeToString(body)).withIsBase64Encoded(true).build();
    }
}
