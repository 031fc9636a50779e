package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;

/**
 * Layout 3: samples of whole milliseconds in the points table under one key, the others in the samples table,
 * read together; time bounds of a query as key ranges; conversion of layout 2 directories.
 */
class KeyedLayoutTest {
    /** 2200-01-01: past the last millisecond a key holds (2^42 ms, in 2109). */
    private static final long FAR_FUTURE_MILLIS = 7_258_118_400_000L;

    @TempDir
    Path dir;

    private static Record nanos(String measure, double value, long nanos, String... dims) {
        return rec(measure, value, 0, dims).toBuilder().time(Long.toString(nanos)).timeUnit(TimeUnit.NANOSECONDS).build();
    }

    private static long count(Path data, String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("timestream") + ";DATABASE_TO_LOWER=TRUE");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Samples of a table kept by key: rows of its points table and samples of its blocks. */
    private static long keyed(Path data, String schema, String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("timestream") + ";DATABASE_TO_LOWER=TRUE");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM \"" + schema + "\".\"" + table + "$points\") + "
                     + "(SELECT COALESCE(SUM(\"ts_n\"), 0) FROM \"" + schema + "\".\"" + table + "$blocks\")")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void samplesNoKeyHoldsRoundTripAndFollowTheDuplicateRules() throws Exception {
        Path data = dir.resolve("mixed");
        String sql = "SELECT \"job\", measure_name, time, measure_value::double FROM \"db\".\"t\" ORDER BY time";
        List<List<String>> expected = List.of(
                Arrays.asList("a", "m", "1970-01-01 00:00:01.000000000", "1.0"),
                Arrays.asList("a", "m", "1970-01-01 00:00:01.000000001", "-0.0"),
                Arrays.asList("a", "m", "1970-01-01 00:00:02.000000000", "2.0"),
                Arrays.asList("b", "m", "1970-01-01 00:00:02.000001000", "4.9E-324"),
                Arrays.asList("a", "m", "2200-01-01 00:00:00.000000000", "3.0"));
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("m", 1, 1000, "job", "a"), nanos("m", -0.0, 1_000_000_001L, "job", "a"),
                    rec("m", 2, 2000, "job", "a"), rec("m", 3, FAR_FUTURE_MILLIS, "job", "a"),
                    rec("m", 4.9E-324, 2000, "job", "b").toBuilder().time("2000001").timeUnit(TimeUnit.MICROSECONDS).build()));
            assertEquals(expected, queryAll(ts.queryClient(), sql));
        }
        assertEquals(2, keyed(data, "db$db", "t"));
        assertEquals(3, count(data, "\"db$db\".\"t$samples\""));
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), true)) {
            assertEquals(expected, queryAll(ts.queryClient(), sql));
            // after a restart the last time of each series comes from both tables: these are looked up, not appended
            ts.writeClient().writeRecords(write("db", "t", nanos("m", -0.0, 1_000_000_001L, "job", "a"), rec("m", 2, 2000, "job", "a")));
            for (Record r : List.of(nanos("m", 0.0, 1_000_000_001L, "job", "a"), rec("m", 9, 2000, "job", "a"),
                    rec("m", 9, FAR_FUTURE_MILLIS, "job", "a"))) {
                RejectedRecordsException e = assertThrows(RejectedRecordsException.class,
                        () -> ts.writeClient().writeRecords(write("db", "t", r)));
                assertEquals(1L, e.rejectedRecords().get(0).existingVersion());
            }
            ts.writeClient().writeRecords(write("db", "t", nanos("m", 5, 1_000_000_001L, "job", "a").toBuilder().version(2L).build(),
                    rec("m", 6, 2000, "job", "a").toBuilder().version(2L).build()));
            assertEquals(List.of(List.of("5.0"), List.of("6.0")), queryAll(ts.queryClient(), "SELECT measure_value::double FROM \"db\".\"t\" "
                    + "WHERE time IN (from_nanoseconds(1000000001), from_milliseconds(2000)) ORDER BY time"));
            assertEquals(List.of(List.of("5")), queryAll(ts.queryClient(), "SELECT count(*) FROM \"db\".\"t\""));
        }
    }

    /** The same conditions with and without a top-level OR (which turns the key ranges off) answer the same. */
    @ParameterizedTest
    @ValueSource(strings = {
        "time BETWEEN from_milliseconds(2000) AND from_milliseconds(4000)",
        "time BETWEEN from_milliseconds(4000) AND from_milliseconds(2000)",
        "time >= from_nanoseconds(1000000001) AND time < from_milliseconds(3000)",
        "time > from_nanoseconds(1000000001) AND time <= from_nanoseconds(2999999999)",
        "time > from_milliseconds(3000) AND measure_name = 'm'",
        "time = from_milliseconds(3000)",
        "time = from_nanoseconds(1000000001)",
        "time > from_milliseconds(5000000000000)",
        "\"time\" >= from_milliseconds(2001) AND \"job\" = 'a' AND time <= from_milliseconds(" + FAR_FUTURE_MILLIS + ")",
        "CASE WHEN \"job\" = 'a' AND time > from_milliseconds(3000) THEN 1 ELSE 0 END = 0 AND time < from_milliseconds(9000)",
        "time < from_milliseconds(-5)",
        "time > from_milliseconds(9223372036854775807)",
    })
    void timeBoundsChangeNoAnswer(String condition) {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            List<Record> batch = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                batch.add(rec("m", i, i * 1000L, "job", i % 2 == 0 ? "a" : "b"));
            }
            batch.add(nanos("m", 0.5, 1_000_000_001L, "job", "a"));
            batch.add(nanos("m", 0.25, 2_999_999_999L, "job", "b"));
            batch.add(rec("m", 10, FAR_FUTURE_MILLIS, "job", "a"));
            ts.writeClient().writeRecords(write("db", "t", batch));
            String select = "SELECT \"job\", time, measure_value::double FROM \"db\".\"t\" WHERE ";
            String order = " ORDER BY time, \"job\"";
            List<List<String>> bounded;
            List<List<String>> whole;
            try {
                bounded = queryAll(ts.queryClient(), select + condition + order);
            } catch (RuntimeException e) {
                // a bound no timestamp can hold fails alike either way
                assertThrows(e.getClass(), () -> queryAll(ts.queryClient(), select + condition + " OR 1 = 0" + order));
                return;
            }
            whole = queryAll(ts.queryClient(), select + condition + " OR 1 = 0" + order);
            assertEquals(whole, bounded);
        }
    }

    @Test
    void theConnectorsReadIsTranslatedIntoKeyRangesAndOtherShapesAreNot() {
        Catalog catalog = new Catalog();
        Catalog.DatabaseMeta db = new Catalog.DatabaseMeta("db", 0);
        db.tables.put("t", new Catalog.TableMeta("db", "t", 0, Set.of("job"), Set.of(
                software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType.DOUBLE)));
        catalog.databases.put("db", db);
        String read = SqlTranslator.translate(SqlTranslator.tokenize("SELECT * FROM \"db\".\"t\" WHERE time BETWEEN "
                + "from_milliseconds(1700000000000) AND from_milliseconds(1700003600000) AND measure_name = 'up'"), catalog).sql();
        assertTrue(read.contains(" + 1700000000000 AND ") && read.contains(" + 1700003600000 UNION ALL "), read);
        assertTrue(read.contains("WHERE \"time\" BETWEEN from_milliseconds ( 1700000000000 )"), "the WHERE is kept whole: " + read);
        for (String other : List.of(
                "SELECT * FROM \"db\".\"t\" WHERE time > from_milliseconds(5) OR measure_name = 'up'",
                "SELECT * FROM \"db\".\"t\" WHERE measure_name = 'up'",
                "SELECT * FROM \"db\".\"t\" x WHERE time > from_milliseconds(5)",
                "SELECT * FROM \"db\".\"t\" WHERE time > from_milliseconds(5) AND measure_name IN (SELECT measure_name FROM \"db\".\"t\")",
                "SELECT * FROM \"db\".\"t\" WHERE NOT time > from_milliseconds(5)",
                "SELECT * FROM \"db\".\"t\" WHERE time NOT BETWEEN from_milliseconds(5) AND from_milliseconds(9)")) {
            String sql = SqlTranslator.translate(SqlTranslator.tokenize(other), catalog).sql();
            assertFalse(sql.contains("UNION ALL"), sql);
        }
    }

    @Test
    void theViewReadsEachSeriesAsAKeyRange() throws Exception {
        Path data = dir.resolve("plan");
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("m", 1, 1000, "job", "a"), rec("m", 2, 1000, "job", "b")));
        }
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("timestream") + ";DATABASE_TO_LOWER=TRUE");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("EXPLAIN SELECT * FROM \"db$db\".\"t\" WHERE \"job\" = 'a'")) {
            rs.next();
            String plan = rs.getString(1);
            // the points are read through their primary key, by a range that starts at the series' first key
            assertTrue(plan.matches("(?s).*\\.PRIMARY_KEY_[0-9A-F]+: ts_k >= \\(CASE WHEN s\\.ts_id.*"), plan);
            assertFalse(plan.contains("t$points.tableScan"), plan);
        }
    }

    @Test
    void retentionDeletesTheFrontOfEachKeyRangeAndOlderSamplesOfTheSamplesTable() {
        long now = 1_700_000_000_000L;
        long cutoff = now - 3_600_000L;
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true, Duration.ofHours(1))) {
            ts.writeClient().writeRecords(write("db", "t", rec("m", 1, cutoff - 1, "job", "a"), rec("m", 2, cutoff, "job", "a"),
                    nanos("m", 3, cutoff * 1_000_000L - 1, "job", "b"), nanos("m", 4, cutoff * 1_000_000L + 1, "job", "b"),
                    rec("m", 5, cutoff - 1, "job", "c")));
            assertEquals(3, ts.applyRetention(now));
            assertEquals(List.of(List.of("2.0"), List.of("4.0")),
                    queryAll(ts.queryClient(), "SELECT measure_value::double FROM \"db\".\"t\" ORDER BY time"));
        }
    }

    /**
     * A directory as layout 2 left it: written by the engine, then its points moved back into the samples table,
     * the points table dropped, the catalog without its layout column and the view of layout 2; with
     * {@code cutShort}, a conversion stopped after moving the first series' samples. Series 3,000,000 (past the
     * ids a key holds) is added by hand.
     */
    private static void writeLayoutTwo(Path directory, boolean cutShort) throws Exception {
        try (LocalTimestream ts = LocalTimestream.open(directory.toString(), true)) {
            ts.writeClient().writeRecords(write("prom", "metrics", rec("up", 1.0, 1000, "instance", "a:1"),
                    rec("up", -0.0, 2000, "instance", "a:1").toBuilder().version(3L).build(), rec("up", 0.1, 1000),
                    nanos("up", 0.2, 1_500_000_001L)));
        }
        String url = "jdbc:h2:file:" + directory.resolve("timestream") + ";DATABASE_TO_LOWER=TRUE";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            String moved = cutShort ? "\"ts_k\" >= 2 * 4398046511104" : "TRUE";
            st.execute("INSERT INTO \"db$prom\".\"metrics$samples\" SELECT \"ts_k\" / 4398046511104, "
                    + "DATEADD(MILLISECOND, MOD(\"ts_k\", 4398046511104), TIMESTAMP '1970-01-01 00:00:00'), \"ts_v_double\", "
                    + "\"ts_v_bigint\", \"ts_v_varchar\", \"ts_v_boolean\", \"ts_version\" FROM \"db$prom\".\"metrics$points\" WHERE " + moved);
            st.execute("DELETE FROM \"db$prom\".\"metrics$points\" WHERE " + moved);
            st.execute("CREATE OR REPLACE VIEW \"db$prom\".\"metrics\" AS SELECT s.\"instance\", s.\"measure_name\", d.\"time\", "
                    + "d.\"ts_v_double\" AS \"measure_value::double\" FROM \"db$prom\".\"metrics$samples\" d "
                    + "JOIN \"db$prom\".\"metrics$series\" s ON s.\"ts_id\" = d.\"ts_id\"");
            if (!cutShort) {
                st.execute("DROP TABLE \"db$prom\".\"metrics$points\"");
            }
            st.execute("ALTER TABLE \"ts$catalog\".\"tables\" DROP COLUMN \"layout\"");
            st.execute("INSERT INTO \"db$prom\".\"metrics$series\" (\"ts_id\", \"measure_name\", \"instance\") VALUES (3000000, 'load', 'a:1')");
            st.execute("INSERT INTO \"db$prom\".\"metrics$samples\" VALUES (3000000, TIMESTAMP '1970-01-01 00:00:03', "
                    + Double.doubleToRawLongBits(4.9E-324) + ", NULL, NULL, NULL, 1)");
            st.execute("SHUTDOWN");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDirectoryOfLayoutTwoIsConvertedOnOpen(boolean cutShort) throws Exception {
        Path data = dir.resolve("two");
        writeLayoutTwo(data, cutShort);
        List<List<String>> expected = List.of(
                Arrays.asList(null, "up", "1970-01-01 00:00:01.000000000", "0.1"),
                Arrays.asList(null, "up", "1970-01-01 00:00:01.500000001", "0.2"),
                Arrays.asList("a:1", "load", "1970-01-01 00:00:03.000000000", "4.9E-324"),
                Arrays.asList("a:1", "up", "1970-01-01 00:00:01.000000000", "1.0"),
                Arrays.asList("a:1", "up", "1970-01-01 00:00:02.000000000", "-0.0"));
        String sql = "SELECT * FROM \"prom\".\"metrics\" ORDER BY \"instance\", measure_name, time";
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), false)) {
            assertEquals(expected, queryAll(ts.queryClient(), sql));
            assertEquals(4, queryAll(ts.queryClient(), "DESCRIBE \"prom\".\"metrics\"").size());
            // converted samples of both tables still decide duplicates, with their versions
            RejectedRecordsException e = assertThrows(RejectedRecordsException.class,
                    () -> ts.writeClient().writeRecords(write("prom", "metrics", rec("up", 7, 2000, "instance", "a:1"))));
            assertEquals(3L, e.rejectedRecords().get(0).existingVersion());
            assertThrows(RejectedRecordsException.class,
                    () -> ts.writeClient().writeRecords(write("prom", "metrics", nanos("up", 7, 1_500_000_001L))));
            assertThrows(RejectedRecordsException.class,
                    () -> ts.writeClient().writeRecords(write("prom", "metrics", rec("load", 7, 3000, "instance", "a:1"))));
            // new series get ids after the largest, so past the keyed ids here: their samples go to the samples table
            ts.writeClient().writeRecords(write("prom", "metrics", rec("up", 1.0, 1000, "instance", "a:1"),
                    rec("up", 3, 4000, "instance", "a:1"), rec("load", 5, 5000, "instance", "a:1"), rec("new", 6, 6000)));
        }
        assertEquals(4, keyed(data, "db$prom", "metrics"));
        assertEquals(4, count(data, "\"db$prom\".\"metrics$samples\""));
        assertEquals(1, count(data, "\"ts$catalog\".\"tables\" WHERE \"layout\" = 4 AND \"name\" = 'metrics'"));
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), false)) {
            List<List<String>> rows = queryAll(ts.queryClient(), sql);
            assertEquals(8, rows.size());
            assertTrue(rows.containsAll(expected), rows.toString());
            Set<String> times = new TreeSet<>();
            for (List<String> r : queryAll(ts.queryClient(), "SELECT time FROM \"prom\".\"metrics\" WHERE time >= from_milliseconds(4000)")) {
                times.add(r.get(0));
            }
            assertEquals(Set.of("1970-01-01 00:00:04.000000000", "1970-01-01 00:00:05.000000000", "1970-01-01 00:00:06.000000000"), times);
            assertNull(queryAll(ts.queryClient(), "SELECT \"instance\" FROM \"prom\".\"metrics\" WHERE measure_name = 'new'").get(0).get(0));
        }
    }
}
