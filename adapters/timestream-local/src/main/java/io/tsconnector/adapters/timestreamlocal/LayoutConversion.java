package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Catalog.quote;

import io.tsconnector.adapters.timestreamlocal.Catalog.TableMeta;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;

/**
 * Converts tables of earlier layouts on open: layout 1 (one {@code t$data} row per sample: series key text, time,
 * measure name, DOUBLE as text, version and every dimension again) into the series and samples tables of layout 2
 * ({@link #convert}), and layouts 2 and 3 into layout 4 by moving the samples a key can hold into the points table
 * and adding the blocks table (layout 3 had the points table, and no blocks)
 * ({@link #toKeyed}). Either conversion cut short starts again at the next open and loses nothing.
 */
final class LayoutConversion {
    private static final int BATCH = 10_000;
    /** Series moved per transaction by {@link #toKeyed}. */
    private static final long CONVERSION_SERIES = 256;

    private LayoutConversion() {
    }

    /**
     * Layout 1 to layout 2; the old table is dropped only after every row is copied. The samples land in the
     * samples table, from where {@link #toKeyed} moves them on.
     */
    static void convert(Connection c, TableMeta t) throws SQLException {
        long start = System.nanoTime();
        long rows;
        try {
            rows = transaction(c, st -> {
                // the commits between batches would close a lazy result; a materialized one spills to disk when large
                st.execute("SET LAZY_QUERY_EXECUTION FALSE");
                return copyLayoutOne(c, st, t);
            });
        } finally {
            try (Statement st = c.createStatement()) {
                st.execute("SET LAZY_QUERY_EXECUTION TRUE");
            }
        }
        H2Store.log().log(System.Logger.Level.INFO, "Converted the local table " + t.database + "." + t.name
                + " to the series layout: " + rows + " samples in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /** Work done in one transaction; commits of its own in between are allowed. */
    private interface Work {
        long run(Statement st) throws SQLException;
    }

    /** Runs work with auto-commit off and commits it; what it has not committed is rolled back when it fails. */
    private static long transaction(Connection c, Work work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            long n = work.run(st);
            c.commit();
            return n;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Recreates the series layout's tables from the layout 1 table, drops that; returns the samples copied. */
    private static long copyLayoutOne(Connection c, Statement st, TableMeta t) throws SQLException {
        String old = quote(Catalog.schemaName(t.database)) + "." + quote(t.name + Catalog.OLD_DATA_SUFFIX);
        long rows = 0;
        st.execute("DROP VIEW IF EXISTS " + t.view());
        st.execute("DROP TABLE IF EXISTS " + t.samplesTable());
        st.execute("DROP TABLE IF EXISTS " + t.pointsTable());
        st.execute("DROP TABLE IF EXISTS " + t.seriesTable());
        H2Store.createStorage(st, t);
        List<String> dims = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT * FROM " + old + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String name = md.getColumnName(i);
                if (!TimestreamRules.isReservedName(name)) {
                    dims.add(name);
                }
            }
        }
        for (String d : dims) {
            st.execute("ALTER TABLE " + t.seriesTable() + " ADD COLUMN " + quote(d) + " VARCHAR");
        }
        t.setDimensions(new java.util.TreeSet<>(dims));
        StringBuilder seriesSql = new StringBuilder("INSERT INTO ").append(t.seriesTable()).append(" (")
                .append(quote(Catalog.SERIES_ID)).append(", ").append(quote(Catalog.MEASURE_NAME));
        for (String d : dims) {
            seriesSql.append(", ").append(quote(d));
        }
        seriesSql.append(") VALUES (?, ?").append(", ?".repeat(dims.size())).append(')');
        StringBuilder select = new StringBuilder("SELECT ").append(quote(Catalog.MEASURE_NAME)).append(", ")
                .append(quote(Catalog.TIME)).append(", ");
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            select.append(quote(Catalog.valueColumn(type))).append(", ");
        }
        select.append(quote(Catalog.VERSION));
        for (String d : dims) {
            select.append(", ").append(quote(d));
        }
        select.append(" FROM ").append(old);
        Map<String, Long> ids = new HashMap<>();
        try (Statement scan = c.createStatement();
             ResultSet rs = scan.executeQuery(select.toString());
             PreparedStatement series = c.prepareStatement(seriesSql.toString());
             PreparedStatement samples = c.prepareStatement("INSERT INTO " + t.samplesTable() + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            int values = Catalog.VALUE_TYPES.size();
            while (rs.next()) {
                String measure = rs.getString(1);
                SortedMap<String, String> labels = new TreeMap<>();
                for (int d = 0; d < dims.size(); d++) {
                    String v = rs.getString(4 + values + d);
                    if (v != null) {
                        labels.put(dims.get(d), v);
                    }
                }
                String key = TimestreamRules.seriesKey(measure, labels);
                Long id = ids.get(key);
                if (id == null) {
                    id = ids.size() + 1L;
                    ids.put(key, id);
                    series.setLong(1, id);
                    series.setString(2, measure);
                    for (int d = 0; d < dims.size(); d++) {
                        series.setString(3 + d, labels.get(dims.get(d)));
                    }
                    series.executeUpdate();
                }
                samples.setLong(1, id);
                samples.setObject(2, rs.getObject(2));
                for (int v = 0; v < values; v++) {
                    Object value = rs.getObject(3 + v);
                    if (Catalog.VALUE_TYPES.get(v) == MeasureValueType.DOUBLE && value != null) {
                        // layout 1 kept a DOUBLE as its exact text
                        value = Double.doubleToRawLongBits(Double.parseDouble(value.toString()));
                    }
                    samples.setObject(3 + v, value);
                }
                samples.setLong(3 + values, rs.getLong(3 + values));
                samples.addBatch();
                if (++rows % BATCH == 0) {
                    samples.executeBatch();
                    c.commit();
                }
            }
            samples.executeBatch();
        }
        st.execute("DROP TABLE " + old);
        st.execute(H2Store.viewDdl(t));
        return rows;
    }

    /**
     * Layouts 2 and 3 to layout 4: creates the points and blocks tables where missing, moves every sample that
     * fits a key (see {@link Catalog#key}) from the samples table
     * into the points table, a range of series at a time, each range in one transaction (insert, then delete
     * the same rows; layout 3 has none to move), then replaces the view and records layout 4 in the catalog. A
     * conversion cut short leaves every sample in exactly one of the tables and the layout as it was, so the next
     * open moves the rest.
     */
    static void toKeyed(Connection c, TableMeta t) throws SQLException {
        long start = System.nanoTime();
        long moved = transaction(c, st -> moveToPoints(c, st, t));
        H2Store.log().log(System.Logger.Level.INFO, "Converted the local table " + t.database + "." + t.name
                + " to keyed samples: " + moved + " samples in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    private static long moveToPoints(Connection c, Statement st, TableMeta t) throws SQLException {
        long moved = 0;
        H2Store.createPoints(st, t);
        long maxId;
        try (ResultSet rs = st.executeQuery("SELECT MAX(" + quote(Catalog.SERIES_ID) + ") FROM " + t.seriesTable())) {
            maxId = rs.next() ? rs.getLong(1) : 0;
        }
        String id = quote(Catalog.SERIES_ID);
        String time = quote(Catalog.TIME);
        // whole milliseconds in [0, 2^42) of series below 2^21: exactly the samples Catalog.key gives a key
        String fits = id + " >= ? AND " + id + " < ? AND " + id + " < " + Catalog.KEY_SERIES_LIMIT
                + " AND " + time + " >= from_milliseconds(0) AND " + time + " < from_milliseconds(" + Catalog.KEY_TIME_LIMIT + ")"
                + " AND MOD(to_nanoseconds(" + time + "), 1000000) = 0";
        StringBuilder values = new StringBuilder();
        for (MeasureValueType type : Catalog.VALUE_TYPES) {
            values.append(quote(Catalog.storageColumn(type))).append(", ");
        }
        values.append(quote(Catalog.VERSION));
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + t.pointsTable() + " SELECT " + id + " * "
                     + Catalog.KEY_TIME_LIMIT + " + to_milliseconds(" + time + "), " + values + " FROM " + t.samplesTable()
                     + " WHERE " + fits);
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + t.samplesTable() + " WHERE " + fits)) {
            for (long from = 0; from <= Math.min(maxId, Catalog.KEY_SERIES_LIMIT - 1); from += CONVERSION_SERIES) {
                for (PreparedStatement ps : new PreparedStatement[] {insert, delete}) {
                    ps.setLong(1, from);
                    ps.setLong(2, from + CONVERSION_SERIES);
                }
                int inserted = insert.executeUpdate();
                int deleted = delete.executeUpdate();
                if (inserted != deleted) {
                    throw new SQLException("converting " + t.database + "." + t.name + " moved " + inserted
                            + " samples but removed " + deleted);
                }
                c.commit();
                moved += inserted;
            }
        }
        st.execute(H2Store.viewDdl(t));
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + quote(Catalog.CATALOG_SCHEMA)
                + ".\"tables\" SET \"layout\" = ? WHERE \"db\" = ? AND \"name\" = ?")) {
            ps.setInt(1, H2Store.LAYOUT);
            ps.setString(2, t.database);
            ps.setString(3, t.name);
            ps.executeUpdate();
        }
        return moved;
    }
}
