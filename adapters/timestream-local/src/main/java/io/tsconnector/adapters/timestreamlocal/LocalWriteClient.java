package io.tsconnector.adapters.timestreamlocal;

import io.tsconnector.adapters.timestreamlocal.Catalog.DatabaseMeta;
import io.tsconnector.adapters.timestreamlocal.Catalog.TableMeta;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.CreateDatabaseRequest;
import software.amazon.awssdk.services.timestreamwrite.model.CreateDatabaseResponse;
import software.amazon.awssdk.services.timestreamwrite.model.CreateTableRequest;
import software.amazon.awssdk.services.timestreamwrite.model.CreateTableResponse;
import software.amazon.awssdk.services.timestreamwrite.model.Database;
import software.amazon.awssdk.services.timestreamwrite.model.DescribeDatabaseRequest;
import software.amazon.awssdk.services.timestreamwrite.model.DescribeDatabaseResponse;
import software.amazon.awssdk.services.timestreamwrite.model.DescribeTableRequest;
import software.amazon.awssdk.services.timestreamwrite.model.DescribeTableResponse;
import software.amazon.awssdk.services.timestreamwrite.model.ListDatabasesRequest;
import software.amazon.awssdk.services.timestreamwrite.model.ListDatabasesResponse;
import software.amazon.awssdk.services.timestreamwrite.model.ListTablesRequest;
import software.amazon.awssdk.services.timestreamwrite.model.ListTablesResponse;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.RecordsIngested;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.Table;
import software.amazon.awssdk.services.timestreamwrite.model.TableStatus;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsResponse;

/** Adapter: the SDK's TimestreamWriteClient over the embedded H2 engine. */
final class LocalWriteClient implements TimestreamWriteClient {
    private static final String ARN_PREFIX = "arn:aws:timestream:local:000000000000:database/";
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-zA-Z0-9_.-]{1,256}");

    /**
     * Calls storing at once. H2 changes its B-trees optimistically (copy the path, swap the root, start again when
     * another writer swapped it first), so writers beyond a few per core redo each other's work: the connector
     * makes up to --write.concurrency calls at once (128 by default), which would spend the CPU on contention.
     */
    static final int MAX_STORING_CALLS = Math.max(4, 4 * Runtime.getRuntime().availableProcessors());

    private final H2Store store;
    private final java.util.concurrent.Semaphore storing = new java.util.concurrent.Semaphore(MAX_STORING_CALLS);
    private final boolean createTablesOnWrite;
    /** Null for an in-memory engine. */
    private final DiskGuard disk;
    /** Null for an in-memory engine; set once the log's earlier segments are replayed. */
    private volatile WriteLog log;

    LocalWriteClient(H2Store store, boolean createTablesOnWrite, DiskGuard disk) {
        this.store = store;
        this.createTablesOnWrite = createTablesOnWrite;
        this.disk = disk;
    }

    /** From now on, every call's stored records are appended to {@code log} before the call returns. */
    void log(WriteLog log) {
        this.log = log;
    }

    /**
     * Stores a call read back from the write log at open, creating its database, table and columns as needed;
     * records stored before (identical, or superseded by a higher version) change nothing.
     */
    void replay(WriteLog.Entry entry) {
        TableMeta table = resolve(entry.database(), entry.table(), true);
        List<RejectedRecord> ignored = new ArrayList<>();
        try {
            List<TimestreamRules.ValidRecord> records = ensureSchema(table, entry.records(), ignored);
            if (!records.isEmpty()) {
                table.lock.readLock().lock();
                try {
                    store.store(table, records);
                } finally {
                    table.lock.readLock().unlock();
                }
            }
        } catch (SQLException e) {
            throw new LocalStorageException("replaying the write log into " + entry.database() + "." + entry.table()
                    + " failed: " + LocalTimestream.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        // the engine is closed by LocalTimestream
    }

    @Override
    public WriteRecordsResponse writeRecords(WriteRecordsRequest request) {
        TimestreamRules.Checked checked = TimestreamRules.check(request);
        if (disk != null) {
            disk.check();
        }
        TableMeta table = resolve(request.databaseName(), request.tableName(), createTablesOnWrite);
        List<RejectedRecord> rejected = new ArrayList<>(checked.rejected());
        int[] identical = {0};
        List<TimestreamRules.ValidRecord> unique = new ArrayList<>(H2Store.dedupe(checked.valid(), rejected, identical).values());
        int ingested = identical[0];
        try {
            unique = ensureSchema(table, unique, rejected);
            if (!unique.isEmpty()) {
                // taken before the table's lock, which a schema change waits for: holders only ever need the read lock
                storing.acquireUninterruptibly();
                try {
                    table.lock.readLock().lock();
                    try {
                        H2Store.StoreResult result = store.store(table, unique);
                        ingested += result.ingested();
                        rejected.addAll(result.rejected());
                        appendToLog(table, unique, result.rejected());
                    } finally {
                        table.lock.readLock().unlock();
                    }
                } finally {
                    storing.release();
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_IS_CLOSED) {
                throw Errors.writeInternal("the local storage stopped after a write to its files failed (disk full or "
                        + "failing?); restart the connector once the disk is fixed", e);
            }
            throw Errors.writeInternal("The local engine failed to store the records: " + LocalTimestream.firstLine(e.getMessage()), e);
        }
        if (!rejected.isEmpty()) {
            rejected.sort(Comparator.comparingInt(RejectedRecord::recordIndex));
            throw Errors.rejected(rejected);
        }
        return WriteRecordsResponse.builder()
                .recordsIngested(RecordsIngested.builder().total(ingested).memoryStore(ingested).magneticStore(0).build())
                .build();
    }

    /**
     * Appends the records a call stored (all but those the store rejected) to the write log, before the call
     * returns; without it the call is not acknowledged (its records are committed but may not survive a crash).
     */
    private void appendToLog(TableMeta table, List<TimestreamRules.ValidRecord> records, List<RejectedRecord> rejected) {
        WriteLog wal = log;
        if (wal == null) {
            return;
        }
        List<TimestreamRules.ValidRecord> stored = records;
        if (!rejected.isEmpty()) {
            Set<Integer> refused = new HashSet<>();
            for (RejectedRecord r : rejected) {
                refused.add(r.recordIndex());
            }
            stored = new ArrayList<>(records.size());
            for (TimestreamRules.ValidRecord r : records) {
                if (!refused.contains(r.index())) {
                    stored.add(r);
                }
            }
        }
        try {
            wal.append(table.database, table.name, stored);
        } catch (java.io.IOException e) {
            throw Errors.writeInternal("the local storage could not write its write log (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); the request was not acknowledged, "
                    + "send it again", e);
        }
    }

    /** Adds missing columns, rejecting records whose new dimension names would exceed the per-table limit. */
    private List<TimestreamRules.ValidRecord> ensureSchema(TableMeta table, List<TimestreamRules.ValidRecord> records,
                                                           List<RejectedRecord> rejected) throws SQLException {
        if (H2Store.missingDimensions(table, records).isEmpty() && H2Store.missingTypes(table, records).isEmpty()) {
            return records;
        }
        table.lock.writeLock().lock();
        try {
            Set<String> known = new HashSet<>(table.dimensions());
            Set<String> added = new TreeSet<>();
            List<TimestreamRules.ValidRecord> kept = new ArrayList<>(records.size());
            for (TimestreamRules.ValidRecord r : records) {
                Set<String> needed = new HashSet<>();
                for (String d : r.dimensions().keySet()) {
                    if (!known.contains(d) && !added.contains(d)) {
                        needed.add(d);
                    }
                }
                if (known.size() + added.size() + needed.size() > TimestreamRules.MAX_DIMENSIONS_PER_TABLE) {
                    rejected.add(TimestreamRules.rejection(r.index(), "The record's dimensions would exceed the maximum of "
                            + TimestreamRules.MAX_DIMENSIONS_PER_TABLE + " dimension names per table (table has "
                            + (known.size() + added.size()) + ", record adds " + needed.size() + ").", null));
                } else {
                    added.addAll(needed);
                    kept.add(r);
                }
            }
            Set<MeasureValueType> types = H2Store.missingTypes(table, kept);
            if (!added.isEmpty() || !types.isEmpty()) {
                store.evolve(table, added, types);
            }
            return kept;
        } finally {
            table.lock.writeLock().unlock();
        }
    }

    private TableMeta resolve(String database, String tableName, boolean create) {
        DatabaseMeta db = store.catalog.databases.get(database);
        try {
            if (db == null) {
                if (!create) {
                    throw Errors.writeNotFound("The database " + database + " does not exist.");
                }
                checkName("database", database);
                store.createDatabase(database);
                db = store.catalog.databases.get(database);
            }
            TableMeta t = db.tables.get(tableName);
            if (t == null) {
                if (!create) {
                    throw Errors.writeNotFound("The table " + tableName + " does not exist.");
                }
                checkName("table", tableName);
                store.createTable(database, tableName);
                t = db.tables.get(tableName);
            }
            return t;
        } catch (SQLException e) {
            throw Errors.writeInternal("The local engine failed to create " + database + "." + tableName + ": " + e.getMessage(), e);
        }
    }

    private static void checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw Errors.writeValidation("Invalid " + what + " name '" + name
                    + "': 1 to 256 characters of letters, digits, '_', '.' and '-' are allowed.");
        }
    }

    @Override
    public CreateDatabaseResponse createDatabase(CreateDatabaseRequest request) {
        checkName("database", request.databaseName());
        try {
            if (!store.createDatabase(request.databaseName())) {
                throw Errors.conflict("The database " + request.databaseName() + " already exists.");
            }
        } catch (SQLException e) {
            throw Errors.writeInternal("The local engine failed to create the database: " + e.getMessage(), e);
        }
        return CreateDatabaseResponse.builder().database(database(store.catalog.databases.get(request.databaseName()))).build();
    }

    @Override
    public CreateTableResponse createTable(CreateTableRequest request) {
        checkName("table", request.tableName());
        if (!store.catalog.databases.containsKey(request.databaseName())) {
            throw Errors.writeNotFound("The database " + request.databaseName() + " does not exist.");
        }
        try {
            if (!store.createTable(request.databaseName(), request.tableName())) {
                throw Errors.conflict("The table " + request.tableName() + " already exists.");
            }
        } catch (SQLException e) {
            throw Errors.writeInternal("The local engine failed to create the table: " + e.getMessage(), e);
        }
        return CreateTableResponse.builder()
                .table(table(store.catalog.databases.get(request.databaseName()).tables.get(request.tableName()))).build();
    }

    @Override
    public DescribeDatabaseResponse describeDatabase(DescribeDatabaseRequest request) {
        DatabaseMeta db = store.catalog.databases.get(request.databaseName());
        if (db == null) {
            throw Errors.writeNotFound("The database " + request.databaseName() + " does not exist.");
        }
        return DescribeDatabaseResponse.builder().database(database(db)).build();
    }

    @Override
    public DescribeTableResponse describeTable(DescribeTableRequest request) {
        DatabaseMeta db = store.catalog.databases.get(request.databaseName());
        if (db == null) {
            throw Errors.writeNotFound("The database " + request.databaseName() + " does not exist.");
        }
        TableMeta t = db.tables.get(request.tableName());
        if (t == null) {
            throw Errors.writeNotFound("The table " + request.tableName() + " does not exist.");
        }
        return DescribeTableResponse.builder().table(table(t)).build();
    }

    @Override
    public ListDatabasesResponse listDatabases(ListDatabasesRequest request) {
        List<Database> out = new ArrayList<>();
        for (String name : new TreeSet<>(store.catalog.databases.keySet())) {
            out.add(database(store.catalog.databases.get(name)));
        }
        return ListDatabasesResponse.builder().databases(out).build();
    }

    @Override
    public ListTablesResponse listTables(ListTablesRequest request) {
        List<Table> out = new ArrayList<>();
        for (DatabaseMeta db : store.catalog.databases.values()) {
            if (request.databaseName() != null && !request.databaseName().equals(db.name)) {
                continue;
            }
            for (TableMeta t : db.tables.values()) {
                out.add(table(t));
            }
        }
        out.sort(Comparator.comparing(Table::databaseName).thenComparing(Table::tableName));
        return ListTablesResponse.builder().tables(out).build();
    }

    private static Database database(DatabaseMeta db) {
        Map<String, TableMeta> tables = db.tables;
        return Database.builder().databaseName(db.name).arn(ARN_PREFIX + db.name).tableCount((long) tables.size())
                .creationTime(Instant.ofEpochMilli(db.createdMillis)).lastUpdatedTime(Instant.ofEpochMilli(db.createdMillis))
                .build();
    }

    private static Table table(TableMeta t) {
        return Table.builder().databaseName(t.database).tableName(t.name).arn(ARN_PREFIX + t.database + "/table/" + t.name)
                .tableStatus(TableStatus.ACTIVE).creationTime(Instant.ofEpochMilli(t.createdMillis))
                .lastUpdatedTime(Instant.ofEpochMilli(t.createdMillis)).build();
    }
}
