package io.tsconnector.adapters.timestream;

import java.io.ByteArrayInputStream;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Adapter support: lets a WriteRecords call carry a request body serialized by the connector. The SDK marshals
 * the (nearly empty) request object as usual; before signing, this interceptor puts the prepared body and its
 * length in place, so SigV4, retries, endpoint resolution and error unmarshalling stay the SDK's own while its
 * generic JSON marshalling of a hundred records per call does not run.
 */
final class PrebuiltBodyInterceptor implements ExecutionInterceptor {
    /** The prepared body of a call, put on the request with its override configuration. */
    static final ExecutionAttribute<Body> BODY = new ExecutionAttribute<>("io.tsconnector.WriteRecordsBody");
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";

    /** {@code length} bytes of {@code bytes}, which stay unchanged until the call returns. */
    record Body(byte[] bytes, int length) {
    }

    @Override
    public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        Body body = attributes.getAttribute(BODY);
        if (body == null) {
            return context.requestBody();
        }
        return Optional.of(RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(body.bytes(), 0, body.length()), body.length(), CONTENT_TYPE));
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        Body body = attributes.getAttribute(BODY);
        if (body == null) {
            return context.httpRequest();
        }
        // Without a Content-Length header the JDK client sends the body from its buffer (and sets the length itself)
        // instead of streaming it, which spares a 1 ms liveness probe of the kept-alive connection, with an
        // exception thrown and caught, on every call; a stale connection is then retried by the JDK client.
        return context.httpRequest().toBuilder().removeHeader("Content-Length").build();
    }
}
