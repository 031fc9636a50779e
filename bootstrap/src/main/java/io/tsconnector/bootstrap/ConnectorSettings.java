package io.tsconnector.bootstrap;

import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.application.service.WritePolicy;
import java.net.InetSocketAddress;

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
        Limits limits) {

    /** Settings with every default (storage timestream), listening on the given address. */
    public static ConnectorSettings defaults(InetSocketAddress listen) {
        return new ConnectorSettings("", "", "", "", listen, "/metrics", WritePolicy.DEFAULT, LogSettings.DEFAULT,
                StorageSettings.DEFAULT, Limits.DEFAULT);
    }

    public ConnectorSettings withDestinationLabels(String database, String table) {
        return new ConnectorSettings(database, table, defaultDatabase, defaultTable, listenAddress, telemetryPath,
                writePolicy, log, storage, limits);
    }

    public ConnectorSettings withDefaultDestination(String database, String table) {
        return new ConnectorSettings(databaseLabel, tableLabel, database, table, listenAddress, telemetryPath,
                writePolicy, log, storage, limits);
    }

    public ConnectorSettings withWritePolicy(WritePolicy policy) {
        return new ConnectorSettings(databaseLabel, tableLabel, defaultDatabase, defaultTable, listenAddress,
                telemetryPath, policy, log, storage, limits);
    }

    public ConnectorSettings withLimits(Limits newLimits) {
        return new ConnectorSettings(databaseLabel, tableLabel, defaultDatabase, defaultTable, listenAddress,
                telemetryPath, writePolicy, log, storage, newLimits);
    }

    public ConnectorSettings withStorage(StorageSettings newStorage) {
        return new ConnectorSettings(databaseLabel, tableLabel, defaultDatabase, defaultTable, listenAddress,
                telemetryPath, writePolicy, log, newStorage, limits);
    }

    /** One line for the start-up log. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("listen-address=").append(listenAddress).append(" storage=").append(storage.storage().text());
        switch (storage.storage()) {
            case TIMESTREAM -> sb.append(" region=").append(storage.region())
                    .append(" write-endpoint=").append(storage.writeEndpoint() == null ? "discovered" : storage.writeEndpoint())
                    .append(" query-endpoint=").append(storage.queryEndpoint() == null ? "discovered" : storage.queryEndpoint());
            case LOCAL -> sb.append(" local.path=").append(storage.localPath())
                    .append(" local.retention=").append(storage.localRetention());
            case MEMORY -> { }
        }
        sb.append(" database-label=").append(databaseLabel).append(" table-label=").append(tableLabel)
                .append(" default-database=").append(defaultDatabase).append(" default-table=").append(defaultTable)
                .append(" telemetry-path=").append(telemetryPath);
        return sb.toString();
    }
}
