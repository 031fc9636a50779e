package io.tsconnector.adapters.http;

import javax.net.ssl.SSLContext;

/**
 * Security of the HTTP server: TLS when {@code tls} is set, basic authentication when {@code users} is set.
 *
 * @param tls the server's TLS context, or null to serve plain HTTP
 * @param users who may call the connector, or null to let anyone who reaches the port in
 */
public record InboundSecurity(SSLContext tls, BasicAuthUsers users) {
    /** Plain HTTP without authentication, the default. */
    public static final InboundSecurity NONE = new InboundSecurity(null, null);
}
