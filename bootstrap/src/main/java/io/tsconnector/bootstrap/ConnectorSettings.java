package io.tsconnector.bootstrap;

import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.bootstrap.logging.LogSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Immutable settings of a connector process, built from flags (standalone) or environment variables
 * (Lambda). Defaults are those of the documented options.
 */
public record ConnectorSettings(
        String databaseLabel,
        String tableLabel,
        String defaultDatabase,
        String defaultTable,
        InetSocketAddress listenAddress,
        String telemetryPath,
        WritePolicy writePolicy,
        LogSettings log,
        StorageSettings storage,
        Limits limits,
        CacheSettings caches) {

    public ConnectorSettings {
        caches = java.util.Objects.requireNonNullElse(caches, CacheSettings.DEFAULT);
    }

    /** Settings with the default cache sizes. */
    public ConnectorSettings(String databaseLabel, String tableLabel, String defaultDatabase, String defaultTable,
                             InetSocketAddress listenAddress, String telemetryPath, WritePolicy writePolicy,
                             LogSettings log, StorageSettings storage, Limits limits) {
        this(databaseLabel, tableLabel, defaultDatabase, defaultTable, listenAddress, telemetryPath, writePolicy, log,
                storage, limits, CacheSettings.DEFAULT);
    }

    /** Settings with every default (storage timestream), listening on the given address. */
    public static ConnectorSettings defaults(InetSocketAddress listen) {
        return new ConnectorSettings("", "", "", "", listen, "/metrics", WritePolicy.DEFAULT, LogSettings.DEFAULT,
                StorageSettings.DEFAULT, Limits.DEFAULT);
    }

    public ConnectorSettings withDestinationLabels(String database, String table) {
        return new ConnectorSettings(database, table, defaultDatabase, defaultTable, listenAddress, telemetryPath,
                writePolicy, log, storage, limits, caches);
    }

    public ConnectorSettings withDefaultDestination(String database, String table) {
        return new ConnectorSettings(databaseLabel, tableLabel, database, table, listenAddress, telemetryPath,
                writePolicy, log, storage, limits, caches);
    }

    public ConnectorSettings withWritePolicy(WritePolicy policy) {
        return new ConnectorSettings(databaseLabel, tableLabel, defaultDatabase, defaultTable, listenAddress,
                telemetryPath, policy, log, storage, limits, caches);
    }

    public ConnectorSettings withLimits(Limits newLimits) {
        return new ConnectorSettings(databaseLabel, tableLabel, defaultDatabase, defaultTable, listenAddress,
                telemetryPath, writePolicy, log, storage, newLimits, caches);
    }

    public ConnectorSettings withStorage(StorageSettings newStorage) {
        return new ConnectorSettings(databaseLabel, tableLabel, defaultDatabase, defaultTable, listenAddress,
                telemetryPath, writePolicy, log, newStorage, limits, caches);
    }

    public ConnectorSettings withCaches(CacheSettings newCaches) {
        return new ConnectorSettings(databaseLabel, tableLabel, defaultDatabase, defaultTable, listenAddress,
                telemetryPath, writePolicy, log, storage, limits, newCaches);
    }

    /**
     * One line for the start-up log: the listen address as a user writes it ({@code :9201}), the local path
     * absolute, and options that are not set left out.
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("listen-address=").append(listenAddressText(listenAddress)).append(" storage=").append(storage.storage().text());
        switch (storage.storage()) {
            case TIMESTREAM -> sb.append(" region=").append(storage.region())
                    .append(" write-endpoint=").append(storage.writeEndpoint() == null ? "discovered" : storage.writeEndpoint())
                    .append(" query-endpoint=").append(storage.queryEndpoint() == null ? "discovered" : storage.queryEndpoint());
            case LOCAL -> sb.append(" local.path=").append(localPathText(storage.localPath()))
                    .append(" local.retention=").append(StorageSettings.durationText(storage.localRetention()))
                    .append(storage.localCreateTables() ? "" : " local.create-tables=false");
            case MEMORY -> { }
            case INFLUXDB -> sb.append(" influxdb.url=").append(storage.influxdb().url())
                    .append(" influxdb.retention-policy=").append(storage.influxdb().retentionPolicy());
        }
        appendIfSet(sb, "database-label", databaseLabel);
        appendIfSet(sb, "table-label", tableLabel);
        appendIfSet(sb, "default-database", defaultDatabase);
        appendIfSet(sb, "default-table", defaultTable);
        sb.append(" telemetry-path=").append(telemetryPath);
        return sb.toString();
    }

    /** {@code :9201} for every interface, else {@code host:port} ({@code [::1]:9201} for IPv6). */
    static String listenAddressText(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return address.getHostString() + ":" + address.getPort();
        }
        if (ip.isAnyLocalAddress()) {
            return ":" + address.getPort();
        }
        String host = ip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** A directory made absolute, so the log says where data really is; {@code mem:NAME} unchanged. */
    static String localPathText(String path) {
        if (path.startsWith("mem:")) {
            return path;
        }
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    static void appendIfSet(StringBuilder sb, String name, String value) {
        if (value != null && !value.isEmpty()) {
            sb.append(' ').append(name).append('=').append(value);
        }
    }
}
