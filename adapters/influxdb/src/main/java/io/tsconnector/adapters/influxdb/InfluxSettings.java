package io.tsconnector.adapters.influxdb;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the InfluxDB adapter.
 *
 * @param url base URL of the v1 API (http or https; the JDK trust store checks certificates)
 * @param retentionPolicy v1 retention policy ({@code rp}), or null for the database's default
 * @param credentials token, username and password, or none
 * @param timeout limit of one HTTP attempt
 * @param maxWriteRetries attempts after the first for a write that failed with 429, 5xx or a network error
 * @param maxReadRetries attempts after the first for a query that failed that way
 * @param writeConcurrency write requests in flight at once, shared by all remote-write requests
 * @param batchPoints points per write request at most
 * @param gzipMinBytes line protocol bodies of at least this size are sent gzip-compressed; -1: never;
 *        {@link #GZIP_AUTO}: from {@link #DEFAULT_GZIP_MIN_BYTES} on, except to a loopback address, where
 *        compressing only costs CPU on both sides
 * @param readParallelism InfluxQL requests of one remote-read query that run at once (statements per series,
 *        or time parts of a long query)
 */
public record InfluxSettings(URI url, String retentionPolicy, InfluxCredentials credentials, Duration timeout,
                             int maxWriteRetries, int maxReadRetries, int writeConcurrency, int batchPoints,
                             int gzipMinBytes, int readParallelism) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** InfluxDB's documented best batch size. */
    public static final int DEFAULT_BATCH_POINTS = 5000;
    public static final int DEFAULT_CONCURRENCY = 16;
    /** Below this size compression saves too little to pay for itself. */
    public static final int DEFAULT_GZIP_MIN_BYTES = 64 * 1024;
    /** Compress from {@link #DEFAULT_GZIP_MIN_BYTES} on, unless InfluxDB is on this host. */
    public static final int GZIP_AUTO = -2;
    public static final int DEFAULT_READ_PARALLELISM = 4;

    public InfluxSettings {
        Objects.requireNonNull(url, "influxdb.url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("invalid influxdb.url '" + url + "': expected http://host:port or https://host:port");
        }
        if (retentionPolicy != null && retentionPolicy.isEmpty()) {
            retentionPolicy = null;
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("invalid influxdb.url: credentials do not belong in the URL");
        }
        credentials = Objects.requireNonNullElse(credentials, InfluxCredentials.none());
        timeout = Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("invalid influxdb.timeout " + timeout + ": must be positive");
        }
        if (maxWriteRetries < 0 || maxReadRetries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more");
        }
        if (writeConcurrency < 1) {
            throw new IllegalArgumentException("invalid write concurrency " + writeConcurrency + ": must be 1 or more");
        }
        if (gzipMinBytes == GZIP_AUTO) {
            gzipMinBytes = isLoopback(url.getHost()) ? -1 : DEFAULT_GZIP_MIN_BYTES;
        }
        if (gzipMinBytes < -1) {
            throw new IllegalArgumentException("invalid influxdb.gzip-min-bytes " + gzipMinBytes + ": auto, -1 (never) or more");
        }
        if (readParallelism < 1 || readParallelism > 64) {
            throw new IllegalArgumentException("invalid influxdb.read-parallelism " + readParallelism + ": 1 to 64");
        }
        if (batchPoints < 1) {
            throw new IllegalArgumentException("invalid influxdb.batch-size " + batchPoints + ": must be 1 or more");
        }
    }

    private static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /** Settings with the defaults for everything but the URL and credentials. */
    public static InfluxSettings of(URI url, InfluxCredentials credentials) {
        return new InfluxSettings(url, null, credentials, DEFAULT_TIMEOUT, 3, 3, DEFAULT_CONCURRENCY,
                DEFAULT_BATCH_POINTS, GZIP_AUTO, DEFAULT_READ_PARALLELISM);
    }

    public InfluxSettings withRetentionPolicy(String rp) {
        return new InfluxSettings(url, rp, credentials, timeout, maxWriteRetries, maxReadRetries, writeConcurrency,
                batchPoints, gzipMinBytes, readParallelism);
    }

    public InfluxSettings withBatchPoints(int points) {
        return new InfluxSettings(url, retentionPolicy, credentials, timeout, maxWriteRetries, maxReadRetries,
                writeConcurrency, points, gzipMinBytes, readParallelism);
    }

    public InfluxSettings withGzipMinBytes(int bytes) {
        return new InfluxSettings(url, retentionPolicy, credentials, timeout, maxWriteRetries, maxReadRetries,
                writeConcurrency, batchPoints, bytes, readParallelism);
    }

    public InfluxSettings withRetries(int write, int read) {
        return new InfluxSettings(url, retentionPolicy, credentials, timeout, write, read, writeConcurrency,
                batchPoints, gzipMinBytes, readParallelism);
    }

    public InfluxSettings withReadParallelism(int parts) {
        return new InfluxSettings(url, retentionPolicy, credentials, timeout, maxWriteRetries, maxReadRetries,
                writeConcurrency, batchPoints, gzipMinBytes, parts);
    }

    public InfluxSettings withTimeout(Duration t) {
        return new InfluxSettings(url, retentionPolicy, credentials, t, maxWriteRetries, maxReadRetries,
                writeConcurrency, batchPoints, gzipMinBytes, readParallelism);
    }
}
