package io.tsconnector.bootstrap;

import io.tsconnector.adapters.influxdb.InfluxCredentials;
import io.tsconnector.adapters.influxdb.InfluxSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of {@code --storage=influxdb} as given, before the secrets are read: the token and password are
 * named by file or come from {@value InfluxCredentials#TOKEN_VARIABLE} / {@value InfluxCredentials#PASSWORD_VARIABLE},
 * never from an option value.
 *
 * @param url base URL of the v1 API ({@code influxdb.url}), null when not given
 * @param retentionPolicy {@code influxdb.retention-policy}, "" for the database's default
 * @param tokenFile {@code influxdb.token-file}, "" for the environment variable
 * @param username {@code influxdb.username}, "" for token or no authentication
 * @param passwordFile {@code influxdb.password-file}, "" for the environment variable
 * @param timeout {@code influxdb.timeout}, one HTTP attempt
 * @param batchSize {@code influxdb.batch-size}, points per write request
 * @param gzipMinBytes {@code influxdb.gzip-min-bytes}, smallest body sent compressed; -1 never; -2 (auto) 64 KiB
 *        except to a loopback address
 * @param readParallelism {@code influxdb.read-parallelism}, InfluxQL requests of one remote-read query at once
 */
public record InfluxOptions(URI url, String retentionPolicy, String tokenFile, String username, String passwordFile,
                            Duration timeout, int batchSize, int gzipMinBytes, int readParallelism) {
    public static final InfluxOptions DEFAULT = new InfluxOptions(null, "", "", "", "", InfluxSettings.DEFAULT_TIMEOUT,
            InfluxSettings.DEFAULT_BATCH_POINTS, InfluxSettings.GZIP_AUTO,
            InfluxSettings.DEFAULT_READ_PARALLELISM);

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

    public InfluxOptions {
        if (url != null && (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null)) {
            throw new IllegalArgumentException("invalid influxdb.url '" + url + "': expected http://host:port or https://host:port");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("invalid influxdb.batch-size " + batchSize + ": must be 1 or more");
        }
        if (readParallelism < 1 || readParallelism > 64) {
            throw new IllegalArgumentException("invalid influxdb.read-parallelism " + readParallelism + ": 1 to 64");
        }
        if (gzipMinBytes < InfluxSettings.GZIP_AUTO) {
            throw new IllegalArgumentException("invalid influxdb.gzip-min-bytes " + gzipMinBytes + ": auto, -1 (never) or more");
        }
    }

    public static InfluxOptions of(URI url) {
        return DEFAULT.withUrl(url);
    }

    public InfluxOptions withUrl(URI newUrl) {
        return new InfluxOptions(newUrl, retentionPolicy, tokenFile, username, passwordFile, timeout, batchSize, gzipMinBytes,
                readParallelism);
    }

    /** {@code 10s}, {@code 1m}, {@code 500ms}: a positive duration of at most 10 minutes. */
    static Duration duration(String value, String option) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid " + option + " '" + value + "': expected a duration such as 10s, 1m or 500ms");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero() || d.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("invalid " + option + " '" + value + "': must be above 0 and at most 10m");
        }
        return d;
    }

    /** An http(s) URL, or null for an empty value. */
    static URI url(String value, String option) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(value.trim());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("invalid " + option + " '" + value + "': expected http://host:port or https://host:port");
            }
            if (uri.getRawUserInfo() != null) {
                // the URL is logged at start-up; a password in it would be too
                throw new IllegalArgumentException("invalid " + option + ": credentials do not belong in the URL; use "
                        + "influxdb.token-file, INFLUXDB_TOKEN, or influxdb.username with INFLUXDB_PASSWORD");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("invalid " + option + " '" + value + "': " + e.getMessage(), e);
        }
    }

    /** A number of parallel read queries, 1 to 64. */
    static int readParallelism(String value, String option) {
        int n = integer(value, option, 1);
        if (n > 64) {
            throw new IllegalArgumentException("invalid " + option + " " + n + ": at most 64");
        }
        return n;
    }

    /** {@code auto} or a size in bytes, -1 for never. */
    static int gzipMinBytes(String value, String option) {
        return value.trim().equals("auto") ? InfluxSettings.GZIP_AUTO : integer(value, option, -1);
    }

    static int integer(String value, String option, int min) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + option + " '" + value + "': expected a whole number");
        }
        if (n < min) {
            throw new IllegalArgumentException("invalid " + option + " " + n + ": must be " + min + " or more");
        }
        return n;
    }

    /** The adapter's settings; reads the secrets from their file or environment variable. */
    InfluxSettings resolve(StorageSettings s, Map<String, String> env) {
        if (url == null) {
            throw new IllegalArgumentException("storage=influxdb needs influxdb.url, e.g. https://host:8086");
        }
        InfluxCredentials credentials = InfluxCredentials.resolve(env, tokenFile, username, passwordFile);
        return new InfluxSettings(url, retentionPolicy, credentials, timeout, s.maxWriteRetries(), s.maxReadRetries(),
                s.writeConcurrency(), batchSize, gzipMinBytes, readParallelism);
    }
}
