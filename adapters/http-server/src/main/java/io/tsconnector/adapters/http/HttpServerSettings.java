package io.tsconnector.adapters.http;

import java.net.InetSocketAddress;

/**
 * Settings of the HTTP server.
 *
 * @param address where to listen (port 0 picks a free port)
 * @param telemetryPath path of the metrics page (default {@code /metrics})
 * @param connectionThreads threads that read requests and write answers (default 512). They are cheap: the work
 *        of a remote write or read is bounded by the inbound pipeline's in-flight permits, so threads beyond the
 *        permits only wait on slow clients, answer refusals and serve the probes; that is what keeps
 *        {@code /-/healthy} answering while stalled uploads hold permits
 */
public record HttpServerSettings(InetSocketAddress address, String telemetryPath, int connectionThreads) {
    /** Threads by default: the in-flight bound of the pipeline plus room for probes, refusals and slow clients. */
    public static final int DEFAULT_CONNECTION_THREADS = 512;

    public HttpServerSettings {
        if (telemetryPath == null || !telemetryPath.startsWith("/")) {
            throw new IllegalArgumentException("telemetry path must start with '/': " + telemetryPath);
        }
        if (connectionThreads < 1) {
            throw new IllegalArgumentException("connection threads must be positive: " + connectionThreads);
        }
    }

    public static HttpServerSettings defaults(InetSocketAddress address, String telemetryPath) {
        return new HttpServerSettings(address, telemetryPath, DEFAULT_CONNECTION_THREADS);
    }
}
