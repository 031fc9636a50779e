package io.tsconnector.adapters.protocol;

/**
 * Value: a request as the inbound pipeline sees it, whatever transport carried it.
 *
 * @param method the HTTP method, upper case
 * @param path the path that names the endpoint ({@code /write}, {@code /read}); null when the transport cannot
 *        tell (an API Gateway route without a path), then the version headers decide
 * @param headers case-insensitive request headers
 * @param body the body, read only once the request is accepted
 * @param maxResponseBytes the largest response body the transport can return ({@link Integer#MAX_VALUE} when
 *        it streams)
 */
public record InboundRequest(String method, String path, RequestHeaders headers, RequestBody body,
                             int maxResponseBytes) {
    /** A request to a transport that can stream responses of any size. */
    public InboundRequest(String method, String path, RequestHeaders headers, RequestBody body) {
        this(method, path, headers, body, Integer.MAX_VALUE);
    }
}
