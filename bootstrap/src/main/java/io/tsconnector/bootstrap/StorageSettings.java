package io.tsconnector.bootstrap;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of the storage adapters.
 *
 * @param storage which store ({@code --storage}, default timestream)
 * @param region AWS signing region ({@code --region}, default us-east-1)
 * @param writeEndpoint endpoint override for writes ({@code --write-base-endpoint}), null for the SDK's discovery
 * @param queryEndpoint endpoint override for queries ({@code --query-base-endpoint}), null for the SDK's discovery
 * @param maxReadRetries retries of a failed Query call ({@code --max-read-retries}, else {@code --max-retries}, default 3)
 * @param maxWriteRetries retries of a failed WriteRecords call ({@code --max-write-retries}, default 3)
 * @param writeConcurrency WriteRecords calls in flight at once, shared by all requests ({@code --write.concurrency}, default 128: one
 *        2,000-sample request is 20 calls, which should all be in flight at once, with room for a few requests)
 * @param localPath directory of the local engine's files, or {@code mem:NAME} ({@code --local.path}, default ./data)
 * @param localCreateTables whether the local engine creates databases and tables on first write
 *        ({@code --local.create-tables}, default true)
 * @param localRetention how long the local engine keeps samples ({@code --local.retention}, default 15d)
 * @param influxdb the {@code --influxdb.*} options of {@code --storage=influxdb}
 */
public record StorageSettings(Storage storage, String region, URI writeEndpoint, URI queryEndpoint, int maxReadRetries,
                              int maxWriteRetries, int writeConcurrency, String localPath, boolean localCreateTables,
                              Duration localRetention, InfluxOptions influxdb) {
    /** Like Prometheus' {@code --storage.tsdb.retention.time}. */
    public static final Duration DEFAULT_LOCAL_RETENTION = Duration.ofDays(15);
    public static final StorageSettings DEFAULT = new StorageSettings(Storage.TIMESTREAM, "us-east-1", null, null, 3, 3,
            128, "./data", true, DEFAULT_LOCAL_RETENTION, InfluxOptions.DEFAULT);
    private static final Pattern PROMETHEUS_DURATION =
            Pattern.compile("(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] DURATION_UNIT_MILLIS = {365L * 86_400_000L, 7L * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};

    /** Settings without InfluxDB options, for the other stores. */
    public StorageSettings(Storage storage, String region, URI writeEndpoint, URI queryEndpoint, int maxReadRetries,
                           int maxWriteRetries, int writeConcurrency, String localPath, boolean localCreateTables) {
        this(storage, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries, writeConcurrency, localPath,
                localCreateTables, DEFAULT_LOCAL_RETENTION, InfluxOptions.DEFAULT);
    }

    /** Settings of the local storage with its retention. */
    public StorageSettings(Storage storage, String region, URI writeEndpoint, URI queryEndpoint, int maxReadRetries,
                           int maxWriteRetries, int writeConcurrency, String localPath, boolean localCreateTables,
                           Duration localRetention) {
        this(storage, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries, writeConcurrency, localPath,
                localCreateTables, localRetention, InfluxOptions.DEFAULT);
    }

    /** Settings with InfluxDB options and the default local retention. */
    public StorageSettings(Storage storage, String region, URI writeEndpoint, URI queryEndpoint, int maxReadRetries,
                           int maxWriteRetries, int writeConcurrency, String localPath, boolean localCreateTables,
                           InfluxOptions influxdb) {
        this(storage, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries, writeConcurrency, localPath,
                localCreateTables, DEFAULT_LOCAL_RETENTION, influxdb);
    }

    public StorageSettings {
        if (maxReadRetries < 0 || maxWriteRetries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more");
        }
        if (writeConcurrency < 1) {
            throw new IllegalArgumentException("invalid write.concurrency " + writeConcurrency + ": must be 1 or more");
        }
        if (localRetention == null || localRetention.isNegative() || localRetention.isZero()) {
            throw new IllegalArgumentException("invalid local.retention " + localRetention + ": must be positive");
        }
        influxdb = java.util.Objects.requireNonNullElse(influxdb, InfluxOptions.DEFAULT);
    }

    public StorageSettings withLocalRetention(Duration retention) {
        return new StorageSettings(storage, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries,
                writeConcurrency, localPath, localCreateTables, retention, influxdb);
    }
    /**
     * A retention in Prometheus' duration syntax: units {@code y w d h m s ms} in that order, each at most once,
     * e.g. {@code 15d}, {@code 12h}, {@code 90m}, {@code 1d12h}.
     *
     * @throws IllegalArgumentException naming the option and the accepted syntax
     */
    static Duration parseRetention(String text, String option) {
        Matcher m = PROMETHEUS_DURATION.matcher(text == null ? "" : text.trim());
        if (text == null || text.isBlank() || !m.matches()) {
            throw new IllegalArgumentException("invalid " + option + " '" + text
                    + "': a duration such as 15d, 12h, 90m or 1w (units y, w, d, h, m, s, ms)");
        }
        long millis = 0;
        try {
            for (int i = 0; i < DURATION_UNIT_MILLIS.length; i++) {
                if (m.group(i + 1) != null) {
                    millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(m.group(i + 1)), DURATION_UNIT_MILLIS[i]));
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + option + " '" + text + "': too long");
        }
        if (millis <= 0) {
            throw new IllegalArgumentException("invalid " + option + " '" + text + "': must be longer than 0");
        }
        return Duration.ofMillis(millis);
    }

    /**
     * A duration as Prometheus prints one: {@code 15d}, {@code 2w}, {@code 1d12h}; years and weeks only where they
     * divide it exactly, as Prometheus' {@code model.Duration} does.
     */
    static String durationText(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < units.length; i++) {
            long unit = DURATION_UNIT_MILLIS[i];
            if (i < 2 && millis % unit != 0) {
                continue;
            }
            if (millis >= unit) {
                sb.append(millis / unit).append(units[i]);
                millis %= unit;
            }
        }
        return sb.toString();
    }

    public StorageSettings withStorage(Storage newStorage) {
        return new StorageSettings(newStorage, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries,
                writeConcurrency, localPath, localCreateTables, localRetention, influxdb);
    }

    public StorageSettings withLocalPath(String path) {
        return new StorageSettings(storage, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries,
                writeConcurrency, path, localCreateTables, localRetention, influxdb);
    }

    /** These settings on InfluxDB with the given options. */
    public StorageSettings withInfluxdb(InfluxOptions options) {
        return new StorageSettings(Storage.INFLUXDB, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries,
                writeConcurrency, localPath, localCreateTables, localRetention, options);
    }
}
