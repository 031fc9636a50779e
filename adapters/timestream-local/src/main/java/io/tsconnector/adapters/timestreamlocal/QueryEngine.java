package io.tsconnector.adapters.timestreamlocal;

import io.tsconnector.adapters.timestreamlocal.Catalog.DatabaseMeta;
import io.tsconnector.adapters.timestreamlocal.Catalog.TableMeta;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.api.ErrorCode;
import software.amazon.awssdk.services.timestreamquery.model.ColumnInfo;
import software.amazon.awssdk.services.timestreamquery.model.Datum;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.QueryStatus;
import software.amazon.awssdk.services.timestreamquery.model.Row;
import software.amazon.awssdk.services.timestreamquery.model.ScalarType;
import software.amazon.awssdk.services.timestreamquery.model.Type;

/** Runs Query requests: translation, execution on H2, materialized results and NextToken paging. */
final class QueryEngine {
    static final DateTimeFormatter TIME_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS");
    private static final long CURSOR_IDLE_MILLIS = 10 * 60 * 1000L;
    private static final int MAX_OPEN_CURSORS = 256;
    private static final int MAX_QUERY_LENGTH = 262_144;
    private static final String DOUBLE_COLUMN = Catalog.valueColumn(software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType.DOUBLE);
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"]|\"\")*)\"");

    /**
     * A streaming cursor reads a snapshot whose superseded pages the file store keeps for 45 s (H2's
     * RETENTION_TIME) only; a query must end well before.
     */
    static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);

    private final H2Store store;
    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
    volatile boolean forceEmptyFirstPage;
    /** Rows of a page at most, whatever the request asks: small pages make tests exercise the paging. */
    volatile int pageRows = TimestreamRules.MAX_ROWS_PER_PAGE;
    /** How much of a query the translation moves into the table's query; tests compare the plans' answers. */
    volatile SqlTranslator.Plan plan = SqlTranslator.Plan.PUSHDOWN;
    /** How long a query may run, from its first page to its last, before it is cancelled with an error. */
    volatile Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;

    QueryEngine(H2Store store) {
        this.store = store;
    }

    /**
     * A result served page by page. A SQL result streams from its open database cursor (the connection stays
     * with it until the last page or expiry), so memory is bounded by a page, not by the result; DESCRIBE and
     * SHOW results are small lists. The last page is kept, so a client that repeats a NextToken gets it again.
     */
    private final class Cursor {
        final String queryId;
        final String queryString;
        final long deadlineNanos;
        List<ColumnInfo> columns;
        private final java.util.Iterator<String[]> listed;
        private Connection connection;
        private Statement statement;
        private ResultSet rs;
        private ScalarType[] types;
        private int[] jdbcTypes;
        /** The result set's column of each column of the answer. */
        private int[] sources;
        /** The result set's column of a points key that gives the time of the next column; 0 for none. */
        private int keyColumn;
        private final MillisText times = new MillisText();
        private long rowsRead;
        private String[] pending;
        private String[] lastText;
        private Datum[] lastDatum;
        private int position;
        private String lastToken;
        private QueryResponse lastPage;
        private List<TableMeta> tables = List.of();
        private int[] versions = new int[0];
        /** Result set columns of a block to read out and of a series whose head to add; 0 for none. */
        private int blockColumn;
        private int headColumn;
        /** The answer's columns of the time and of the DOUBLE measure. */
        private int timeIndex = -1;
        private int doubleIndex = -1;
        private long fromMillis;
        private long toMillis;
        private Map<Long, long[][]> heads = Map.of();
        /** Whether the connection's session was given the tables' heads (see {@link SqlFunctions#heads}). */
        private boolean givenHeads;
        /** The row of the block or head being read out, its samples and the next one. */
        private String[] template;
        private long[] expMillis;
        private long[] expBits;
        private long[] headMillis;
        private long[] headBits;
        private int expCount;
        private int expPosition;
        /** Holds the chunks of the version the lazy result reads until the cursor closes. */
        private SnapshotPin pin;
        /** Closed by {@link #expireCursors} once past its deadline: its next page is the deadline's error. */
        volatile boolean timedOut;
        volatile long lastAccess = System.currentTimeMillis();

        Cursor(String queryId, String queryString, List<ColumnInfo> columns, List<String[]> rows) {
            this.queryId = queryId;
            this.queryString = queryString;
            this.columns = columns;
            this.listed = rows.iterator();
            this.deadlineNanos = Long.MAX_VALUE;
            this.pending = listed.hasNext() ? listed.next() : null;
        }

        Cursor(String queryId, String queryString, long deadlineNanos) {
            this.queryId = queryId;
            this.queryString = queryString;
            this.listed = null;
            this.deadlineNanos = deadlineNanos;
        }

        /**
         * Runs the statement; the first row is read so that an error surfaces with the first page. With
         * {@code keyedTime} (see {@link SqlTranslator.Translated}) the key column before {@code time} is no column
         * of the answer: a row's time is formatted from it when it is not null.
         */
        void open(SqlTranslator.Translated translated) throws SQLException {
            String h2Sql = translated.sql();
            boolean keyedTime = translated.keyedTime();
            connection = store.borrow();
            pin = SnapshotPin.pin(connection);
            statement = connection.createStatement();
            SqlFunctions.deadline(deadlineNanos);
            try {
                // one snapshot for the whole result: a lazy result of READ COMMITTED reads each row as it is now
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(org.h2.engine.Constants.TRANSACTION_SNAPSHOT);
                // the heads are copied and the snapshot taken under the tables' heads locks: no head moves into a
                // block in between, so each sample is read once
                if (keyedTime) {
                    TableMeta keyed = translated.keyedTable();
                    heads = store.copyHeads(List.of(keyed), connection, H2Store.seriesIds(keyed, translated.seriesWhere())).get(keyed);
                    fromMillis = translated.bounds().fromMillis();
                    toMillis = translated.bounds().toMillis();
                } else {
                    Map<String, Map<Long, long[][]>> given = new java.util.HashMap<>();
                    store.copyHeads(translated.tables(), connection, null).forEach((t, h) -> {
                        if (!h.isEmpty()) {
                            given.put(SqlFunctions.headsKey(t.database, t.name), h);
                        }
                    });
                    if (!given.isEmpty()) {
                        SqlFunctions.giveHeads(connection, given);
                        givenHeads = true;
                    }
                }
                rs = statement.executeQuery(h2Sql);
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                keyColumn = 0;
                for (int i = 1; keyedTime && i < n; i++) {
                    if (Catalog.KEY.equals(md.getColumnLabel(i)) && Catalog.TIME.equals(md.getColumnLabel(i + 1))) {
                        keyColumn = i;
                    }
                }
                if (keyedTime && n >= 2 && Catalog.BLOCK_DATA.equals(md.getColumnLabel(n - 1))
                        && Catalog.HEAD_SERIES.equals(md.getColumnLabel(n))) {
                    blockColumn = n - 1;
                    headColumn = n;
                    n -= 2;
                }
                int shown = keyColumn == 0 ? n : n - 1;
                types = new ScalarType[shown];
                jdbcTypes = new int[shown];
                sources = new int[shown];
                List<ColumnInfo> cols = new ArrayList<>(shown);
                for (int i = 0, c = 1; i < shown; i++, c++) {
                    c += c == keyColumn ? 1 : 0;
                    sources[i] = c;
                    jdbcTypes[i] = md.getColumnType(c);
                    types[i] = scalarType(jdbcTypes[i]);
                    if (DOUBLE_COLUMN.equals(md.getColumnName(c))
                            && (jdbcTypes[i] == Types.BIGINT || jdbcTypes[i] == Types.VARCHAR)) {
                        // a DOUBLE measure selected as is: its stored bits are the exact value (see Catalog.sqlType)
                        types[i] = ScalarType.DOUBLE;
                    }
                    cols.add(column(md.getColumnLabel(c), types[i]));
                    if (c == keyColumn + 1 && keyColumn > 0) {
                        timeIndex = i;
                    }
                    if (DOUBLE_COLUMN.equals(md.getColumnLabel(c))) {
                        doubleIndex = i;
                    }
                }
                columns = List.copyOf(cols);
                pending = readRow();
            } finally {
                SqlFunctions.clearDeadline();
            }
        }

        private String[] readRow() throws SQLException {
            if (listed != null) {
                return listed.hasNext() ? listed.next() : null;
            }
            while (true) {
                String[] row = expanded();
                if (row != null) {
                    return row;
                }
                row = readResultRow();
                if (row == null || blockColumn == 0) {
                    return row;
                }
                byte[] block = rs.getBytes(blockColumn);
                long series = rs.getLong(headColumn);
                boolean head = !rs.wasNull();
                if (block != null) {
                    if (expMillis == null || expMillis.length < SampleBlock.MAX_SAMPLES) {
                        expMillis = new long[SampleBlock.MAX_SAMPLES];
                        expBits = new long[SampleBlock.MAX_SAMPLES];
                    }
                    expCount = SampleBlock.decode(block, expMillis, expBits);
                } else if (head) {
                    long[][] h = heads.get(series);
                    if (h == null) {
                        continue;
                    }
                    // a head's arrays are a copy of its own: read in place
                    expMillis = null;
                    headMillis = h[0];
                    headBits = h[1];
                    expCount = h[0].length;
                } else {
                    return row;
                }
                expPosition = 0;
                template = row;
            }
        }

        /** The next sample of the block or head being read out, as a row; null when it has no more. */
        private String[] expanded() {
            while (template != null && expPosition < expCount) {
                int i = expPosition++;
                long millis = expMillis != null ? expMillis[i] : headMillis[i];
                if (millis < fromMillis || millis > toMillis) {
                    continue;
                }
                long bits = expMillis != null ? expBits[i] : headBits[i];
                String[] row = template.clone();
                row[timeIndex] = times.format(millis);
                row[doubleIndex] = DoubleText.format(Double.longBitsToDouble(bits));
                return row;
            }
            template = null;
            if (expMillis == null) {
                headMillis = null;
                headBits = null;
            }
            return null;
        }

        private String[] readResultRow() throws SQLException {
            if (timedOut) {
                throw new SqlFunctions.QueryTooExpensiveException("The query ran past its deadline of "
                        + queryTimeout.toSeconds() + " s and was cancelled");
            }
            if (rs == null || !rs.next()) {
                close();
                return null;
            }
            // the clock is read every 256 rows: reading it for every row cost a few percent of a read
            if (deadlineNanos != Long.MAX_VALUE && (++rowsRead & 0xFF) == 0 && System.nanoTime() - deadlineNanos > 0) {
                throw new SqlFunctions.QueryTooExpensiveException("The query ran past its deadline of "
                        + queryTimeout.toSeconds() + " s and was cancelled");
            }
            String[] row = new String[types.length];
            for (int i = 0; i < types.length; i++) {
                int c = sources[i];
                if (c == keyColumn + 1 && keyColumn > 0) {
                    long key = rs.getLong(keyColumn);
                    if (!rs.wasNull()) {
                        row[i] = times.format(key & (Catalog.KEY_TIME_LIMIT - 1));
                        continue;
                    }
                }
                row[i] = text(rs, c, types[i], jdbcTypes[i]);
            }
            return row;
        }

        boolean exhausted() {
            return pending == null;
        }

        /** Remembers the schema the statement was planned on; the caller holds the tables' read locks. */
        void readsFrom(java.util.Collection<TableMeta> read) {
            tables = List.copyOf(read);
            versions = new int[tables.size()];
            for (int i = 0; i < versions.length; i++) {
                versions[i] = tables.get(i).schemaVersion;
            }
        }

        /**
         * The next rows, at most {@code maxRows} and about {@link TimestreamRules#MAX_PAGE_BYTES}. A schema change
         * since the statement started (a new dimension column) would end H2's cursor early without an error, so
         * it fails the query instead; the tables' read locks keep one from happening during the page.
         */
        List<Row> next(int maxRows) throws SQLException {
            List<Lock> locks = new ArrayList<>(tables.size());
            try {
                for (int i = 0; i < tables.size(); i++) {
                    Lock l = tables.get(i).lock.readLock();
                    l.lock();
                    locks.add(l);
                    if (tables.get(i).schemaVersion != versions[i]) {
                        throw Errors.queryInternal("The table " + tables.get(i).database + "." + tables.get(i).name
                                + " gained a dimension while this query was being read; run the query again", null);
                    }
                }
                return nextRows(maxRows);
            } finally {
                for (Lock l : locks) {
                    l.unlock();
                }
            }
        }

        private List<Row> nextRows(int maxRows) throws SQLException {
            List<Row> rows = new ArrayList<>(Math.min(maxRows, 1024));
            long bytes = 0;
            SqlFunctions.deadline(deadlineNanos);
            try {
                while (pending != null && rows.size() < maxRows) {
                    String[] r = pending;
                    long size = 16;
                    for (String v : r) {
                        size += v == null ? 8 : v.length() + 8;
                    }
                    if (!rows.isEmpty() && bytes + size > TimestreamRules.MAX_PAGE_BYTES) {
                        break;
                    }
                    bytes += size;
                    Datum[] data = new Datum[r.length];
                    for (int i = 0; i < r.length; i++) {
                        data[i] = datum(i, r[i], r.length);
                    }
                    rows.add(Row.builder().data(java.util.Arrays.asList(data)).build());
                    position++;
                    pending = readRow();
                }
            } finally {
                SqlFunctions.clearDeadline();
            }
            return rows;
        }

        /**
         * The Datum of a value, reusing the previous row's when the column holds the same text: rows of one
         * series repeat its measure name and dimensions, and a Datum is immutable.
         */
        private Datum datum(int column, String v, int columns) {
            if (v == null) {
                return NULL_DATUM;
            }
            if (lastText == null || lastText.length != columns) {
                lastText = new String[columns];
                lastDatum = new Datum[columns];
            }
            if (!v.equals(lastText[column])) {
                lastText[column] = v;
                lastDatum[column] = Datum.builder().scalarValue(v).build();
            }
            return lastDatum[column];
        }

        void close() {
            ResultSet r = rs;
            rs = null;
            try {
                if (r != null) {
                    r.close();
                }
                if (statement != null) {
                    statement.close();
                }
            } catch (SQLException ignored) {
                // the connection is checked when it is released
            } finally {
                statement = null;
                if (connection != null) {
                    if (givenHeads) {
                        SqlFunctions.forgetHeads(connection);
                        givenHeads = false;
                    }
                    try {
                        connection.rollback();
                        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    } catch (SQLException ignored) {
                        // the pool discards a broken connection
                    }
                }
                if (pin != null) {
                    pin.close();
                    pin = null;
                }
                if (connection != null) {
                    store.release(connection);
                    connection = null;
                }
            }
        }
    }

    QueryResponse query(QueryRequest request) {
        String sql = request.queryString();
        if (sql == null || sql.isBlank()) {
            throw Errors.queryValidation("1 validation error detected: Value null at 'queryString' failed to satisfy constraint: Member must not be null");
        }
        if (sql.length() > MAX_QUERY_LENGTH) {
            throw Errors.queryValidation("The query string is longer than " + MAX_QUERY_LENGTH + " characters (" + sql.length() + ").");
        }
        int maxRows = TimestreamRules.MAX_ROWS_PER_PAGE;
        if (request.maxRows() != null) {
            if (request.maxRows() < 1 || request.maxRows() > TimestreamRules.MAX_ROWS_PER_PAGE) {
                throw Errors.queryValidation("1 validation error detected: Value '" + request.maxRows()
                        + "' at 'maxRows' failed to satisfy constraint: Member must have value between 1 and "
                        + TimestreamRules.MAX_ROWS_PER_PAGE);
            }
            maxRows = request.maxRows();
        }
        maxRows = Math.min(maxRows, pageRows);
        expireCursors();
        if (request.nextToken() != null) {
            return nextPage(request.nextToken(), sql, maxRows);
        }
        Cursor cursor = execute(sql);
        if (forceEmptyFirstPage) {
            return page(cursor, 0, true, null);
        }
        return page(cursor, maxRows, false, null);
    }

    private QueryResponse nextPage(String token, String sql, int maxRows) {
        int sep = token.lastIndexOf(':');
        Cursor cursor = sep < 0 ? null : cursors.get(token.substring(0, sep));
        int offset;
        try {
            offset = sep < 0 ? -1 : Integer.parseInt(token.substring(sep + 1));
        } catch (NumberFormatException e) {
            offset = -1;
        }
        if (cursor == null || offset < 0) {
            throw Errors.queryValidation("The NextToken is invalid or has expired.");
        }
        if (!cursor.queryString.equals(sql)) {
            throw Errors.queryValidation("The NextToken belongs to a different query string.");
        }
        synchronized (cursor) {
            cursor.lastAccess = System.currentTimeMillis();
            if (token.equals(cursor.lastToken) && cursor.lastPage != null) {
                return cursor.lastPage;
            }
            if (offset != cursor.position) {
                throw Errors.queryValidation("The NextToken is invalid or has expired.");
            }
            return page(cursor, maxRows, false, token);
        }
    }

    private static final Datum NULL_DATUM = Datum.builder().nullValue(true).build();

    private QueryResponse page(Cursor cursor, int maxRows, boolean forcedEmpty, String requestToken) {
        List<Row> rows;
        try {
            rows = forcedEmpty ? List.of() : cursor.next(maxRows);
        } catch (SQLException | RuntimeException e) {
            cursor.close();
            cursors.remove(cursor.queryId);
            throw e instanceof SQLException sql ? translate(sql) : translate((RuntimeException) e);
        }
        boolean more = forcedEmpty || !cursor.exhausted();
        QueryResponse.Builder b = QueryResponse.builder()
                .queryId(cursor.queryId)
                .columnInfo(cursor.columns)
                .rows(rows)
                .queryStatus(QueryStatus.builder().progressPercentage(more ? 50.0 : 100.0)
                        .cumulativeBytesScanned(0L).cumulativeBytesMetered(0L).build());
        if (more) {
            String token = cursor.queryId + ":" + cursor.position;
            b.nextToken(token);
            QueryResponse response = b.build();
            // a client that lost this answer repeats the token that led here and gets it again
            cursor.lastPage = response;
            cursor.lastToken = requestToken;
            cursors.put(cursor.queryId, cursor);
            return response;
        }
        cursor.close();
        cursors.remove(cursor.queryId);
        return b.build();
    }

    private void expireCursors() {
        long now = System.currentTimeMillis();
        List<Cursor> expired = new ArrayList<>();
        cursors.values().removeIf(c -> {
            boolean old = now - c.lastAccess > CURSOR_IDLE_MILLIS;
            if (old) {
                expired.add(c);
            }
            return old;
        });
        if (cursors.size() > MAX_OPEN_CURSORS) {
            cursors.values().stream().sorted(Comparator.comparingLong(c -> c.lastAccess))
                    .limit(cursors.size() - MAX_OPEN_CURSORS).toList()
                    .forEach(c -> {
                        cursors.remove(c.queryId);
                        expired.add(c);
                    });
        }
        for (Cursor c : expired) {
            synchronized (c) {
                c.close();
            }
        }
        // a cursor past its deadline can give no more rows: give back its connection and the pages its snapshot
        // holds now, keeping it only to answer its next page with the deadline's error
        long nanos = System.nanoTime();
        for (Cursor c : cursors.values()) {
            if (c.deadlineNanos != Long.MAX_VALUE && nanos - c.deadlineNanos > 0 && !c.timedOut) {
                synchronized (c) {
                    c.timedOut = true;
                    c.close();
                }
            }
        }
    }

    /** CancelQuery: closes the cursor of that query, if it is still open; false when there is none. */
    boolean cancel(String queryId) {
        Cursor c = queryId == null ? null : cursors.remove(queryId);
        if (c == null) {
            return false;
        }
        synchronized (c) {
            c.close();
        }
        return true;
    }

    /** Closes every open cursor, giving their connections back. */
    void closeCursors() {
        for (Cursor c : List.copyOf(cursors.values())) {
            cursors.remove(c.queryId);
            synchronized (c) {
                c.close();
            }
        }
    }

    private Cursor execute(String sql) {
        String queryId = "local-" + UUID.randomUUID();
        List<SqlTranslator.Token> tokens = SqlTranslator.tokenize(sql);
        SqlTranslator.Meta meta = SqlTranslator.meta(tokens);
        if (meta != null) {
            return metaResult(queryId, sql, meta);
        }
        List<Lock> locks = new ArrayList<>();
        Cursor cursor = new Cursor(queryId, sql, System.nanoTime() + queryTimeout.toNanos());
        try {
            SqlTranslator.Translated translated = translateLocked(tokens, locks);
            cursor.readsFrom(translated.tables());
            cursor.open(translated);
            return cursor;
        } catch (SQLException | RuntimeException e) {
            cursor.close();
            throw e instanceof SQLException s ? translate(s) : translate((RuntimeException) e);
        } finally {
            for (Lock l : locks) {
                l.unlock();
            }
        }
    }

    /**
     * Translates and takes the read locks of the tables read. A translation may spell out a table's columns (see
     * {@link SqlTranslator}); when a schema change came between it and the locks, it is made again under them.
     */
    private SqlTranslator.Translated translateLocked(List<SqlTranslator.Token> tokens, List<Lock> locks) {
        while (true) {
            SqlTranslator.Translated translated = SqlTranslator.translate(tokens, store.catalog, plan);
            for (TableMeta t : translated.tables()) {
                Lock l = t.lock.readLock();
                l.lock();
                locks.add(l);
            }
            if (!translated.stale()) {
                return translated;
            }
            SqlTranslator.Translated again = SqlTranslator.translate(tokens, store.catalog, plan);
            if (again.tables().equals(translated.tables())) {
                return again;
            }
            // the statement reads another table now (one created meanwhile): lock that set instead
            for (Lock l : locks) {
                l.unlock();
            }
            locks.clear();
        }
    }

    /** Errors raised inside H2 by the engine's functions, e.g. a query past its deadline; others pass through. */
    private RuntimeException translate(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SqlFunctions.QueryTooExpensiveException q) {
                return Errors.queryValidation(q.getMessage());
            }
        }
        return e;
    }

    private RuntimeException translate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SqlFunctions.QueryTooExpensiveException q) {
                return Errors.queryValidation(q.getMessage());
            }
        }
        if (store.isClosed()) {
            return Errors.queryInternal("The local Timestream engine is closed.", e);
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        int cut = message.indexOf("; SQL statement:");
        if (cut >= 0) {
            message = message.substring(0, cut);
        }
        int code = e.getErrorCode();
        if (code == ErrorCode.COLUMN_NOT_FOUND_1) {
            Matcher m = QUOTED.matcher(message);
            String column = m.find() ? m.group(1).replace("\"\"", "\"") : message;
            return Errors.queryValidation("Column '" + column + "' does not exist");
        }
        if (code == ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1 || code == ErrorCode.TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2
                || code == ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1) {
            Matcher m = QUOTED.matcher(message);
            String table = m.find() ? m.group(1) : message;
            return Errors.queryValidation("Table '" + table + "' does not exist or is not authorized. Use \"database\".\"table\".");
        }
        if (code == ErrorCode.SYNTAX_ERROR_1 || code == ErrorCode.SYNTAX_ERROR_2) {
            return Errors.queryValidation("The query syntax is invalid: " + message);
        }
        if (e.getSQLState() != null && (e.getSQLState().startsWith("42") || e.getSQLState().startsWith("22")
                || e.getSQLState().startsWith("90"))) {
            return Errors.queryValidation(message);
        }
        return Errors.queryInternal("The query failed: " + message, e);
    }

    static ColumnInfo column(String name, ScalarType type) {
        return ColumnInfo.builder().name(name).type(Type.builder().scalarType(type).build()).build();
    }

    private static ScalarType scalarType(int jdbcType) {
        switch (jdbcType) {
            case Types.TIMESTAMP:
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return ScalarType.TIMESTAMP;
            case Types.DOUBLE:
            case Types.FLOAT:
            case Types.REAL:
            case Types.DECIMAL:
            case Types.NUMERIC:
                return ScalarType.DOUBLE;
            case Types.BIGINT:
                return ScalarType.BIGINT;
            case Types.INTEGER:
            case Types.SMALLINT:
            case Types.TINYINT:
                return ScalarType.INTEGER;
            case Types.BOOLEAN:
                return ScalarType.BOOLEAN;
            case Types.DATE:
                return ScalarType.DATE;
            case Types.TIME:
                return ScalarType.TIME;
            default:
                return ScalarType.VARCHAR;
        }
    }

    private static String text(ResultSet rs, int col, ScalarType type, int jdbcType) throws SQLException {
        switch (type) {
            case TIMESTAMP: {
                LocalDateTime t;
                if (jdbcType == Types.TIMESTAMP_WITH_TIMEZONE) {
                    OffsetDateTime o = rs.getObject(col, OffsetDateTime.class);
                    t = o == null ? null : o.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
                } else {
                    t = rs.getObject(col, LocalDateTime.class);
                }
                return t == null ? null : formatTime(t);
            }
            case DOUBLE: {
                if (jdbcType == Types.BIGINT) {
                    long bits = rs.getLong(col);
                    return rs.wasNull() ? null : DoubleText.format(Double.longBitsToDouble(bits));
                }
                if (jdbcType == Types.VARCHAR) {
                    return rs.getString(col);
                }
                if (jdbcType == Types.DECIMAL || jdbcType == Types.NUMERIC) {
                    BigDecimal d = rs.getBigDecimal(col);
                    return d == null ? null : Double.toString(d.doubleValue());
                }
                double d = rs.getDouble(col);
                return rs.wasNull() ? null : DoubleText.format(d);
            }
            case BIGINT:
            case INTEGER: {
                long v = rs.getLong(col);
                return rs.wasNull() ? null : Long.toString(v);
            }
            case BOOLEAN: {
                boolean v = rs.getBoolean(col);
                return rs.wasNull() ? null : Boolean.toString(v);
            }
            default:
                return rs.getString(col);
        }
    }

    /** {@code yyyy-MM-dd HH:mm:ss.SSSSSSSSS}, as {@link #TIME_FORMAT} but without its per-call overhead. */
    static String formatTime(LocalDateTime t) {
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return TIME_FORMAT.format(t);
        }
        char[] c = new char[29];
        put(c, 0, year, 4);
        c[4] = '-';
        put(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, t.getDayOfMonth(), 2);
        c[10] = ' ';
        put(c, 11, t.getHour(), 2);
        c[13] = ':';
        put(c, 14, t.getMinute(), 2);
        c[16] = ':';
        put(c, 17, t.getSecond(), 2);
        c[19] = '.';
        put(c, 20, t.getNano(), 9);
        return new String(c);
    }

    private static void put(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private Cursor metaResult(String queryId, String sql, SqlTranslator.Meta meta) {
        List<String[]> rows = new ArrayList<>();
        List<ColumnInfo> columns;
        switch (meta.statement()) {
            case "DESCRIBE": {
                DatabaseMeta db = store.catalog.databases.get(meta.database());
                if (db == null) {
                    throw Errors.queryValidation("Database '" + meta.database() + "' does not exist or is not authorized.");
                }
                TableMeta t = db.tables.get(meta.table());
                if (t == null) {
                    throw Errors.queryValidation("Table '" + meta.database() + "." + meta.table() + "' does not exist or is not authorized.");
                }
                rows.addAll(t.visibleColumns());
                columns = List.of(column("Column", ScalarType.VARCHAR), column("Type", ScalarType.VARCHAR),
                        column("Timestream attribute type", ScalarType.VARCHAR));
                break;
            }
            case "SHOW DATABASES":
                for (String name : new TreeSet<>(store.catalog.databases.keySet())) {
                    rows.add(new String[] {name});
                }
                columns = List.of(column("Database", ScalarType.VARCHAR));
                break;
            default: {
                DatabaseMeta db = store.catalog.databases.get(meta.database());
                if (db == null) {
                    throw Errors.queryValidation("Database '" + meta.database() + "' does not exist or is not authorized.");
                }
                for (String name : new TreeSet<>(db.tables.keySet())) {
                    rows.add(new String[] {name});
                }
                columns = List.of(column("Table", ScalarType.VARCHAR));
            }
        }
        return new Cursor(queryId, sql, columns, rows);
    }
}
