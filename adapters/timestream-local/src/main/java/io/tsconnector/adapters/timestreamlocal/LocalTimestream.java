package io.tsconnector.adapters.timestreamlocal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

/**
 * Embedded Timestream: SDK write and query clients backed by H2, enforcing Timestream's write rules
 * and running Timestream SQL, for local mode and as the store behind the fake Timestream endpoint.
 */
public final class LocalTimestream implements AutoCloseable {
    private final H2Store store;
    private final QueryEngine queryEngine;
    private final LocalWriteClient writeClient;
    private final LocalQueryClient queryClient;

    private LocalTimestream(H2Store store, boolean createTablesOnWrite) {
        this.store = store;
        this.queryEngine = new QueryEngine(store);
        this.writeClient = new LocalWriteClient(store, createTablesOnWrite);
        this.queryClient = new LocalQueryClient(queryEngine);
    }

    /**
     * Opens an engine.
     *
     * @param path a directory for a file database (created if missing; data survive close and reopen),
     *             or {@code mem:<name>} for an in-memory database that lives until {@link #close()}
     * @param createTablesOnWrite whether WriteRecords creates a missing database and table instead of
     *             failing with ResourceNotFoundException
     */
    public static LocalTimestream open(String path, boolean createTablesOnWrite) {
        // H2 spills query results of more rows than MAX_MEMORY_ROWS to a temporary file, which made a read
        // of a million samples five times slower; a million rows stay in memory, larger results still spill
        String settings = ";DATABASE_TO_LOWER=TRUE;LOCK_TIMEOUT=10000;MAX_MEMORY_ROWS=1000000";
        String url;
        if (path.startsWith("mem:")) {
            String name = path.substring(4);
            if (name.isEmpty() || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("In-memory database name must be letters, digits, '_', '.' or '-': " + path);
            }
            url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1" + settings;
        } else {
            Path dir = Path.of(path).toAbsolutePath();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the local Timestream directory " + dir, e);
            }
            url = "jdbc:h2:file:" + dir.resolve("timestream") + settings;
        }
        try {
            return new LocalTimestream(new H2Store(url), createTablesOnWrite);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open the local Timestream database at " + path + ": " + e.getMessage(), e);
        }
    }

    /** The write client; closing it does nothing, the engine closes with {@link #close()}. */
    public TimestreamWriteClient writeClient() {
        return writeClient;
    }

    /** The query client; closing it does nothing, the engine closes with {@link #close()}. */
    public TimestreamQueryClient queryClient() {
        return queryClient;
    }

    /**
     * Makes every new query answer first with zero rows and a NextToken, as Timestream may (default: off).
     */
    public void forceEmptyFirstPage(boolean on) {
        queryEngine.forceEmptyFirstPage = on;
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (SQLException e) {
            throw new IllegalStateException("Closing the local Timestream database failed: " + e.getMessage(), e);
        }
    }
}
