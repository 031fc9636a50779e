package io.tsconnector.bootstrap;

import java.net.URI;

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
 * @param influxdb the {@code --influxdb.*} options of {@code --storage=influxdb}
 */
public record StorageSettings(Storage storage, String region, URI writeEndpoint, URI queryEndpoint, int maxReadRetries,
                              int maxWriteRetries, int writeConcurrency, String localPath, boolean localCreateTables,
                              InfluxOptions influxdb) {
    public static final StorageSettings DEFAULT = new StorageSettings(Storage.TIMESTREAM, "us-east-1", null, null, 3, 3,
            128, "./data", true, InfluxOptions.DEFAULT);

    /** Settings without InfluxDB options, for the other stores. */
    public StorageSettings(Storage storage, String region, URI writeEndpoint, URI queryEndpoint, int maxReadRetries,
                           int maxWriteRetries, int writeConcurrency, String localPath, boolean localCreateTables) {
        this(storage, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries, writeConcurrency, localPath,
                localCreateTables, InfluxOptions.DEFAULT);
    }

    public StorageSettings {
        if (maxReadRetries < 0 || maxWriteRetries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more");
        }
        if (writeConcurrency < 1) {
            throw new IllegalArgumentException("invalid write.concurrency " + writeConcurrency + ": must be 1 or more");
        }
        influxdb = java.util.Objects.requireNonNullElse(influxdb, InfluxOptions.DEFAULT);
    }

    public StorageSettings withStorage(Storage newStorage) {
        return new StorageSettings(newStorage, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries,
                writeConcurrency, localPath, localCreateTables, influxdb);
    }

    public StorageSettings withLocalPath(String path) {
        return new StorageSettings(storage, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries,
                writeConcurrency, path, localCreateTables, influxdb);
    }

    /** These settings on InfluxDB with the given options. */
    public StorageSettings withInfluxdb(InfluxOptions options) {
        return new StorageSettings(Storage.INFLUXDB, region, writeEndpoint, queryEndpoint, maxReadRetries, maxWriteRetries,
                writeConcurrency, localPath, localCreateTables, options);
    }
}
