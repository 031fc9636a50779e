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

    private final H2Store store;
    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
    volatile boolean forceEmptyFirstPage;

    QueryEngine(H2Store store) {
        this.store = store;
    }

    /** A fully materialized result, served page by page. */
    private static final class Cursor {
        final String queryId;
        final String queryString;
        final List<ColumnInfo> columns;
        final List<String[]> rows;
        volatile long lastAccess = System.currentTimeMillis();

        Cursor(String queryId, String queryString, List<ColumnInfo> columns, List<String[]> rows) {
            this.queryId = queryId;
            this.queryString = queryString;
            this.columns = columns;
            this.rows = rows;
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
        expireCursors();
        if (request.nextToken() != null) {
            return nextPage(request.nextToken(), sql, maxRows);
        }
        Cursor cursor = execute(sql);
        if (forceEmptyFirstPage) {
            cursors.put(cursor.queryId, cursor);
            return page(cursor, 0, 0);
        }
        return page(cursor, 0, maxRows);
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
        if (cursor == null || offset < 0 || offset > cursor.rows.size()) {
            throw Errors.queryValidation("The NextToken is invalid or has expired.");
        }
        if (!cursor.queryString.equals(sql)) {
            throw Errors.queryValidation("The NextToken belongs to a different query string.");
        }
        cursor.lastAccess = System.currentTimeMillis();
        return page(cursor, offset, maxRows);
    }

    private QueryResponse page(Cursor cursor, int offset, int maxRows) {
        List<Row> rows = new ArrayList<>(Math.min(maxRows, cursor.rows.size() - offset));
        long bytes = 0;
        int i = offset;
        while (i < cursor.rows.size() && rows.size() < maxRows) {
            String[] r = cursor.rows.get(i);
            long size = 16;
            for (String v : r) {
                size += v == null ? 8 : v.length() + 8;
            }
            if (!rows.isEmpty() && bytes + size > TimestreamRules.MAX_PAGE_BYTES) {
                break;
            }
            bytes += size;
            List<Datum> data = new ArrayList<>(r.length);
            for (String v : r) {
                data.add(v == null ? Datum.builder().nullValue(true).build() : Datum.builder().scalarValue(v).build());
            }
            rows.add(Row.builder().data(data).build());
            i++;
        }
        boolean more = i < cursor.rows.size() || (offset == 0 && maxRows == 0);
        QueryResponse.Builder b = QueryResponse.builder()
                .queryId(cursor.queryId)
                .columnInfo(cursor.columns)
                .rows(rows)
                .queryStatus(QueryStatus.builder().progressPercentage(more ? 100.0 * i / Math.max(1, cursor.rows.size()) : 100.0)
                        .cumulativeBytesScanned(0L).cumulativeBytesMetered(0L).build());
        if (more) {
            cursors.put(cursor.queryId, cursor);
            b.nextToken(cursor.queryId + ":" + i);
        } else {
            cursors.remove(cursor.queryId);
        }
        return b.build();
    }

    private void expireCursors() {
        long now = System.currentTimeMillis();
        cursors.values().removeIf(c -> now - c.lastAccess > CURSOR_IDLE_MILLIS);
        if (cursors.size() > MAX_OPEN_CURSORS) {
            cursors.values().stream().sorted(Comparator.comparingLong(c -> c.lastAccess))
                    .limit(cursors.size() - MAX_OPEN_CURSORS).toList()
                    .forEach(c -> cursors.remove(c.queryId));
        }
    }

    private Cursor execute(String sql) {
        String queryId = "local-" + UUID.randomUUID();
        List<SqlTranslator.Token> tokens = SqlTranslator.tokenize(sql);
        SqlTranslator.Meta meta = SqlTranslator.meta(tokens);
        if (meta != null) {
            return metaResult(queryId, sql, meta);
        }
        SqlTranslator.Translated translated = SqlTranslator.translate(tokens, store.catalog);
        List<Lock> locks = new ArrayList<>();
        for (TableMeta t : translated.tables()) {
            Lock l = t.lock.readLock();
            l.lock();
            locks.add(l);
        }
        Connection c = null;
        try {
            c = store.borrow();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(translated.sql())) {
                return materialize(queryId, sql, rs);
            }
        } catch (SQLException e) {
            throw translate(e);
        } finally {
            store.release(c);
            for (Lock l : locks) {
                l.unlock();
            }
        }
    }

    private RuntimeException translate(SQLException e) {
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

    private static Cursor materialize(String queryId, String sql, ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        ScalarType[] types = new ScalarType[n];
        List<ColumnInfo> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            types[i] = scalarType(md.getColumnType(i + 1));
            if (types[i] == ScalarType.VARCHAR && DOUBLE_COLUMN.equals(md.getColumnName(i + 1))) {
                // a DOUBLE measure selected as is: its stored text is the exact value (see Catalog.sqlType)
                types[i] = ScalarType.DOUBLE;
            }
            columns.add(column(md.getColumnLabel(i + 1), types[i]));
        }
        List<String[]> rows = new ArrayList<>();
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) {
                row[i] = text(rs, i + 1, types[i], md.getColumnType(i + 1));
            }
            rows.add(row);
        }
        return new Cursor(queryId, sql, List.copyOf(columns), rows);
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
                if (jdbcType == Types.VARCHAR) {
                    return rs.getString(col);
                }
                if (jdbcType == Types.DECIMAL || jdbcType == Types.NUMERIC) {
                    BigDecimal d = rs.getBigDecimal(col);
                    return d == null ? null : Double.toString(d.doubleValue());
                }
                double d = rs.getDouble(col);
                return rs.wasNull() ? null : Double.toString(d);
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
