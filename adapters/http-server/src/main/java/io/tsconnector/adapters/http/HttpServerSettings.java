package io.tsconnector.adapters.http;

import java.net.InetSocketAddress;

/**
 * Settings of the HTTP server.
 *
 * @param address where to listen (port 0 picks a free port)
 * @param telemetryPath path of the metrics page (default {@code /metrics})
 * @param workerThreads threads handling requests (default 64: a worker waits on its client while the request
 *        arrives, so slow or stalled clients must not be able to take them all)
 * @param maxInFlight requests handled or queued at once before answering 503 (default 4 x worker threads)
 */
public record HttpServerSettings(InetSocketAddress address, String telemetryPath, int workerThreads, int maxInFlight) {
    public HttpServerSettings {
        if (telemetryPath == null || !telemetryPath.startsWith("/")) {
            throw new IllegalArgumentException("telemetry path must start with '/': " + telemetryPath);
        }
        if (workerThreads < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("worker threads and max in-flight requests must be positive");
        }
    }

    public static HttpServerSettings defaults(InetSocketAddress address, String telemetryPath) {
        int threads = Math.max(64, 4 * Runtime.getRuntime().availableProcessors());
        return new HttpServerSettings(address, telemetryPath, threads, 4 * threads);
    }
}
