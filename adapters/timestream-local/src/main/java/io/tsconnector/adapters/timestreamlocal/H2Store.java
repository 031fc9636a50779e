package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Catalog.quote;

import io.tsconnector.adapters.timestreamlocal.Catalog.DatabaseMeta;
import io.tsconnector.adapters.timestreamlocal.Catalog.SeriesState;
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

/**
 * The H2 side of the engine: connections, catalog persistence, schema changes and record storage.
 *
 * <p>Layout of a Timestream table {@code t} in schema {@code db$<database>}: {@code t$series} holds each
 * series once (id, measure name, one column per dimension name); {@code t$points} holds (key, value, version)
 * with one BIGINT primary key, the series id above the epoch millisecond (see {@link Catalog#key}), so that H2
 * keeps the rows in the primary map itself, ordered by series and time, with no second index to look up or to
 * maintain; {@code t$samples} holds (series id, time, value, version) keyed by (series id, time) for the samples
 * no key can hold (times that are not whole milliseconds, series ids of 2^21 or more). The view {@code t} joins
 * the series with both (UNION ALL) into Timestream's columns for SQL. A new dimension name adds a column to the
 * series table only; samples are never rewritten or locked.
 */
final class H2Store implements AutoCloseable {
    private static final int MAX_WRITE_ATTEMPTS = 50;
    /**
     * Layout version kept in the catalog's {@code layout} column; 1 was one wide row per sample with every
     * dimension repeated, 2 kept every sample in the samples table, 3 had no blocks table (see {@link LayoutConversion}).
     */
    static final int LAYOUT = 4;
    private static final System.Logger LOG = System.getLogger(H2Store.class.getName());

    private final String url;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    /**
     * The write path's prepared statements of each pooled connection, by SQL text: H2 parses a statement again
     * for every prepareStatement of these. Used only by the thread that borrowed the connection.
     */
    private final Map<Connection, Map<String, PreparedStatement>> prepared = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int PREPARED_PER_CONNECTION = 32;
    /** Keeps an in-memory database alive until close. */
    private final Connection keeper;
    private final Object ddlLock = new Object();
    final Catalog catalog = new Catalog();
    private volatile boolean closed;
    /** Set when closing starts: a store that takes a heads lock after it refuses, as its head would not be flushed. */
    private volatile boolean closing;
    private final boolean persistent;

    H2Store(String url) throws SQLException {
        this.url = url;
        this.persistent = url.startsWith("jdbc:h2:file:");
        this.keeper = DriverManager.getConnection(url);
        try {
            try (Statement st = keeper.createStatement()) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + quote(Catalog.CATALOG_SCHEMA));
                st.execute("CREATE TABLE IF NOT EXISTS " + quote(Catalog.CATALOG_SCHEMA) + ".\"databases\" ("
                        + "\"name\" VARCHAR PRIMARY KEY, \"created\" BIGINT NOT NULL)");
                st.execute("CREATE TABLE IF NOT EXISTS " + quote(Catalog.CATALOG_SCHEMA) + ".\"tables\" ("
                        + "\"db\" VARCHAR NOT NULL, \"name\" VARCHAR NOT NULL, \"created\" BIGINT NOT NULL, "
                        + "\"value_types\" VARCHAR NOT NULL, PRIMARY KEY (\"db\", \"name\"))");
                // a catalog of an earlier version has no layout column: its tables are of layout 2 (or 1, see load)
                st.execute("ALTER TABLE " + quote(Catalog.CATALOG_SCHEMA) + ".\"tables\" ADD COLUMN IF NOT EXISTS "
                        + "\"layout\" INT DEFAULT 2 NOT NULL");
                for (String[] f : new String[][] {{"from_milliseconds", "fromMilliseconds"}, {"from_nanoseconds", "fromNanoseconds"},
                        {"to_milliseconds", "toMilliseconds"}, {"to_nanoseconds", "toNanoseconds"},
                        {SqlFunctions.DOUBLE_FUNCTION, "bitsToDouble"}, {SqlFunctions.REGEXP_FUNCTION, "regexpLike"},
                        {SqlFunctions.BLOCK_TIME_FUNCTION, "blockTime"}, {SqlFunctions.BLOCK_VALUE_FUNCTION, "blockValue"}}) {
                    st.execute("CREATE ALIAS IF NOT EXISTS " + f[0] + " DETERMINISTIC FOR \"" + SqlFunctions.class.getName() + "." + f[1] + "\"");
                }
                // its rows depend on the statement: not deterministic
                st.execute("CREATE ALIAS IF NOT EXISTS " + SqlFunctions.HEADS_FUNCTION + " FOR \"" + SqlFunctions.class.getName() + ".heads\"");
            }
            load();
        } catch (SQLException | RuntimeException e) {
            keeper.close();
            throw e;
        }
    }

    private void load() throws SQLException {
        try (Statement st = keeper.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"name\", \"created\" FROM " + quote(Catalog.CATALOG_SCHEMA) + ".\"databases\"")) {
            while (rs.next()) {
                catalog.databases.put(rs.getString(1), new DatabaseMeta(rs.getString(1), rs.getLong(2)));
            }
        }
        List<String[]> tables = new ArrayList<>();
        try (Statement st = keeper.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"db\", \"name\", \"created\", \"value_types\", \"layout\" FROM " + quote(Catalog.CATALOG_SCHEMA) + ".\"tables\"")) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3)), rs.getString(4),
                    Integer.toString(rs.getInt(5))});
            }
        }
        for (String[] row : tables) {
            String db = row[0];
            String name = row[1];
            Set<MeasureValueType> types = EnumSet.noneOf(MeasureValueType.class);
            for (String t : row[3].split(",")) {
                if (!t.isEmpty()) {
                    types.add(MeasureValueType.fromValue(t));
                }
            }
            TableMeta meta = new TableMeta(db, name, Long.parseLong(row[2]), Set.of(), types);
            if (tableExists(Catalog.schemaName(db), name + Catalog.OLD_DATA_SUFFIX)) {
                LayoutConversion.convert(keeper, meta);
            }
            meta.setDimensions(dimensionColumns(meta));
            if (Integer.parseInt(row[4]) < LAYOUT) {
                LayoutConversion.toKeyed(keeper, meta);
            }
            loadSeries(meta);
            catalog.databases.get(db).tables.put(name, meta);
        }
    }

    private boolean tableExists(String schema, String table) throws SQLException {
        try (PreparedStatement ps = keeper.prepareStatement("SELECT 1 FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private Set<String> dimensionColumns(TableMeta t) throws SQLException {
        Set<String> dims = new TreeSet<>();
        try (PreparedStatement ps = keeper.prepareStatement("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, Catalog.schemaName(t.database));
            ps.setString(2, t.name + Catalog.SERIES_SUFFIX);
            try (ResultSet cols = ps.executeQuery()) {
                while (cols.next()) {
                    String c = cols.getString(1);
                    if (!TimestreamRules.isReservedName(c)) {
                        dims.add(c);
                    }
                }
            }
        }
        return dims;
    }

    /** Fills the table's in-memory series index from its series table. */
    private void loadSeries(TableMeta t) throws SQLException {
        try (Statement st = keeper.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + t.seriesTable())) {
            int n = rs.getMetaData().getColumnCount();
            String[] names = new String[n];
            for (int i = 0; i < n; i++) {
                names[i] = rs.getMetaData().getColumnName(i + 1);
            }
            long maxId = 0;
            while (rs.next()) {
                long id = 0;
                String measure = null;
                java.util.SortedMap<String, String> dims = new java.util.TreeMap<>();
                for (int i = 0; i < n; i++) {
                    if (names[i].equals(Catalog.SERIES_ID)) {
                        id = rs.getLong(i + 1);
                    } else if (names[i].equals(Catalog.MEASURE_NAME)) {
                        measure = rs.getString(i + 1);
                    } else {
                        String v = rs.getString(i + 1);
                        if (v != null) {
                            dims.put(names[i], v);
                        }
                    }
                }
                SeriesState state = new SeriesState(id, SeriesState.UNKNOWN);
                t.series.put(TimestreamRules.seriesKey(measure, dims), state);
                t.seriesById.put(id, state);
                maxId = Math.max(maxId, id);
            }
            t.nextSeriesId.set(maxId + 1);
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
                prepared.remove(c);
                c.close();
                return;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            idle.offerFirst(c);
        } catch (SQLException e) {
            prepared.remove(c);
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

    /** Writes everything committed to the file and syncs it (H2's {@code CHECKPOINT SYNC}). */
    void checkpoint() throws SQLException {
        Connection c = borrow();
        try (Statement st = c.createStatement()) {
            st.execute("CHECKPOINT SYNC");
        } finally {
            release(c);
        }
    }

    /** A prepared statement of a borrowed connection, kept with it for the next borrower; its batch is empty. */
    PreparedStatement prepare(Connection c, String sql) throws SQLException {
        Map<String, PreparedStatement> statements = prepared.computeIfAbsent(c, k -> new LinkedHashMap<>(16, 0.75f, true));
        PreparedStatement ps = statements.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = c.prepareStatement(sql);
            statements.put(sql, ps);
            if (statements.size() > PREPARED_PER_CONNECTION) {
                var eldest = statements.entrySet().iterator();
                PreparedStatement old = eldest.next().getValue();
                eldest.remove();
                old.close();
            }
        } else {
            // a write cut short by an error may have left rows in it
            ps.clearBatch();
        }
        return ps;
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
            try (Statement st = keeper.createStatement();
                 PreparedStatement ps = keeper.prepareStatement("INSERT INTO " + quote(Catalog.CATALOG_SCHEMA)
                         + ".\"tables\" (\"db\", \"name\", \"created\", \"value_types\", \"layout\") VALUES (?, ?, ?, '', " + LAYOUT + ")")) {
                createStorage(st, t);
                ps.setString(1, database);
                ps.setString(2, name);
                ps.setLong(3, now);
                ps.executeUpdate();
            }
            db.tables.put(name, t);
            return true;
        }
    }

    /** Creates the series table, the points and samples tables and the view of a table without dimensions yet. */
    static void createStorage(Statement st, TableMeta t) throws SQLException {
        st.execute("CREATE TABLE " + t.seriesTable() + " (" + quote(Catalog.SERIES_ID) + " BIGINT PRIMARY KEY, "
                + quote(Catalog.MEASURE_NAME) + " VARCHAR NOT NULL)");
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(t.samplesTable()).append(" (")
                .append(quote(Catalog.SERIES_ID)).append(" BIGINT NOT NULL, ")
                .append(quote(Catalog.TIME)).append(" TIMESTAMP(9) NOT NULL, ");
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            ddl.append(quote(Catalog.storageColumn(type))).append(' ').append(Catalog.sqlType(type)).append(", ");
        }
        ddl.append(quote(Catalog.VERSION)).append(" BIGINT NOT NULL, PRIMARY KEY (")
                .append(quote(Catalog.SERIES_ID)).append(", ").append(quote(Catalog.TIME)).append("))");
        st.execute(ddl.toString());
        createPoints(st, t);
        st.execute(viewDdl(t));
    }

    /**
     * Creates the points table if it is missing (one BIGINT key, the value columns and the version), and the
     * blocks table (see {@link SampleBlock}).
     */
    static void createPoints(Statement st, TableMeta t) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(t.pointsTable()).append(" (")
                .append(quote(Catalog.KEY)).append(" BIGINT PRIMARY KEY, ");
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            ddl.append(quote(Catalog.storageColumn(type))).append(' ').append(Catalog.sqlType(type)).append(", ");
        }
        ddl.append(quote(Catalog.VERSION)).append(" BIGINT NOT NULL)");
        st.execute(ddl.toString());
        st.execute("CREATE TABLE IF NOT EXISTS " + t.blocksTable() + " (" + quote(Catalog.KEY) + " BIGINT PRIMARY KEY, "
                + quote(Catalog.BLOCK_LAST) + " BIGINT NOT NULL, " + quote(Catalog.BLOCK_COUNT) + " INT NOT NULL, "
                + quote(Catalog.BLOCK_DATA) + " VARBINARY NOT NULL)");
    }

    static String viewDdl(TableMeta t) {
        return "CREATE OR REPLACE VIEW " + t.view() + " AS " + viewQuery(t, 0, Catalog.KEY_TIME_LIMIT - 1);
    }

    /**
     * The query behind a table's view, with the points of each series read as one primary-key range: the
     * milliseconds {@code [fromMillis, toMillis]} of it ({@code [0, 2^42)} for the view itself; a narrower range
     * prunes a query whose WHERE allows no other time, see {@link SqlTranslator}). H2 reads each series' range by
     * key, series by series, instead of scanning the points.
     */
    static String viewQuery(TableMeta t, long fromMillis, long toMillis) {
        String base = seriesBase("s");
        StringBuilder sb = branches(t, t.seriesTable(), base + " + " + fromMillis, base + " + " + toMillis, null)
                .append(" FROM ").append(t.samplesTable()).append(" d JOIN ").append(t.seriesTable());
        sb.append(" s ON s.").append(quote(Catalog.SERIES_ID)).append(" = d.").append(quote(Catalog.SERIES_ID));
        boolean filter = fromMillis > 0 || toMillis < Catalog.KEY_TIME_LIMIT - 1;
        blocksBranch(sb, t, t.seriesTable(), base + " + " + blockFrom(fromMillis), base + " + " + toMillis, fromMillis, toMillis, filter);
        return headsBranch(sb, t, t.seriesTable(), fromMillis, toMillis, filter).toString();
    }

    /**
     * Appends {@code UNION ALL} and the branch of the table's heads, as the statement's session was given them
     * (see {@link SqlFunctions#heads}), with only the samples in {@code [fromMillis, toMillis]} when {@code filter}.
     */
    private static StringBuilder headsBranch(StringBuilder sb, TableMeta t, String series, long fromMillis, long toMillis, boolean filter) {
        sb.append(" UNION ALL SELECT ");
        appendColumns(sb, t.visibleColumns(), "CAST(DATEADD(MILLISECOND, h.\"ts_ms\", TIMESTAMP '1970-01-01 00:00:00') AS TIMESTAMP(9)) AS "
                + quote(Catalog.TIME), type -> type == MeasureValueType.DOUBLE ? "h.\"ts_bits\"" : null);
        sb.append(" FROM ").append(series).append(" s JOIN ").append(SqlFunctions.HEADS_FUNCTION).append("(")
                .append(literal(t.database)).append(", ").append(literal(t.name)).append(") h ON h.\"ts_id\" = s.")
                .append(quote(Catalog.SERIES_ID));
        if (filter) {
            sb.append(" AND h.\"ts_ms\" BETWEEN ").append(fromMillis).append(" AND ").append(toMillis);
        }
        return sb;
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** The first millisecond of the blocks that can hold samples from {@code fromMillis} on. */
    private static long blockFrom(long fromMillis) {
        return Math.max(0, fromMillis - SampleBlock.SPAN_MILLIS + 1);
    }

    /**
     * Appends {@code UNION ALL} and the branch of the blocks table, one row per sample of each block whose key is
     * in {@code [fromKey, toKey]} (H2 has no lateral join: each block is joined with the row numbers below its
     * count), with only the samples in {@code [fromMillis, toMillis]} when {@code filter}.
     */
    private static StringBuilder blocksBranch(StringBuilder sb, TableMeta t, String series, String fromKey, String toKey,
                                              long fromMillis, long toMillis, boolean filter) {
        String time = SqlFunctions.BLOCK_TIME_FUNCTION + "(b." + quote(Catalog.BLOCK_DATA) + ", CAST(x.ts_i AS INT))";
        sb.append(" UNION ALL SELECT ");
        appendColumns(sb, t.visibleColumns(), "CAST(DATEADD(MILLISECOND, " + time + ", TIMESTAMP '1970-01-01 00:00:00') AS TIMESTAMP(9)) AS "
                + quote(Catalog.TIME), type -> type == MeasureValueType.DOUBLE
                ? SqlFunctions.BLOCK_VALUE_FUNCTION + "(b." + quote(Catalog.BLOCK_DATA) + ", CAST(x.ts_i AS INT))" : null);
        sb.append(" FROM ").append(series).append(" s JOIN ").append(t.blocksTable()).append(" b ON b.")
                .append(quote(Catalog.KEY)).append(" >= ").append(fromKey).append(" AND b.").append(quote(Catalog.KEY))
                .append(" <= ").append(toKey).append(" AND b.").append(quote(Catalog.BLOCK_LAST)).append(" >= ").append(fromMillis)
                .append(" JOIN SYSTEM_RANGE(0, ").append(SampleBlock.MAX_SAMPLES - 1).append(") x(ts_i) ON x.ts_i < b.")
                .append(quote(Catalog.BLOCK_COUNT));
        if (filter) {
            sb.append(" AND ").append(time).append(" BETWEEN ").append(fromMillis).append(" AND ").append(toMillis);
        }
        return sb;
    }

    /**
     * The query behind a table's view for a query whose conditions on the series and on time the translation took
     * out of its WHERE (see {@link SqlTranslator.Pushdown}): each series is tested against {@code seriesWhere} (H2
     * SQL over the series table's columns; null for every series) and its key range computed once, before any of
     * its samples is read; the time bounds are that key range in the points table and an index range in the
     * samples table. With {@code keyedTime} the time is two columns, the points' key ({@link Catalog#KEY}, null
     * for a row of the samples table) and the samples' time (null for a point), which the engine formats into one
     * (see {@link QueryEngine}), instead of a timestamp H2 derives from the key for every row; and two more columns
     * end each row: a block ({@link Catalog#BLOCK_DATA}) whose samples the engine reads out of it, one row per
     * block, and the id of a matching series ({@link Catalog#HEAD_SERIES}) whose head the engine adds, one row per
     * series (see {@link Catalog.SeriesState}).
     */
    static String viewQuery(TableMeta t, SqlTranslator.TimeBounds bounds, String seriesWhere, boolean keyedTime) {
        String base = seriesBase(t.seriesTable());
        String series = "(SELECT *, " + base + " + " + bounds.fromMillis() + " AS " + quote(KEY_FROM) + ", " + base + " + "
                + bounds.toMillis() + " AS " + quote(KEY_TO) + ", " + base + " + " + blockFrom(bounds.fromMillis()) + " AS "
                + quote(BLOCK_FROM) + " FROM " + t.seriesTable() + (seriesWhere == null ? "" : " WHERE " + seriesWhere) + ")";
        String tail = keyedTime ? ", CAST(NULL AS VARBINARY) AS " + quote(Catalog.BLOCK_DATA) + ", CAST(NULL AS BIGINT) AS "
                + quote(Catalog.HEAD_SERIES) : "";
        StringBuilder sb = branches(t, series, "s." + quote(KEY_FROM), "s." + quote(KEY_TO), keyedTime ? new String[] {
            "d." + quote(Catalog.KEY) + " AS " + quote(Catalog.KEY) + ", CAST(NULL AS TIMESTAMP(9)) AS " + quote(Catalog.TIME),
            "CAST(NULL AS BIGINT), d." + quote(Catalog.TIME)} : null, tail)
                .append(" FROM ").append(series).append(" s JOIN ").append(t.samplesTable()).append(" d ON d.")
                .append(quote(Catalog.SERIES_ID)).append(" = s.").append(quote(Catalog.SERIES_ID));
        String time = " AND d." + quote(Catalog.TIME);
        if (bounds.fromNanos() != Long.MIN_VALUE) {
            sb.append(time).append(" >= TIMESTAMP '").append(QueryEngine.formatTime(toTime(bounds.fromNanos()))).append('\'');
        }
        if (bounds.toNanos() != Long.MAX_VALUE) {
            sb.append(time).append(" <= TIMESTAMP '").append(QueryEngine.formatTime(toTime(bounds.toNanos()))).append('\'');
        }
        if (!keyedTime) {
            blocksBranch(sb, t, series, "s." + quote(BLOCK_FROM), "s." + quote(KEY_TO), bounds.fromMillis(), bounds.toMillis(), true);
            return headsBranch(sb, t, series, bounds.fromMillis(), bounds.toMillis(), true).toString();
        }
        String noTime = "CAST(NULL AS BIGINT) AS " + quote(Catalog.KEY) + ", CAST(NULL AS TIMESTAMP(9)) AS " + quote(Catalog.TIME);
        sb.append(" UNION ALL SELECT ");
        appendColumns(sb, t.visibleColumns(), noTime, type -> null);
        sb.append(", b.").append(quote(Catalog.BLOCK_DATA)).append(", CAST(NULL AS BIGINT) FROM ").append(series)
                .append(" s JOIN ").append(t.blocksTable()).append(" b ON b.").append(quote(Catalog.KEY)).append(" >= s.")
                .append(quote(BLOCK_FROM)).append(" AND b.").append(quote(Catalog.KEY)).append(" <= s.").append(quote(KEY_TO))
                .append(" AND b.").append(quote(Catalog.BLOCK_LAST)).append(" >= ").append(bounds.fromMillis());
        sb.append(" UNION ALL SELECT ");
        appendColumns(sb, t.visibleColumns(), noTime, type -> null);
        sb.append(", CAST(NULL AS VARBINARY), s.").append(quote(Catalog.SERIES_ID)).append(" FROM ").append(series).append(" s");
        return sb.toString();
    }

    /** Columns of a pushed-down table query holding each series' first and last key to read. */
    private static final String KEY_FROM = "ts_key_from";
    private static final String KEY_TO = "ts_key_to";
    /** Column of a pushed-down table query holding the first key of the blocks to read. */
    private static final String BLOCK_FROM = "ts_block_from";

    /** The first key of a series of {@code table}; ids without keys get a range below every key (and no overflow). */
    private static String seriesBase(String table) {
        String id = table + "." + quote(Catalog.SERIES_ID);
        return "CASE WHEN " + id + " < " + Catalog.KEY_SERIES_LIMIT + " THEN " + id + " * " + Catalog.KEY_TIME_LIMIT
                + " ELSE " + -Catalog.KEY_TIME_LIMIT + " END";
    }

    private static StringBuilder branches(TableMeta t, String series, String fromKey, String toKey, String[] keyedTime) {
        return branches(t, series, fromKey, toKey, keyedTime, "");
    }

    /**
     * {@code SELECT <columns> FROM <series> s JOIN <points> d ON d.key BETWEEN <from> AND <to> UNION ALL SELECT
     * <columns>}: the view's first branch and the column list of its second, whose FROM the caller appends; the
     * time columns of each branch are {@code time}, or the two of {@code keyedTime}; {@code tail} ends each list.
     */
    private static StringBuilder branches(TableMeta t, String series, String fromKey, String toKey, String[] keyedTime, String tail) {
        List<String[]> cols = t.visibleColumns();
        java.util.function.Function<MeasureValueType, String> stored = type -> "d." + quote(Catalog.storageColumn(type));
        StringBuilder sb = new StringBuilder("SELECT ");
        appendColumns(sb, cols, keyedTime != null ? keyedTime[0] : "CAST(DATEADD(MILLISECOND, BITAND(d." + quote(Catalog.KEY) + ", "
                + (Catalog.KEY_TIME_LIMIT - 1) + "), TIMESTAMP '1970-01-01 00:00:00') AS TIMESTAMP(9)) AS " + quote(Catalog.TIME), stored);
        sb.append(tail).append(" FROM ").append(series).append(" s JOIN ").append(t.pointsTable()).append(" d ON d.")
                .append(quote(Catalog.KEY)).append(" >= ").append(fromKey)
                .append(" AND d.").append(quote(Catalog.KEY)).append(" <= ").append(toKey)
                .append(" UNION ALL SELECT ");
        appendColumns(sb, cols, keyedTime != null ? keyedTime[1] : "d." + quote(Catalog.TIME) + " AS " + quote(Catalog.TIME), stored);
        return sb.append(tail);
    }

    /**
     * The visible columns from series {@code s}, the time as {@code time} gives it and each value column as
     * {@code value} gives it for its type (null: a NULL of the column's type).
     */
    private static void appendColumns(StringBuilder sb, List<String[]> cols, String time,
                                      java.util.function.Function<MeasureValueType, String> value) {
        for (int i = 0; i < cols.size(); i++) {
            String name = cols.get(i)[0];
            sb.append(i == 0 ? "" : ", ");
            if (name.equals(Catalog.TIME)) {
                sb.append(time);
            } else if (name.startsWith("measure_value::")) {
                MeasureValueType type = MeasureValueType.fromValue(cols.get(i)[1].toUpperCase(java.util.Locale.ROOT));
                String v = value.apply(type);
                sb.append(v != null ? v : "CAST(NULL AS " + Catalog.sqlType(type) + ")").append(" AS ").append(quote(name));
            } else {
                sb.append("s.").append(quote(name));
            }
        }
    }

    /**
     * Adds dimension columns (to the series table only) and value types the table has not seen yet.
     * The caller holds the table's write lock.
     */
    void evolve(TableMeta t, Set<String> newDims, Set<MeasureValueType> newTypes) throws SQLException {
        synchronized (ddlLock) {
            Set<String> dims = new TreeSet<>(t.dimensions());
            Set<MeasureValueType> types = t.valueTypes().isEmpty() ? EnumSet.noneOf(MeasureValueType.class) : EnumSet.copyOf(t.valueTypes());
            try (Statement st = keeper.createStatement()) {
                for (String d : newDims) {
                    if (dims.add(d)) {
                        st.execute("ALTER TABLE " + t.seriesTable() + " ADD COLUMN IF NOT EXISTS " + quote(d) + " VARCHAR");
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
                t.schemaVersion++;
            }
        }
    }

    // ---- records ------------------------------------------------------------------------------

    /** Result of storing the valid records of one call. */
    record StoreResult(int ingested, List<RejectedRecord> rejected) {
    }

    /**
     * Stores records that passed the stateless rules, applying Timestream's duplicate and version rules
     * against stored data, in one transaction. A record newer than its series' last sample is appended without
     * a lookup: a DOUBLE of the default version at a whole millisecond to the series' head (see
     * {@link Catalog.SeriesState}), which becomes a block once full, others to the points or samples table. The
     * caller holds the table's read lock and has added all needed columns.
     */
    StoreResult store(TableMeta t, List<TimestreamRules.ValidRecord> records) throws SQLException {
        List<SeriesState> states = series(t, records);
        List<Entry> entries = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            TimestreamRules.ValidRecord r = records.get(i);
            entries.add(new Entry(r, states.get(i), Catalog.key(states.get(i).id(), r.timeNanos())));
        }
        // A fixed insertion order keeps concurrent writers from deadlocking on each other's keys.
        entries.sort((a, b) -> {
            int c = Long.compare(a.series.id(), b.series.id());
            return c != 0 ? c : Long.compare(a.record.timeNanos(), b.record.timeNanos());
        });
        t.heads.lock();
        try {
            if (closing) {
                throw new SQLException("The local Timestream engine is closed.");
            }
            return storeLocked(t, entries);
        } finally {
            t.heads.unlock();
        }
    }

    /** Whether a record can be kept in a block: a DOUBLE of the default version with a key. */
    private static boolean blockable(Entry e) {
        return e.key >= 0 && e.record.type() == MeasureValueType.DOUBLE && e.record.version() == TimestreamRules.DEFAULT_VERSION;
    }

    /** The write-log segment appends go to now; 0 without a log. */
    private volatile java.util.function.LongSupplier segment = () -> 0;

    void segment(java.util.function.LongSupplier current) {
        this.segment = current;
    }

    private StoreResult storeLocked(TableMeta t, List<Entry> entries) throws SQLException {
        SQLException last = null;
        for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
            Connection c = borrow();
            try {
                SampleStatements points = new SampleStatements(c, true, t);
                SampleStatements samples = new SampleStatements(c, false, t);
                BlockStatements blocks = new BlockStatements(c, t);
                c.setAutoCommit(false);
                List<RejectedRecord> rejected = new ArrayList<>();
                Map<SeriesState, HeadChange> heads = new LinkedHashMap<>();
                int ingested = 0;
                for (Entry e : entries) {
                    TimestreamRules.ValidRecord r = e.record;
                    SeriesState s = e.series;
                    SampleStatements target = e.key >= 0 ? points : samples;
                    if (s.lastNanos() == SeriesState.UNKNOWN) {
                        lookUp(c, t, s);
                    }
                    // after a conflict the fast paths are off: another writer may have appended the same key.
                    // A block sample newer than everything outside the head and not in it is new: it joins the head,
                    // also when calls of one request are stored out of order
                    if (attempt == 0 && blockable(e) && r.timeNanos() > s.outsideLastNanos && millisOf(e) > s.blockLastMillis
                            && s.headIndex(millisOf(e)) < 0) {
                        heads.computeIfAbsent(s, HeadChange::new).appends.add(e);
                        ingested++;
                        continue;
                    }
                    if (attempt == 0 && r.timeNanos() > s.lastNanos() && !blockable(e)) {
                        stored(s, r.timeNanos());
                        target.insert(e);
                        ingested++;
                        continue;
                    }
                    StoredSample existing = null;
                    BlockHit hit = null;
                    boolean inHead = false;
                    if (e.key >= 0) {
                        long millis = r.timeNanos() / 1_000_000L;
                        int i = s.headIndex(millis);
                        if (i >= 0) {
                            existing = new StoredSample(Double.longBitsToDouble(s.headBits[i]), TimestreamRules.DEFAULT_VERSION);
                            inHead = true;
                        } else if ((hit = blocks.find(s, millis)) != null) {
                            existing = new StoredSample(Double.longBitsToDouble(hit.bits[hit.index]), TimestreamRules.DEFAULT_VERSION);
                        }
                    }
                    if (existing == null) {
                        existing = target.find(e);
                    }
                    if (existing == null) {
                        stored(s, r.timeNanos());
                        target.insert(e);
                        ingested++;
                    } else if (Objects.equals(existing.value(), r.value()) && r.version() <= existing.version()) {
                        ingested++; // identical record: Timestream accepts it again without change
                    } else if (r.version() > existing.version()) {
                        stored(s, r.timeNanos());
                        if (inHead) {
                            heads.computeIfAbsent(s, HeadChange::new).removals.add(r.timeNanos() / 1_000_000L);
                            target.insert(e);
                        } else if (hit != null) {
                            blocks.remove(s, hit);
                            target.insert(e);
                        } else {
                            target.update(e);
                        }
                        ingested++;
                    } else {
                        rejected.add(TimestreamRules.rejection(r.index(),
                                "A record with the same dimensions, time and measure name but a different measure value "
                                        + "already exists with version " + existing.version()
                                        + ". Write it with a higher version to update it.",
                                existing.version()));
                    }
                }
                for (HeadChange h : heads.values()) {
                    h.plan(blocks);
                }
                points.flush();
                samples.flush();
                // an over-estimate of a series' last time is safe (the next write just looks up), so advance first
                for (Entry e : entries) {
                    e.series.advance(e.record.timeNanos());
                }
                c.commit();
                long pin = segment.getAsLong();
                long now = System.currentTimeMillis();
                for (HeadChange h : heads.values()) {
                    t.headSamples.addAndGet(h.apply(pin, now));
                }
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

    /**
     * What one call does to a series' head: samples appended and samples removed (superseded by a higher version,
     * now in the points table). {@link #plan} writes the blocks that fill up in the call's transaction;
     * {@link #apply} changes the head in memory once that transaction committed.
     */
    private static final class HeadChange {
        final SeriesState series;
        final List<Entry> appends = new ArrayList<>();
        final Set<Long> removals = new HashSet<>();
        /** The head after the call, when it is not the head plus the appends; null until planned. */
        long[] millis;
        long[] bits;
        int size;
        long lastBlockKey = -1;
        int lastBlockCount;

        HeadChange(SeriesState series) {
            this.series = series;
        }

        /** Whether the head after the call keeps samples of the head before it (and so its write-log segment). */
        boolean keepsOld;

        void plan(BlockStatements blocks) throws SQLException {
            SeriesState s = series;
            int k = appends.size();
            int h = s.headSize;
            boolean ordered = k == 0 || h == 0 || millisOf(appends.get(0)) > s.headMillis[h - 1];
            if (removals.isEmpty() && ordered && (k == 0 || (h + k <= SampleBlock.MAX_SAMPLES
                    && millisOf(appends.get(k - 1)) - (h > 0 ? s.headMillis[0] : millisOf(appends.get(0))) < SampleBlock.SPAN_MILLIS))) {
                return; // the appends fit the head
            }
            // the head (without the samples removed) and the appends, merged in time order
            int total = h + k;
            long[] m = new long[total];
            long[] b = new long[total];
            boolean[] old = new boolean[total];
            int n = 0;
            int j = 0;
            for (int i = 0; i <= h; i++) {
                long next = i < h ? s.headMillis[i] : Long.MAX_VALUE;
                while (j < k && millisOf(appends.get(j)) < next) {
                    Entry e = appends.get(j++);
                    m[n] = millisOf(e);
                    b[n++] = Double.doubleToRawLongBits((Double) e.record.value());
                }
                if (i < h && !removals.contains(next)) {
                    m[n] = next;
                    b[n] = s.headBits[i];
                    old[n++] = true;
                }
            }
            int start = 0;
            for (int x = 1; x < n; x++) {
                if (x - start == SampleBlock.MAX_SAMPLES || m[x] - m[start] >= SampleBlock.SPAN_MILLIS) {
                    lastBlockKey = blocks.insert(s, m, b, start, x - start);
                    s.blockLastMillis = Math.max(s.blockLastMillis, m[x - 1]);
                    lastBlockCount = x - start;
                    start = x;
                }
            }
            for (int x = start; x < n; x++) {
                keepsOld |= old[x];
            }
            millis = java.util.Arrays.copyOfRange(m, start, Math.max(start + SampleBlock.MAX_SAMPLES, n));
            bits = java.util.Arrays.copyOfRange(b, start, Math.max(start + SampleBlock.MAX_SAMPLES, n));
            size = n - start;
        }

        /** Changes the head; returns the change in its number of samples. */
        int apply(long pin, long nowMillis) {
            SeriesState s = series;
            int before = s.headSize;
            boolean fresh;
            if (millis == null) {
                fresh = before == 0 && !appends.isEmpty();
                for (Entry e : appends) {
                    s.headAppend(millisOf(e), Double.doubleToRawLongBits((Double) e.record.value()));
                }
            } else {
                // a head that kept none of the old head's samples holds only this call's: its segment is the current one
                fresh = !keepsOld;
                s.headMillis = millis;
                s.headBits = bits;
                s.headSize = size;
                if (lastBlockKey >= 0) {
                    s.lastBlockKey = lastBlockKey;
                    s.lastBlockCount = lastBlockCount;
                }
            }
            if (fresh && s.headSize > 0) {
                s.headPin = pin;
                s.headSinceMillis = nowMillis;
            }
            return s.headSize - before;
        }
    }

    private static long millisOf(Entry e) {
        return e.record.timeNanos() / 1_000_000L;
    }

    /** A block of a series holding a time: its key, its samples and the index of that time. */
    private record BlockHit(long key, long[] millis, long[] bits, int count, int index) {
    }

    /** The write path's statements on a table's blocks table. */
    private final class BlockStatements {
        private final Connection connection;
        private final TableMeta table;

        BlockStatements(Connection connection, TableMeta table) {
            this.connection = connection;
            this.table = table;
        }

        /** The block of a series holding a millisecond, or null. */
        BlockHit find(SeriesState s, long millis) throws SQLException {
            PreparedStatement ps = prepare(connection, "SELECT " + quote(Catalog.KEY) + ", " + quote(Catalog.BLOCK_LAST) + ", "
                    + quote(Catalog.BLOCK_DATA) + " FROM " + table.blocksTable() + " WHERE " + quote(Catalog.KEY) + " <= ? AND "
                    + quote(Catalog.KEY) + " >= ? ORDER BY " + quote(Catalog.KEY) + " DESC LIMIT 1");
            long base = s.id() << Catalog.KEY_TIME_BITS;
            ps.setLong(1, base | millis);
            ps.setLong(2, base | Math.max(0, millis - SampleBlock.SPAN_MILLIS + 1));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(2) < millis) {
                    return null;
                }
                long[] m = new long[SampleBlock.MAX_SAMPLES];
                long[] b = new long[SampleBlock.MAX_SAMPLES];
                int n = SampleBlock.decode(rs.getBytes(3), m, b);
                int i = java.util.Arrays.binarySearch(m, 0, n, millis);
                return i < 0 ? null : new BlockHit(rs.getLong(1), m, b, n, i);
            }
        }

        /** Writes a block of samples {@code [from, from + n)}; returns its key. */
        long insert(SeriesState s, long[] millis, long[] bits, int from, int n) throws SQLException {
            PreparedStatement ps = prepare(connection, "INSERT INTO " + table.blocksTable() + " VALUES (?, ?, ?, ?)");
            long key = (s.id() << Catalog.KEY_TIME_BITS) | millis[from];
            ps.setLong(1, key);
            ps.setLong(2, millis[from + n - 1]);
            ps.setInt(3, n);
            ps.setBytes(4, SampleBlock.encode(millis, bits, from, n));
            ps.executeUpdate();
            return key;
        }

        void delete(long key) throws SQLException {
            PreparedStatement ps = prepare(connection, "DELETE FROM " + table.blocksTable() + " WHERE " + quote(Catalog.KEY) + " = ?");
            ps.setLong(1, key);
            ps.executeUpdate();
        }

        /** Rewrites a block without one of its samples. */
        void remove(SeriesState s, BlockHit hit) throws SQLException {
            delete(hit.key);
            long[] m = new long[hit.count - 1];
            long[] b = new long[hit.count - 1];
            for (int i = 0, j = 0; i < hit.count; i++) {
                if (i != hit.index) {
                    m[j] = hit.millis[i];
                    b[j++] = hit.bits[i];
                }
            }
            if (m.length > 0) {
                insert(s, m, b, 0, m.length);
            }
            s.lastBlockKey = -1; // no merging into it: it may have changed
        }

        /**
         * Writes a head as a block, merged into the series' newest block when this process wrote that one, it has
         * room and the span allows; returns the key and the number of samples of the block written.
         */
        long[] flush(SeriesState s) throws SQLException {
            int n = s.headSize;
            if (s.lastBlockKey >= 0 && s.lastBlockCount + n <= SampleBlock.MAX_SAMPLES
                    && s.headMillis[n - 1] - (s.lastBlockKey & (Catalog.KEY_TIME_LIMIT - 1)) < SampleBlock.SPAN_MILLIS) {
                PreparedStatement ps = prepare(connection, "SELECT " + quote(Catalog.BLOCK_DATA) + " FROM " + table.blocksTable()
                        + " WHERE " + quote(Catalog.KEY) + " = ?");
                ps.setLong(1, s.lastBlockKey);
                byte[] old = null;
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        old = rs.getBytes(1);
                    }
                }
                if (old != null && SampleBlock.count(old) == s.lastBlockCount) {
                    long[] m = new long[SampleBlock.MAX_SAMPLES];
                    long[] b = new long[SampleBlock.MAX_SAMPLES];
                    int had = SampleBlock.decode(old, m, b);
                    System.arraycopy(s.headMillis, 0, m, had, n);
                    System.arraycopy(s.headBits, 0, b, had, n);
                    delete(s.lastBlockKey);
                    return new long[] {insert(s, m, b, 0, had + n), had + n};
                }
            }
            return new long[] {insert(s, s.headMillis, s.headBits, 0, n), n};
        }
    }

    /**
     * Writes the heads of a table's series that {@code which} picks as blocks, in one transaction; returns the
     * number of samples moved. Takes the table's heads lock.
     */
    long flushHeads(TableMeta t, java.util.function.Predicate<SeriesState> which) throws SQLException {
        if (t.headSamples.get() == 0) {
            return 0;
        }
        t.heads.lock();
        try {
            List<SeriesState> picked = new ArrayList<>();
            for (SeriesState s : t.series.values()) {
                if (s.headSize > 0 && which.test(s)) {
                    picked.add(s);
                }
            }
            if (picked.isEmpty()) {
                return 0;
            }
            picked.sort((a, b) -> Long.compare(a.id(), b.id()));
            Connection c = borrow();
            long[][] written = new long[picked.size()][];
            try {
                c.setAutoCommit(false);
                BlockStatements blocks = new BlockStatements(c, t);
                for (int i = 0; i < picked.size(); i++) {
                    written[i] = blocks.flush(picked.get(i));
                }
                c.commit();
            } finally {
                release(c); // rolls back what did not commit
            }
            long moved = 0;
            for (int i = 0; i < picked.size(); i++) {
                SeriesState s = picked.get(i);
                moved += s.headSize;
                s.blockLastMillis = Math.max(s.blockLastMillis, s.headMillis[s.headSize - 1]);
                s.lastBlockKey = written[i][0];
                s.lastBlockCount = (int) written[i][1];
                s.headRelease();
            }
            t.headSamples.addAndGet(-moved);
            return moved;
        } finally {
            t.heads.unlock();
        }
    }

    /** Writes every head of every table as blocks. */
    void flushAllHeads() throws SQLException {
        for (DatabaseMeta db : catalog.databases.values()) {
            for (TableMeta t : db.tables.values()) {
                flushHeads(t, s -> true);
            }
        }
    }

    /** Samples in heads, over all tables. */
    long headSamples() {
        long n = 0;
        for (DatabaseMeta db : catalog.databases.values()) {
            for (TableMeta t : db.tables.values()) {
                n += t.headSamples.get();
            }
        }
        return n;
    }

    /** The oldest write-log segment a head's sample is in, or {@code Long.MAX_VALUE}. */
    long oldestHeadPin() {
        long min = Long.MAX_VALUE;
        for (DatabaseMeta db : catalog.databases.values()) {
            for (TableMeta t : db.tables.values()) {
                if (t.headSamples.get() == 0) {
                    continue;
                }
                t.heads.lock();
                try {
                    for (SeriesState s : t.series.values()) {
                        if (s.headSize > 0) {
                            min = Math.min(min, s.headPin);
                        }
                    }
                } finally {
                    t.heads.unlock();
                }
            }
        }
        return min;
    }

    /**
     * Starts a read's snapshot and copies the heads of its tables' series, by table and series id, under the
     * tables' heads locks (in a fixed order), so that no head moves into a block between the copy and the
     * snapshot: the transaction of {@code c} (of snapshot isolation) takes it with its first statement, which is
     * {@code seriesQuery} when given (of one table: the ids of the only series whose heads are copied), else one
     * that reads nothing. The read's own statement runs after, without the locks.
     */
    Map<TableMeta, Map<Long, long[][]>> copyHeads(java.util.Collection<TableMeta> tables, Connection c, String seriesQuery)
            throws SQLException {
        List<TableMeta> sorted = new ArrayList<>(tables);
        sorted.sort(java.util.Comparator.comparing((TableMeta m) -> m.database).thenComparing(m -> m.name));
        List<TableMeta> locked = new ArrayList<>();
        try {
            for (TableMeta t : sorted) {
                t.heads.lock();
                locked.add(t);
            }
            List<Long> ids = seriesQuery == null ? null : new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(seriesQuery != null ? seriesQuery : "SELECT 1")) {
                while (ids != null && rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            Map<TableMeta, Map<Long, long[][]>> out = new java.util.HashMap<>();
            for (TableMeta t : sorted) {
                Map<Long, long[][]> copies = new java.util.HashMap<>();
                if (t.headSamples.get() > 0) {
                    for (SeriesState s : ids == null ? t.series.values() : seriesOf(t, ids)) {
                        if (s.headSize > 0) {
                            copies.put(s.id(), new long[][] {java.util.Arrays.copyOf(s.headMillis, s.headSize),
                                java.util.Arrays.copyOf(s.headBits, s.headSize)});
                        }
                    }
                }
                out.put(t, copies);
            }
            return out;
        } finally {
            for (TableMeta t : locked) {
                t.heads.unlock();
            }
        }
    }

    private static List<SeriesState> seriesOf(TableMeta t, List<Long> ids) {
        List<SeriesState> out = new ArrayList<>(ids.size());
        for (long id : ids) {
            SeriesState s = t.seriesById.get(id);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** The ids of a table's series that {@code seriesWhere} (null: all) selects, for {@link #copyHeads}. */
    static String seriesIds(TableMeta t, String seriesWhere) {
        return "SELECT " + quote(Catalog.SERIES_ID) + " FROM " + t.seriesTable() + (seriesWhere == null ? "" : " WHERE " + seriesWhere);
    }

    /** A stored sample's value and version. */
    private record StoredSample(Object value, long version) {
    }

    /** Rows per INSERT statement, largest first: a call's new samples go in a few multi-row statements. */
    private static final int[] INSERT_ROWS = {64, 16, 4, 1};

    /** The write path's SQL on the points table (keyed) or the samples table of a Timestream table. */
    private record SampleSql(boolean keyed, String[] insert, String select, String update) {
        static SampleSql of(TableMeta t, boolean keyed) {
            String table = keyed ? t.pointsTable() : t.samplesTable();
            String where = keyed ? quote(Catalog.KEY) + " = ?" : quote(Catalog.SERIES_ID) + " = ? AND " + quote(Catalog.TIME) + " = ?";
            int columns = Catalog.VALUE_TYPES.size() + (keyed ? 2 : 3);
            String row = "(?" + ", ?".repeat(columns - 1) + ")";
            String[] insert = new String[INSERT_ROWS.length];
            for (int i = 0; i < insert.length; i++) {
                insert[i] = "INSERT INTO " + table + " VALUES " + String.join(", ", java.util.Collections.nCopies(INSERT_ROWS[i], row));
            }
            return new SampleSql(keyed, insert,
                    "SELECT " + storageColumns() + ", " + quote(Catalog.VERSION) + " FROM " + table + " WHERE " + where,
                    "UPDATE " + table + " SET " + setStorageColumns() + ", " + quote(Catalog.VERSION) + " = ? WHERE " + where);
        }
    }

    /** The SQL of each table, built once: the names never change. */
    private final Map<TableMeta, SampleSql[]> sampleSql = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The statements of one call on the points table (a sample by its key) or the samples table (by series id and
     * time), taken from the connection's prepared ones when first needed; inserts and updates wait until
     * {@link #flush}, which writes the inserts in multi-row statements (H2 starts a statement once for all of
     * their rows).
     */
    private final class SampleStatements {
        private final Connection connection;
        private final SampleSql sql;
        private final List<Entry> inserts = new ArrayList<>();
        private PreparedStatement select;
        private PreparedStatement update;
        private int updates;

        SampleStatements(Connection connection, boolean keyed, TableMeta t) {
            this.connection = connection;
            this.sql = sampleSql.computeIfAbsent(t, k -> new SampleSql[] {SampleSql.of(k, false), SampleSql.of(k, true)})[keyed ? 1 : 0];
        }

        /** Binds the row's identity (key, or series id and time) from parameter {@code first}; returns the next one. */
        private int bindIdentity(PreparedStatement ps, int first, Entry e) throws SQLException {
            if (sql.keyed()) {
                ps.setLong(first, e.key);
                return first + 1;
            }
            ps.setLong(first, e.series.id());
            ps.setObject(first + 1, toTime(e.record.timeNanos()));
            return first + 2;
        }

        void insert(Entry e) {
            inserts.add(e);
        }

        StoredSample find(Entry e) throws SQLException {
            if (select == null) {
                select = prepare(connection, sql.select());
            }
            bindIdentity(select, 1, e);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new StoredSample(storedValue(rs), rs.getLong(Catalog.VALUE_TYPES.size() + 1)) : null;
            }
        }

        void update(Entry e) throws SQLException {
            if (update == null) {
                update = prepare(connection, sql.update());
            }
            int i = bindValues(update, 1, e.record);
            update.setLong(i++, e.record.version());
            bindIdentity(update, i, e);
            update.addBatch();
            updates++;
        }

        void flush() throws SQLException {
            int done = 0;
            while (done < inserts.size()) {
                int size = 0;
                while (INSERT_ROWS[size] > inserts.size() - done) {
                    size++;
                }
                PreparedStatement ps = prepare(connection, sql.insert()[size]);
                int p = 1;
                for (int r = 0; r < INSERT_ROWS[size]; r++) {
                    Entry e = inserts.get(done + r);
                    p = bindValues(ps, bindIdentity(ps, p, e), e.record);
                    ps.setLong(p++, e.record.version());
                }
                ps.executeUpdate();
                done += INSERT_ROWS[size];
            }
            inserts.clear();
            if (updates > 0) {
                update.executeBatch();
                updates = 0;
            }
        }
    }

    /**
     * The series of each record, in record order; series not seen before are created in one batch, committed
     * on its own so that it never waits for a sample batch (a series without samples reads as nothing).
     */
    private List<SeriesState> series(TableMeta t, List<TimestreamRules.ValidRecord> records) throws SQLException {
        List<SeriesState> out = new ArrayList<>(records.size());
        List<Integer> missing = null;
        for (int i = 0; i < records.size(); i++) {
            SeriesState s = t.series.get(records.get(i).seriesKey());
            if (s == null) {
                if (missing == null) {
                    missing = new ArrayList<>();
                }
                missing.add(i);
            }
            out.add(s);
        }
        if (missing == null) {
            return out;
        }
        synchronized (t) {
            List<String> dims = new ArrayList<>(t.dimensions());
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(t.seriesTable()).append(" (")
                    .append(quote(Catalog.SERIES_ID)).append(", ").append(quote(Catalog.MEASURE_NAME));
            for (String d : dims) {
                sql.append(", ").append(quote(d));
            }
            sql.append(") VALUES (?, ?").append(", ?".repeat(dims.size())).append(')');
            Map<String, SeriesState> created = new LinkedHashMap<>();
            Connection c = borrow();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i : missing) {
                    TimestreamRules.ValidRecord r = records.get(i);
                    String key = r.seriesKey();
                    if (t.series.containsKey(key) || created.containsKey(key)) {
                        continue;
                    }
                    long id = t.nextSeriesId.getAndIncrement();
                    ps.setLong(1, id);
                    ps.setString(2, r.measureName());
                    for (int d = 0; d < dims.size(); d++) {
                        ps.setString(3 + d, r.dimensions().get(dims.get(d)));
                    }
                    ps.addBatch();
                    created.put(key, new SeriesState(id, Long.MIN_VALUE));
                }
                if (!created.isEmpty()) {
                    ps.executeBatch();
                }
            } finally {
                release(c);
            }
            for (SeriesState s : created.values()) {
                t.seriesById.put(s.id(), s);
            }
            t.series.putAll(created);
            for (int i : missing) {
                out.set(i, t.series.get(records.get(i).seriesKey()));
            }
        }
        return out;
    }

    /** Marks a sample of a series stored in the points or samples table. */
    private static void stored(SeriesState s, long timeNanos) {
        s.outsideLastNanos = Math.max(s.outsideLastNanos, timeNanos);
    }

    /** Looks up the latest times of a series after a restart (see {@link SeriesState#outsideLastNanos}). */
    private static void lookUp(Connection c, TableMeta t, SeriesState s) throws SQLException {
        long[] last = lastTimes(c, t, s.id());
        s.outsideLastNanos = last[0];
        s.blockLastMillis = last[1];
        s.advance(Math.max(last[0], last[1] == Long.MIN_VALUE ? Long.MIN_VALUE : last[1] * 1_000_000L));
    }

    /** The latest sample time of a series in the points and samples tables (nanoseconds), and in its blocks (milliseconds). */
    private static long[] lastTimes(Connection c, TableMeta t, long seriesId) throws SQLException {
        long blockLast = Long.MIN_VALUE;
        long last = Long.MIN_VALUE;
        if (seriesId < Catalog.KEY_SERIES_LIMIT) {
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + quote(Catalog.KEY) + ") FROM " + t.pointsTable()
                    + " WHERE " + quote(Catalog.KEY) + " >= ? AND " + quote(Catalog.KEY) + " < ?")) {
                ps.setLong(1, seriesId << Catalog.KEY_TIME_BITS);
                ps.setLong(2, (seriesId + 1) << Catalog.KEY_TIME_BITS);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        long k = rs.getLong(1);
                        if (!rs.wasNull()) {
                            last = (k & (Catalog.KEY_TIME_LIMIT - 1)) * 1_000_000L;
                        }
                    }
                }
            }
            // a series' blocks follow each other in time: the one of the highest key holds its latest block sample
            try (PreparedStatement ps = c.prepareStatement("SELECT " + quote(Catalog.BLOCK_LAST) + " FROM " + t.blocksTable()
                    + " WHERE " + quote(Catalog.KEY) + " >= ? AND " + quote(Catalog.KEY) + " < ? ORDER BY " + quote(Catalog.KEY)
                    + " DESC LIMIT 1")) {
                ps.setLong(1, seriesId << Catalog.KEY_TIME_BITS);
                ps.setLong(2, (seriesId + 1) << Catalog.KEY_TIME_BITS);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        blockLast = rs.getLong(1);
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + quote(Catalog.TIME) + ") FROM " + t.samplesTable()
                + " WHERE " + quote(Catalog.SERIES_ID) + " = ?")) {
            ps.setLong(1, seriesId);
            try (ResultSet rs = ps.executeQuery()) {
                LocalDateTime max = rs.next() ? rs.getObject(1, LocalDateTime.class) : null;
                return new long[] {max == null ? last : Math.max(last, SqlFunctions.toNanoseconds(max)), blockLast};
            }
        }
    }

    /**
     * Deletes the samples of every series older than the cutoff; returns how many were deleted. In the points
     * table that is the front of each series' key range.
     */
    long deleteBefore(long cutoffNanos) throws SQLException {
        long deleted = 0;
        long cutoffPositive = Math.max(0, cutoffNanos);
        LocalDateTime cutoff = toTime(cutoffPositive);
        // points of whole milliseconds below this one are older than the cutoff
        long cutoffMillis = Math.min(Catalog.KEY_TIME_LIMIT, Math.floorDiv(cutoffPositive + 999_999L, 1_000_000L));
        for (DatabaseMeta db : catalog.databases.values()) {
            for (TableMeta t : db.tables.values()) {
                List<Long> ids = new ArrayList<>();
                for (SeriesState s : t.series.values()) {
                    ids.add(s.id());
                }
                Connection c = borrow();
                try (PreparedStatement samples = c.prepareStatement("DELETE FROM " + t.samplesTable() + " WHERE "
                        + quote(Catalog.SERIES_ID) + " = ? AND " + quote(Catalog.TIME) + " < ?");
                     PreparedStatement points = c.prepareStatement("DELETE FROM " + t.pointsTable() + " WHERE "
                        + quote(Catalog.KEY) + " >= ? AND " + quote(Catalog.KEY) + " < ?")) {
                    c.setAutoCommit(false);
                    int inBatch = 0;
                    for (long id : ids) {
                        samples.setLong(1, id);
                        samples.setObject(2, cutoff);
                        samples.addBatch();
                        if (id < Catalog.KEY_SERIES_LIMIT) {
                            points.setLong(1, id << Catalog.KEY_TIME_BITS);
                            points.setLong(2, (id << Catalog.KEY_TIME_BITS) + cutoffMillis);
                            points.addBatch();
                        }
                        if (++inBatch == 256) {
                            deleted += sum(samples.executeBatch()) + sum(points.executeBatch());
                            c.commit();
                            inBatch = 0;
                        }
                    }
                    if (inBatch > 0) {
                        deleted += sum(samples.executeBatch()) + sum(points.executeBatch());
                    }
                    c.commit();
                } finally {
                    release(c);
                }
                deleted += deleteBlocksBefore(t, cutoffMillis);
            }
        }
        return deleted;
    }

    /**
     * Deletes the block and head samples of a table older than the millisecond {@code cutoffMillis}: whole blocks,
     * and the one holding the cutoff rewritten without its older samples; a few hundred series per transaction,
     * each under the table's heads lock.
     */
    private long deleteBlocksBefore(TableMeta t, long cutoffMillis) throws SQLException {
        List<SeriesState> all = new ArrayList<>();
        for (SeriesState s : t.series.values()) {
            if (s.id() < Catalog.KEY_SERIES_LIMIT) {
                all.add(s);
            }
        }
        long deleted = 0;
        for (int from = 0; from < all.size(); from += 256) {
            t.heads.lock();
            Connection c = borrow();
            try {
                c.setAutoCommit(false);
                BlockStatements blocks = new BlockStatements(c, t);
                PreparedStatement old = prepare(c, "SELECT " + quote(Catalog.KEY) + ", " + quote(Catalog.BLOCK_LAST) + ", "
                        + quote(Catalog.BLOCK_COUNT) + ", " + quote(Catalog.BLOCK_DATA) + " FROM " + t.blocksTable() + " WHERE "
                        + quote(Catalog.KEY) + " >= ? AND " + quote(Catalog.KEY) + " < ?");
                List<Integer> headDrops = new ArrayList<>();
                for (SeriesState s : all.subList(from, Math.min(all.size(), from + 256))) {
                    long base = s.id() << Catalog.KEY_TIME_BITS;
                    old.setLong(1, base);
                    old.setLong(2, base + cutoffMillis);
                    List<long[]> whole = new ArrayList<>();
                    byte[] straddling = null;
                    long straddlingKey = 0;
                    try (ResultSet rs = old.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getLong(2) < cutoffMillis) {
                                whole.add(new long[] {rs.getLong(1), rs.getInt(3)});
                            } else {
                                straddlingKey = rs.getLong(1);
                                straddling = rs.getBytes(4);
                            }
                        }
                    }
                    for (long[] w : whole) {
                        blocks.delete(w[0]);
                        deleted += w[1];
                    }
                    if (straddling != null) {
                        long[] m = new long[SampleBlock.MAX_SAMPLES];
                        long[] b = new long[SampleBlock.MAX_SAMPLES];
                        int n = SampleBlock.decode(straddling, m, b);
                        int keep = 0;
                        while (m[keep] < cutoffMillis) {
                            keep++;
                        }
                        blocks.delete(straddlingKey);
                        blocks.insert(s, m, b, keep, n - keep);
                        deleted += keep;
                    }
                    if (!whole.isEmpty() || straddling != null) {
                        s.lastBlockKey = -1;
                    }
                    int drop = 0;
                    while (drop < s.headSize && s.headMillis[drop] < cutoffMillis) {
                        drop++;
                    }
                    headDrops.add(drop);
                }
                c.commit();
                int i = 0;
                for (SeriesState s : all.subList(from, Math.min(all.size(), from + 256))) {
                    int drop = headDrops.get(i++);
                    if (drop > 0) {
                        s.headDrop(drop);
                        t.headSamples.addAndGet(-drop);
                        deleted += drop;
                    }
                }
            } finally {
                release(c); // rolls back what did not commit
                t.heads.unlock();
            }
        }
        return deleted;
    }

    private static long sum(int[] counts) {
        long n = 0;
        for (int c : counts) {
            n += Math.max(0, c);
        }
        return n;
    }

    static boolean isContention(SQLException e) {
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

    /** A record to store, its series and its key in the points table (-1: it belongs in the samples table). */
    private record Entry(TimestreamRules.ValidRecord record, SeriesState series, long key) {
    }

    private static String storageColumns() {
        StringBuilder sb = new StringBuilder();
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            sb.append(sb.length() == 0 ? "" : ", ").append(quote(Catalog.storageColumn(type)));
        }
        return sb.toString();
    }

    private static String setStorageColumns() {
        StringBuilder sb = new StringBuilder();
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            sb.append(sb.length() == 0 ? "" : ", ").append(quote(Catalog.storageColumn(type))).append(" = ?");
        }
        return sb.toString();
    }

    private static int bindValues(PreparedStatement ps, int first, TimestreamRules.ValidRecord r) throws SQLException {
        int i = first;
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            Object v = type == r.type() ? r.value() : null;
            // a DOUBLE is kept as its IEEE bits: exact, and the sign of zero survives (see Catalog.sqlType)
            ps.setObject(i++, v instanceof Double d ? (Object) Double.doubleToRawLongBits(d) : v);
        }
        return i;
    }

    private static Object storedValue(ResultSet rs) throws SQLException {
        int i = 1;
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            Object v;
            switch (type) {
                case DOUBLE: v = Double.longBitsToDouble(rs.getLong(i)); break;
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

    /** A sample's identity within a call: its series and its time. */
    record SampleKey(String series, long timeNanos) {
    }

    /** Keeps one record per key within a call; a later one with another value is rejected, an identical one is a no-op. */
    static Map<SampleKey, TimestreamRules.ValidRecord> dedupe(List<TimestreamRules.ValidRecord> records,
                                                             List<RejectedRecord> rejected, int[] duplicatesAccepted) {
        Map<SampleKey, TimestreamRules.ValidRecord> byKey = new LinkedHashMap<>(records.size() * 2);
        for (TimestreamRules.ValidRecord r : records) {
            TimestreamRules.ValidRecord first = byKey.putIfAbsent(new SampleKey(r.seriesKey(), r.timeNanos()), r);
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
        SQLException unflushed = null;
        if (!closed) {
            closing = true;
            try {
                flushAllHeads();
            } catch (SQLException e) {
                unflushed = e; // the write log keeps the heads' samples: the caller must not delete it
            }
        }
        closed = true;
        Connection c;
        prepared.clear();
        while ((c = idle.pollFirst()) != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        try (Statement st = keeper.createStatement()) {
            // the file store keeps superseded pages while it runs; a full compaction at close gives them back
            st.execute(persistent ? "SHUTDOWN COMPACT" : "SHUTDOWN");
        } finally {
            keeper.close();
        }
        if (unflushed != null) {
            throw unflushed;
        }
    }

    static System.Logger log() {
        return LOG;
    }
}
