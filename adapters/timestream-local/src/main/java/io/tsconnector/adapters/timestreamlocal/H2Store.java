package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Catalog.quote;

import io.tsconnector.adapters.timestreamlocal.Catalog.DatabaseMeta;
import io.tsconnector.adapters.timestreamlocal.Catalog.TableMeta;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import org.h2.api.ErrorCode;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;

/** The H2 side of the engine: connections, catalog persistence, schema changes and record storage. */
final class H2Store implements AutoCloseable {
    private static final int MAX_WRITE_ATTEMPTS = 50;

    private final String url;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    /** Keeps an in-memory database alive until close. */
    private final Connection keeper;
    private final Object ddlLock = new Object();
    final Catalog catalog = new Catalog();
    private volatile boolean closed;

    H2Store(String url) throws SQLException {
        this.url = url;
        this.keeper = DriverManager.getConnection(url);
        try (Statement st = keeper.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + quote(Catalog.CATALOG_SCHEMA));
            st.execute("CREATE TABLE IF NOT EXISTS " + quote(Catalog.CATALOG_SCHEMA) + ".\"databases\" ("
                    + "\"name\" VARCHAR PRIMARY KEY, \"created\" BIGINT NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS " + quote(Catalog.CATALOG_SCHEMA) + ".\"tables\" ("
                    + "\"db\" VARCHAR NOT NULL, \"name\" VARCHAR NOT NULL, \"created\" BIGINT NOT NULL, "
                    + "\"value_types\" VARCHAR NOT NULL, PRIMARY KEY (\"db\", \"name\"))");
            st.execute("CREATE ALIAS IF NOT EXISTS from_milliseconds DETERMINISTIC FOR \"" + SqlFunctions.class.getName() + ".fromMilliseconds\"");
            st.execute("CREATE ALIAS IF NOT EXISTS from_nanoseconds DETERMINISTIC FOR \"" + SqlFunctions.class.getName() + ".fromNanoseconds\"");
            st.execute("CREATE ALIAS IF NOT EXISTS to_milliseconds DETERMINISTIC FOR \"" + SqlFunctions.class.getName() + ".toMilliseconds\"");
            st.execute("CREATE ALIAS IF NOT EXISTS to_nanoseconds DETERMINISTIC FOR \"" + SqlFunctions.class.getName() + ".toNanoseconds\"");
        }
        load();
    }

    private void load() throws SQLException {
        try (Statement st = keeper.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"name\", \"created\" FROM " + quote(Catalog.CATALOG_SCHEMA) + ".\"databases\"")) {
            while (rs.next()) {
                catalog.databases.put(rs.getString(1), new DatabaseMeta(rs.getString(1), rs.getLong(2)));
            }
        }
        try (Statement st = keeper.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"db\", \"name\", \"created\", \"value_types\" FROM " + quote(Catalog.CATALOG_SCHEMA) + ".\"tables\"")) {
            while (rs.next()) {
                String db = rs.getString(1);
                String name = rs.getString(2);
                Set<MeasureValueType> types = EnumSet.noneOf(MeasureValueType.class);
                for (String t : rs.getString(4).split(",")) {
                    if (!t.isEmpty()) {
                        types.add(MeasureValueType.fromValue(t));
                    }
                }
                Set<String> dims = new TreeSet<>();
                try (PreparedStatement ps = keeper.prepareStatement("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS "
                        + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
                    ps.setString(1, Catalog.schemaName(db));
                    ps.setString(2, name + "$data");
                    try (ResultSet cols = ps.executeQuery()) {
                        while (cols.next()) {
                            String c = cols.getString(1);
                            if (!TimestreamRules.isReservedName(c)) {
                                dims.add(c);
                            }
                        }
                    }
                }
                catalog.databases.get(db).tables.put(name, new TableMeta(db, name, rs.getLong(3), dims, types));
            }
        }
    }

    Connection borrow() throws SQLException {
        if (closed) {
            throw new SQLException("The local Timestream engine is closed.");
        }
        Connection c = idle.pollFirst();
        return c != null ? c : DriverManager.getConnection(url);
    }

    void release(Connection c) {
        if (c == null) {
            return;
        }
        try {
            if (closed || c.isClosed()) {
                c.close();
                return;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            idle.offerFirst(c);
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is unusable either way
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    // ---- DDL ----------------------------------------------------------------------------------

    /** Returns false when the database already exists. */
    boolean createDatabase(String name) throws SQLException {
        synchronized (ddlLock) {
            if (catalog.databases.containsKey(name)) {
                return false;
            }
            long now = System.currentTimeMillis();
            try (Statement st = keeper.createStatement();
                 PreparedStatement ps = keeper.prepareStatement("INSERT INTO " + quote(Catalog.CATALOG_SCHEMA) + ".\"databases\" VALUES (?, ?)")) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + quote(Catalog.schemaName(name)));
                ps.setString(1, name);
                ps.setLong(2, now);
                ps.executeUpdate();
            }
            catalog.databases.put(name, new DatabaseMeta(name, now));
            return true;
        }
    }

    /** Returns false when the table already exists; the database must exist. */
    boolean createTable(String database, String name) throws SQLException {
        synchronized (ddlLock) {
            DatabaseMeta db = catalog.databases.get(database);
            if (db.tables.containsKey(name)) {
                return false;
            }
            long now = System.currentTimeMillis();
            TableMeta t = new TableMeta(database, name, now, Set.of(), Set.of());
            StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(t.dataTable()).append(" (")
                    .append(quote(Catalog.SERIES)).append(" VARCHAR NOT NULL, ")
                    .append(quote(Catalog.TIME)).append(" TIMESTAMP(9) NOT NULL, ")
                    .append(quote(Catalog.MEASURE_NAME)).append(" VARCHAR NOT NULL, ");
            for (MeasureValueType type : Catalog.VALUE_TYPES) {
                ddl.append(quote(Catalog.valueColumn(type))).append(' ').append(Catalog.sqlType(type)).append(", ");
            }
            ddl.append(quote(Catalog.VERSION)).append(" BIGINT NOT NULL, PRIMARY KEY (")
                    .append(quote(Catalog.SERIES)).append(", ").append(quote(Catalog.TIME)).append("))");
            try (Statement st = keeper.createStatement();
                 PreparedStatement ps = keeper.prepareStatement("INSERT INTO " + quote(Catalog.CATALOG_SCHEMA) + ".\"tables\" VALUES (?, ?, ?, '')")) {
                st.execute(ddl.toString());
                st.execute("CREATE INDEX " + quote(name + "$by_measure") + " ON " + t.dataTable()
                        + " (" + quote(Catalog.MEASURE_NAME) + ", " + quote(Catalog.TIME) + ")");
                st.execute(viewDdl(t));
                ps.setString(1, database);
                ps.setString(2, name);
                ps.setLong(3, now);
                ps.executeUpdate();
            }
            db.tables.put(name, t);
            return true;
        }
    }

    private static String viewDdl(TableMeta t) {
        StringBuilder sb = new StringBuilder("CREATE OR REPLACE VIEW ").append(t.view()).append(" AS SELECT ");
        List<String[]> cols = t.visibleColumns();
        for (int i = 0; i < cols.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(quote(cols.get(i)[0]));
        }
        return sb.append(" FROM ").append(t.dataTable()).toString();
    }

    /**
     * Adds dimension columns and value types the table has not seen yet. The caller holds the table's write lock.
     */
    void evolve(TableMeta t, Set<String> newDims, Set<MeasureValueType> newTypes) throws SQLException {
        synchronized (ddlLock) {
            Set<String> dims = new TreeSet<>(t.dimensions());
            Set<MeasureValueType> types = t.valueTypes().isEmpty() ? EnumSet.noneOf(MeasureValueType.class) : EnumSet.copyOf(t.valueTypes());
            try (Statement st = keeper.createStatement()) {
                for (String d : newDims) {
                    if (dims.add(d)) {
                        st.execute("ALTER TABLE " + t.dataTable() + " ADD COLUMN IF NOT EXISTS " + quote(d) + " VARCHAR");
                    }
                }
                boolean typesChanged = types.addAll(newTypes);
                if (typesChanged) {
                    StringBuilder list = new StringBuilder();
                    for (MeasureValueType type : types) {
                        list.append(list.length() == 0 ? "" : ",").append(type);
                    }
                    try (PreparedStatement ps = keeper.prepareStatement("UPDATE " + quote(Catalog.CATALOG_SCHEMA)
                            + ".\"tables\" SET \"value_types\" = ? WHERE \"db\" = ? AND \"name\" = ?")) {
                        ps.setString(1, list.toString());
                        ps.setString(2, t.database);
                        ps.setString(3, t.name);
                        ps.executeUpdate();
                    }
                }
                t.setDimensions(dims);
                t.setValueTypes(types);
                st.execute(viewDdl(t));
            }
        }
    }

    // ---- records ------------------------------------------------------------------------------

    /** Result of storing the valid records of one call. */
    record StoreResult(int ingested, List<RejectedRecord> rejected) {
    }

    /**
     * Stores records that passed the stateless rules, applying Timestream's duplicate and version rules
     * against stored data. The caller holds the table's read lock and has added all needed columns.
     */
    StoreResult store(TableMeta t, List<TimestreamRules.ValidRecord> records) throws SQLException {
        List<Entry> entries = new ArrayList<>(records.size());
        for (TimestreamRules.ValidRecord r : records) {
            entries.add(new Entry(r, r.seriesKey()));
        }
        // A fixed insertion order keeps concurrent writers from deadlocking on each other's keys.
        entries.sort((a, b) -> {
            int c = a.series.compareTo(b.series);
            return c != 0 ? c : Long.compare(a.record.timeNanos(), b.record.timeNanos());
        });
        Set<String> dims = new TreeSet<>();
        for (Entry e : entries) {
            dims.addAll(e.record.dimensions().keySet());
        }
        List<String> dimList = new ArrayList<>(dims);
        String insert = insertSql(t, dimList);
        String select = "SELECT " + valueColumns() + ", " + quote(Catalog.VERSION) + " FROM " + t.dataTable()
                + " WHERE " + quote(Catalog.SERIES) + " = ? AND " + quote(Catalog.TIME) + " = ?";
        String update = "UPDATE " + t.dataTable() + " SET " + setValueColumns() + ", " + quote(Catalog.VERSION) + " = ? WHERE "
                + quote(Catalog.SERIES) + " = ? AND " + quote(Catalog.TIME) + " = ?";
        SQLException last = null;
        for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
            Connection c = borrow();
            try {
                c.setAutoCommit(false);
                List<RejectedRecord> rejected = new ArrayList<>();
                int ingested = 0;
                try (PreparedStatement sel = c.prepareStatement(select);
                     PreparedStatement ins = c.prepareStatement(insert);
                     PreparedStatement upd = c.prepareStatement(update)) {
                    int inserts = 0;
                    int updates = 0;
                    for (Entry e : entries) {
                        TimestreamRules.ValidRecord r = e.record;
                        LocalDateTime time = toTime(r.timeNanos());
                        sel.setString(1, e.series);
                        sel.setObject(2, time);
                        Object existing = null;
                        long existingVersion = 0;
                        boolean found = false;
                        try (ResultSet rs = sel.executeQuery()) {
                            if (rs.next()) {
                                found = true;
                                existing = storedValue(rs);
                                existingVersion = rs.getLong(Catalog.VALUE_TYPES.size() + 1);
                            }
                        }
                        if (!found) {
                            bindInsert(ins, e, time, dimList);
                            ins.addBatch();
                            inserts++;
                            ingested++;
                        } else if (Objects.equals(existing, r.value()) && r.version() <= existingVersion) {
                            ingested++; // identical record: Timestream accepts it again without change
                        } else if (r.version() > existingVersion) {
                            int i = bindValues(upd, 1, r);
                            upd.setLong(i++, r.version());
                            upd.setString(i++, e.series);
                            upd.setObject(i, time);
                            upd.addBatch();
                            updates++;
                            ingested++;
                        } else {
                            rejected.add(TimestreamRules.rejection(r.index(),
                                    "A record with the same dimensions, time and measure name but a different measure value "
                                            + "already exists with version " + existingVersion
                                            + ". Write it with a higher version to update it.",
                                    existingVersion));
                        }
                    }
                    if (inserts > 0) {
                        ins.executeBatch();
                    }
                    if (updates > 0) {
                        upd.executeBatch();
                    }
                }
                c.commit();
                return new StoreResult(ingested, rejected);
            } catch (SQLException e) {
                if (!isContention(e)) {
                    throw e;
                }
                last = e;
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // released below; the pool discards broken connections
                }
            } finally {
                release(c);
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(attempt, 20)));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw last != null ? last : new SQLException("interrupted while writing");
    }

    private static boolean isContention(SQLException e) {
        SQLException cur = e;
        while (cur != null) {
            int code = cur.getErrorCode();
            if (code == ErrorCode.DUPLICATE_KEY_1 || code == ErrorCode.CONCURRENT_UPDATE_1
                    || code == ErrorCode.LOCK_TIMEOUT_1 || code == ErrorCode.DEADLOCK_1
                    || code == ErrorCode.ROW_NOT_FOUND_WHEN_DELETING_1 || code == ErrorCode.ROW_NOT_FOUND_IN_PRIMARY_INDEX) {
                return true;
            }
            cur = cur.getNextException();
        }
        return e.getCause() instanceof SQLException && isContention((SQLException) e.getCause());
    }

    private record Entry(TimestreamRules.ValidRecord record, String series) {
    }

    private static String valueColumns() {
        StringBuilder sb = new StringBuilder();
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            sb.append(sb.length() == 0 ? "" : ", ").append(quote(Catalog.valueColumn(type)));
        }
        return sb.toString();
    }

    private static String setValueColumns() {
        StringBuilder sb = new StringBuilder();
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            sb.append(sb.length() == 0 ? "" : ", ").append(quote(Catalog.valueColumn(type))).append(" = ?");
        }
        return sb.toString();
    }

    private static String insertSql(TableMeta t, List<String> dims) {
        StringBuilder sb = new StringBuilder("INSERT INTO ").append(t.dataTable()).append(" (")
                .append(quote(Catalog.SERIES)).append(", ").append(quote(Catalog.TIME)).append(", ")
                .append(quote(Catalog.MEASURE_NAME)).append(", ").append(valueColumns()).append(", ")
                .append(quote(Catalog.VERSION));
        for (String d : dims) {
            sb.append(", ").append(quote(d));
        }
        int params = 4 + Catalog.VALUE_TYPES.size() + dims.size();
        sb.append(") VALUES (");
        for (int i = 0; i < params; i++) {
            sb.append(i == 0 ? "?" : ", ?");
        }
        return sb.append(')').toString();
    }

    private static void bindInsert(PreparedStatement ps, Entry e, LocalDateTime time, List<String> dims) throws SQLException {
        TimestreamRules.ValidRecord r = e.record;
        ps.setString(1, e.series);
        ps.setObject(2, time);
        ps.setString(3, r.measureName());
        int i = bindValues(ps, 4, r);
        ps.setLong(i++, r.version());
        for (String d : dims) {
            ps.setString(i++, r.dimensions().get(d));
        }
    }

    private static int bindValues(PreparedStatement ps, int first, TimestreamRules.ValidRecord r) throws SQLException {
        int i = first;
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            Object v = type == r.type() ? r.value() : null;
            // Double.toString is exact and keeps the sign of zero (see Catalog.sqlType)
            ps.setObject(i++, v instanceof Double d ? Double.toString(d) : v);
        }
        return i;
    }

    private static Object storedValue(ResultSet rs) throws SQLException {
        int i = 1;
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            Object v;
            switch (type) {
                case DOUBLE: {
                    String text = rs.getString(i);
                    v = text == null ? null : Double.valueOf(text);
                    break;
                }
                case BIGINT: v = rs.getLong(i); break;
                case BOOLEAN: v = rs.getBoolean(i); break;
                default: v = rs.getString(i); break;
            }
            if (!rs.wasNull()) {
                return v;
            }
            i++;
        }
        return null;
    }

    static LocalDateTime toTime(long epochNanos) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                (int) Math.floorMod(epochNanos, 1_000_000_000L), ZoneOffset.UTC);
    }

    /** Dimension names a call needs that the table lacks, in first-use order. */
    static Set<String> missingDimensions(TableMeta t, List<TimestreamRules.ValidRecord> records) {
        Set<String> known = t.dimensions();
        Set<String> missing = new java.util.LinkedHashSet<>();
        for (TimestreamRules.ValidRecord r : records) {
            for (String d : r.dimensions().keySet()) {
                if (!known.contains(d)) {
                    missing.add(d);
                }
            }
        }
        return missing;
    }

    static Set<MeasureValueType> missingTypes(TableMeta t, List<TimestreamRules.ValidRecord> records) {
        Set<MeasureValueType> missing = new HashSet<>();
        for (TimestreamRules.ValidRecord r : records) {
            if (!t.valueTypes().contains(r.type())) {
                missing.add(r.type());
            }
        }
        return missing;
    }

    /** Keeps one record per key within a call; a later one with another value is rejected, an identical one is a no-op. */
    static Map<String, TimestreamRules.ValidRecord> dedupe(List<TimestreamRules.ValidRecord> records,
                                                          List<RejectedRecord> rejected, int[] duplicatesAccepted) {
        Map<String, TimestreamRules.ValidRecord> byKey = new LinkedHashMap<>();
        for (TimestreamRules.ValidRecord r : records) {
            String key = r.seriesKey() + "@" + r.timeNanos();
            TimestreamRules.ValidRecord first = byKey.putIfAbsent(key, r);
            if (first != null) {
                if (Objects.equals(first.value(), r.value())) {
                    duplicatesAccepted[0]++;
                } else {
                    rejected.add(TimestreamRules.rejection(r.index(),
                            "A record with the same dimensions, time and measure name but a different measure value "
                                    + "appears earlier in this request (record " + first.index() + ").", null));
                }
            }
        }
        return byKey;
    }

    @Override
    public void close() throws SQLException {
        closed = true;
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        try (Statement st = keeper.createStatement()) {
            st.execute("SHUTDOWN");
        } finally {
            keeper.close();
        }
    }
}
