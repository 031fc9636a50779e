package io.tsconnector.adapters.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tsconnector.adapters.protocol.InboundPipeline;
import io.tsconnector.adapters.protocol.InboundRequest;
import io.tsconnector.adapters.protocol.ProtocolException;
import io.tsconnector.adapters.protocol.ProtocolResponse;
import io.tsconnector.adapters.protocol.RequestBody;
import io.tsconnector.adapters.protocol.StatusTable;
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
 * Adapter: maps API Gateway HTTP API (payload format 2.0) events to requests of the {@link InboundPipeline} and
 * its answers back, so a function answers exactly like the HTTP server. The route path names the endpoint
 * ({@code .../write}, {@code .../read}: a stage or base-path mapping may come before it); only on the root
 * route, where the path cannot tell, do the {@code X-Prometheus-Remote-Write-Version} /
 * {@code X-Prometheus-Remote-Read-Version} headers decide, as the original Lambda connector did, and a request
 * with neither is refused with {@code MissingHeaderError}.
 */
public final class ApiGatewayV2Handler {
    private static final System.Logger LOG = System.getLogger(ApiGatewayV2Handler.class.getName());

    /**
     * Largest response body returned: a synchronous Lambda response is at most 6 MiB of JSON and a binary
     * body grows by a third in base64, so larger read results are refused with a clear 400 (narrow the
     * query) instead of failing inside the Lambda service with a bare 502.
     */
    public static final int MAX_RESPONSE_BODY_BYTES = 4_500_000;

    private final InboundPipeline pipeline;
    private final ProtocolResponse fixedAnswer;
    private final int maxResponseBytes;

    /** A handler serving remote write and remote read through the pipeline. */
    public ApiGatewayV2Handler(InboundPipeline pipeline) {
        this(pipeline, MAX_RESPONSE_BODY_BYTES);
    }

    ApiGatewayV2Handler(InboundPipeline pipeline, int maxResponseBytes) {
        this.pipeline = Objects.requireNonNull(pipeline);
        this.fixedAnswer = null;
        this.maxResponseBytes = maxResponseBytes;
    }

    private ApiGatewayV2Handler(ProtocolResponse fixedAnswer) {
        this.pipeline = null;
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
            LOG.log(Level.ERROR, "Unexpected failure in the Lambda handler", e);
            return toLambda(StatusTable.forFailure(e));
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
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> {
                if (k != null && v != null) {
                    headers.put(k, v);
                }
            });
        }
        String method = method(event);
        InboundRequest request = new InboundRequest(method == null ? "POST" : method.toUpperCase(Locale.ROOT),
                InboundPipeline.apiGatewayPath(path(event)), headers::get, body(event), maxResponseBytes);
        return buffered(pipeline.handle(request));
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

    /** The raw request body, decoded from base64 when API Gateway encoded it, read once the pipeline accepts it. */
    private static RequestBody body(APIGatewayV2HTTPEvent event) {
        return maxBodyBytes -> {
            String text = event.getBody();
            if (text == null || text.isEmpty()) {
                return new RequestBody.Bytes(new byte[0], 0);
            }
            if (!event.getIsBase64Encoded()) {
                return RequestBody.of(text.getBytes(StandardCharsets.UTF_8)).read(maxBodyBytes);
            }
            // 4 base64 characters carry 3 bytes: refuse before decoding what cannot fit.
            long decodedEstimate = (long) text.length() / 4 * 3;
            if (decodedEstimate > maxBodyBytes + 3L) {
                throw InboundPipeline.tooLarge(-1, maxBodyBytes);
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw ProtocolException.badRequest("the request body is marked base64 but is not valid base64: "
                        + e.getMessage());
            }
            return RequestBody.of(bytes).read(maxBodyBytes);
        };
    }

    /**
     * Materialises a streamed body: Lambda returns the response in one piece, so every failure while
     * producing it, even after the first frame, still becomes a status from the status table.
     */
    private static ProtocolResponse buffered(ProtocolResponse response) {
        if (!response.isStreamed()) {
            return response;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            response.writeBody(out);
        } catch (IOException | RuntimeException | Error e) {
            return StatusTable.forFailure(e);
        }
        return ProtocolResponse.bytes(response.status(), response.headers(), out.toByteArray());
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
