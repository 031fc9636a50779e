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
        String region,
        InetSocketAddress listenAddress,
        String telemetryPath,
        int maxReadRetries,
        WritePolicy writePolicy,
        LogSettings log,
        Storage storage,
        Limits limits) {

    /** Settings with every default, listening on the given address. */
    public static ConnectorSettings defaults(InetSocketAddress listen) {
        return new ConnectorSettings("", "", "", "", "us-east-1", listen, "/metrics", 3, WritePolicy.DEFAULT,
                LogSettings.DEFAULT, Storage.MEMORY, Limits.DEFAULT);
    }

    public ConnectorSettings withDestinationLabels(String database, String table) {
        return new ConnectorSettings(database, table, defaultDatabase, defaultTable, region, listenAddress,
                telemetryPath, maxReadRetries, writePolicy, log, storage, limits);
    }

    public ConnectorSettings withDefaultDestination(String database, String table) {
        return new ConnectorSettings(databaseLabel, tableLabel, database, table, region, listenAddress,
                telemetryPath, maxReadRetries, writePolicy, log, storage, limits);
    }

    public ConnectorSettings withWritePolicy(WritePolicy policy) {
        return new ConnectorSettings(databaseLabel, tableLabel, defaultDatabase, defaultTable, region, listenAddress,
                telemetryPath, maxReadRetries, policy, log, storage, limits);
    }

    public ConnectorSettings withLimits(Limits newLimits) {
        return new ConnectorSettings(databaseLabel, tableLabel, defaultDatabase, defaultTable, region, listenAddress,
                telemetryPath, maxReadRetries, writePolicy, log, storage, newLimits);
    }
}
