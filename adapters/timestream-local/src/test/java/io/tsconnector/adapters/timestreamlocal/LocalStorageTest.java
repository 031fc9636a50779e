package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.ValidationException;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;

class LocalStorageTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    /** Writes {@code count} samples of {@code measure} 1 ms apart from {@code t0}, over {@code jobs} series, 100 per call. */
    private static void writeSamples(LocalTimestream ts, String measure, int count, long t0, int jobs) {
        writeSamples(ts, measure, count, t0, jobs, i -> i);
    }

    private static void writeSamples(LocalTimestream ts, String measure, int count, long t0, int jobs,
                                     java.util.function.IntToDoubleFunction value) {
        List<Record> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(rec(measure, value.applyAsDouble(i), t0 + i, "job", "j" + i % jobs));
            if (batch.size() == 100) {
                ts.writeClient().writeRecords(write("db", "t", batch));
                batch.clear();
            }
        }
    }

    /** Values that do not compress away: a block keeps a steady series in about a byte per sample. */
    private static final java.util.function.IntToDoubleFunction NOISE = i -> Math.sin(i) * 1e6;

    @Test
    void retentionDeletesExpiredSamplesAndTheFileShrinksAtClose() {
        long now = System.currentTimeMillis();
        String path = dir.resolve("data").toString();
        long before;
        try (LocalTimestream ts = LocalTimestream.open(path, true, Duration.ofHours(1))) {
            writeSamples(ts, "old", 20_000, now - 3 * HOUR, 50, NOISE);
            ts.writeClient().writeRecords(write("db", "t", rec("new", 1, now - 1000, "job", "j1")));
            assertEquals(0, ts.applyRetention(now - 3 * HOUR), "nothing is older than the retention yet");
            assertEquals(20_000, ts.applyRetention(now));
            assertEquals(List.of(List.of("new")), queryAll(ts.queryClient(), "SELECT measure_name FROM \"db\".\"t\""));
        }
        try (LocalTimestream ts = LocalTimestream.open(path, true)) {
            before = ts.sizeOnDiskBytes();
            assertEquals(List.of(List.of("1")), queryAll(ts.queryClient(), "SELECT count(*) FROM \"db\".\"t\""));
        }
        String full = dir.resolve("full").toString();
        try (LocalTimestream ts = LocalTimestream.open(full, true)) {
            writeSamples(ts, "old", 20_000, now - 3 * HOUR, 50, NOISE);
        }
        try (LocalTimestream ts = LocalTimestream.open(full, true)) {
            assertTrue(before * 2 < ts.sizeOnDiskBytes(), "after retention " + before + " bytes, without " + ts.sizeOnDiskBytes());
        }
    }

    @Test
    void retentionRunsInTheBackground() throws Exception {
        long now = System.currentTimeMillis();
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true, Duration.ofSeconds(2))) {
            ts.writeClient().writeRecords(write("db", "t", rec("m", 1, now - 10 * HOUR), rec("m", 2, now + HOUR)));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (queryAll(ts.queryClient(), "SELECT 1 FROM \"db\".\"t\"").size() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(List.of(List.of("2.0")), queryAll(ts.queryClient(), "SELECT measure_value::double FROM \"db\".\"t\""));
        }
    }

    /** The statements of layout 1, as the engine created a table and wrote a record before the series layout. */
    private static void writeLayoutOne(Path directory) throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("timestream") + ";DATABASE_TO_LOWER=TRUE";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS \"ts$catalog\"");
            st.execute("CREATE TABLE IF NOT EXISTS \"ts$catalog\".\"databases\" (\"name\" VARCHAR PRIMARY KEY, \"created\" BIGINT NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS \"ts$catalog\".\"tables\" (\"db\" VARCHAR NOT NULL, \"name\" VARCHAR NOT NULL, "
                    + "\"created\" BIGINT NOT NULL, \"value_types\" VARCHAR NOT NULL, PRIMARY KEY (\"db\", \"name\"))");
            st.execute("CREATE SCHEMA IF NOT EXISTS \"db$prom\"");
            st.execute("INSERT INTO \"ts$catalog\".\"databases\" VALUES ('prom', 1000)");
            st.execute("CREATE TABLE \"db$prom\".\"metrics$data\" (\"ts_series\" VARCHAR NOT NULL, \"time\" TIMESTAMP(9) NOT NULL, "
                    + "\"measure_name\" VARCHAR NOT NULL, \"measure_value::double\" VARCHAR, \"measure_value::bigint\" BIGINT, "
                    + "\"measure_value::varchar\" VARCHAR, \"measure_value::boolean\" BOOLEAN, \"ts_version\" BIGINT NOT NULL, "
                    + "PRIMARY KEY (\"ts_series\", \"time\"))");
            st.execute("CREATE INDEX \"metrics$by_measure\" ON \"db$prom\".\"metrics$data\" (\"measure_name\", \"time\")");
            st.execute("INSERT INTO \"ts$catalog\".\"tables\" VALUES ('prom', 'metrics', 1000, '')");
            st.execute("ALTER TABLE \"db$prom\".\"metrics$data\" ADD COLUMN IF NOT EXISTS \"instance\" VARCHAR");
            st.execute("ALTER TABLE \"db$prom\".\"metrics$data\" ADD COLUMN IF NOT EXISTS \"job\" VARCHAR");
            st.execute("UPDATE \"ts$catalog\".\"tables\" SET \"value_types\" = 'DOUBLE' WHERE \"db\" = 'prom' AND \"name\" = 'metrics'");
            st.execute("CREATE OR REPLACE VIEW \"db$prom\".\"metrics\" AS SELECT \"instance\", \"job\", \"measure_name\", \"time\", "
                    + "\"measure_value::double\" FROM \"db$prom\".\"metrics$data\"");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO \"db$prom\".\"metrics$data\" (\"ts_series\", \"time\", "
                    + "\"measure_name\", \"measure_value::double\", \"measure_value::bigint\", \"measure_value::varchar\", "
                    + "\"measure_value::boolean\", \"ts_version\", \"instance\", \"job\") VALUES (?, ?, ?, ?, NULL, NULL, NULL, 1, ?, ?)")) {
                Object[][] rows = {{"up", "a:1", "node", 1000L, "1.0"}, {"up", "a:1", "node", 2000L, "-0.0"},
                    {"up", null, "node", 1000L, "0.1"}, {"load", "a:1", null, 3000L, "4.9E-324"}};
                for (Object[] r : rows) {
                    SortedMap<String, String> dims = new TreeMap<>();
                    if (r[1] != null) {
                        dims.put("instance", (String) r[1]);
                    }
                    if (r[2] != null) {
                        dims.put("job", (String) r[2]);
                    }
                    ps.setString(1, TimestreamRules.seriesKey((String) r[0], dims));
                    ps.setObject(2, H2Store.toTime((Long) r[3] * 1_000_000L));
                    ps.setString(3, (String) r[0]);
                    ps.setString(4, (String) r[4]);
                    ps.setString(5, (String) r[1]);
                    ps.setString(6, (String) r[2]);
                    ps.executeUpdate();
                }
            }
            st.execute("SHUTDOWN");
        }
    }

    @Test
    void aDirectoryOfTheOldLayoutIsConvertedOnOpen() throws Exception {
        Path data = dir.resolve("old");
        Files.createDirectories(data);
        writeLayoutOne(data);
        List<List<String>> expected = List.of(
                Arrays.asList(null, "node", "up", "1970-01-01 00:00:01.000000000", "0.1"),
                Arrays.asList("a:1", null, "load", "1970-01-01 00:00:03.000000000", "4.9E-324"),
                Arrays.asList("a:1", "node", "up", "1970-01-01 00:00:01.000000000", "1.0"),
                Arrays.asList("a:1", "node", "up", "1970-01-01 00:00:02.000000000", "-0.0"));
        String sql = "SELECT * FROM \"prom\".\"metrics\" ORDER BY \"instance\", measure_name, time";
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), false)) {
            assertEquals(expected, queryAll(ts.queryClient(), sql));
            assertEquals(5, queryAll(ts.queryClient(), "DESCRIBE \"prom\".\"metrics\"").size());
            // the converted samples still decide duplicates, and the converted series get new samples
            assertThrows(RejectedRecordsException.class,
                    () -> ts.writeClient().writeRecords(write("prom", "metrics", rec("up", 7, 1000, "instance", "a:1", "job", "node"))));
            ts.writeClient().writeRecords(write("prom", "metrics", rec("up", 1.0, 1000, "instance", "a:1", "job", "node"),
                    rec("up", 3, 4000, "instance", "a:1", "job", "node")));
        }
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), false)) {
            assertEquals(5, queryAll(ts.queryClient(), sql).size());
            assertEquals(List.of(List.of("2")), queryAll(ts.queryClient(),
                    "SELECT count(DISTINCT \"instance\") + count(DISTINCT measure_name) FROM \"prom\".\"metrics\" WHERE \"job\" = 'node'"));
        }
    }

    @Test
    void aNewLabelNameLeavesTheSamplesTableAlone() throws Exception {
        Path data = dir.resolve("labels");
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("m", 1, 1000, "a", "x")));
            ts.writeClient().writeRecords(write("db", "t", rec("m", 2, 2000, "a", "x", "b", "y")));
            assertEquals(List.of(Arrays.asList("x", null, "1.0"), Arrays.asList("x", "y", "2.0")),
                    queryAll(ts.queryClient(), "SELECT \"a\", \"b\", measure_value::double FROM \"db\".\"t\" ORDER BY time"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("timestream") + ";DATABASE_TO_LOWER=TRUE");
             Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 't$samples' ORDER BY ORDINAL_POSITION")) {
            List<String> columns = new ArrayList<>();
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
            assertEquals(List.of("ts_id", "time", "ts_v_double", "ts_v_bigint", "ts_v_varchar", "ts_v_boolean", "ts_version"), columns);
        }
    }

    @Test
    void aPathThatIsAFileIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        LocalStorageException e = assertThrows(LocalStorageException.class, () -> LocalTimestream.open(file.toString(), true));
        assertEquals("local storage path " + file + " is not a directory", e.getMessage());
    }

    @Test
    void aDirectoryInUseIsRefusedWithOneLine() {
        String path = dir.resolve("shared").toString();
        try (LocalTimestream first = LocalTimestream.open(path, true)) {
            LocalStorageException e = assertThrows(LocalStorageException.class, () -> LocalTimestream.open(path, true));
            assertTrue(e.getMessage().contains("is already in use by another connector"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            first.writeClient().writeRecords(write("db", "t", rec("m", 1, 1000)));
        }
        try (LocalTimestream again = LocalTimestream.open(path, true)) {
            assertEquals(1, queryAll(again.queryClient(), "SELECT 1 FROM \"db\".\"t\"").size());
        }
    }

    @Test
    void aDirectoryThatIsNotWritableIsNamed() throws Exception {
        Path ro = Files.createDirectories(dir.resolve("read-only"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        boolean immutable = false;
        try {
            if (Files.isWritable(ro)) {
                // permissions do not bind the superuser; an immutable directory does
                immutable = new ProcessBuilder("chattr", "+i", ro.toString()).start().waitFor() == 0;
                assumeTrue(immutable, "cannot make a directory read-only for this user");
            }
            LocalStorageException e = assertThrows(LocalStorageException.class, () -> LocalTimestream.open(ro.toString(), true));
            assertTrue(e.getMessage().startsWith("local storage directory " + ro + " is not writable"), e.getMessage());
        } finally {
            if (immutable) {
                new ProcessBuilder("chattr", "-i", ro.toString()).start().waitFor();
            }
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void anExponentialRegexForBacktrackingAnswersAtOnce() {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("m", 1, 1000, "long", "a".repeat(40)),
                    rec("m", 2, 1000, "long", "a".repeat(2000) + "c")));
            // Java's matcher would need about 2^40 steps on the first value; RE2J reads it once
            List<List<String>> rows = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> queryAll(ts.queryClient(),
                    "SELECT measure_name FROM \"db\".\"t\" WHERE REGEXP_LIKE(\"long\", '^(?:((a+)+)+c)\\z')"));
            assertEquals(1, rows.size(), "only the value ending in c matches: " + rows);
            assertEquals(2, queryAll(ts.queryClient(), "SELECT 1 FROM \"db\".\"t\" WHERE REGEXP_LIKE(\"long\", '^(?:a+c?)\\z')").size());
        }
    }

    @Test
    void anExponentialRegexJavaMustEvaluateFailsTheQueryInsteadOfRunningForever() {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("m", 1, 1000, "long", "a".repeat(40))));
            // a case-insensitive flag keeps Java's matcher (its case folding differs from RE2's), bounded
            ValidationException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(ValidationException.class,
                    () -> queryAll(ts.queryClient(), "SELECT * FROM \"db\".\"t\" WHERE REGEXP_LIKE(\"long\", '^(?iu:((a+)+)+c)\\z')")));
            assertTrue(e.getMessage().contains("regular expression"), e.getMessage());
            assertEquals(1, queryAll(ts.queryClient(), "SELECT 1 FROM \"db\".\"t\" WHERE REGEXP_LIKE(\"long\", '^(?iu:A+)\\z')").size());
        }
    }

    @Test
    void aQueryPastItsDeadlineIsCancelled() throws Exception {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            writeSamples(ts, "m", 3000, 1000, 1);
            ts.queryTimeout(Duration.ofMillis(300));
            String sql = "SELECT * FROM \"db\".\"t\"";
            QueryResponse first = ts.queryClient().query(QueryRequest.builder().queryString(sql).build());
            assertEquals(1000, first.rows().size());
            Thread.sleep(600);
            ValidationException e = assertThrows(ValidationException.class,
                    () -> ts.queryClient().query(QueryRequest.builder().queryString(sql).nextToken(first.nextToken()).build()));
            assertTrue(e.getMessage().contains("deadline"), e.getMessage());
        }
    }

    @Test
    void aRepeatedNextTokenGetsTheSamePageAgain() {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            writeSamples(ts, "m", 2500, 1000, 1);
            String sql = "SELECT measure_value::double FROM \"db\".\"t\" ORDER BY time";
            QueryResponse first = ts.queryClient().query(QueryRequest.builder().queryString(sql).build());
            QueryResponse second = ts.queryClient().query(QueryRequest.builder().queryString(sql).nextToken(first.nextToken()).build());
            QueryResponse again = ts.queryClient().query(QueryRequest.builder().queryString(sql).nextToken(first.nextToken()).build());
            assertEquals(second.rows(), again.rows());
            assertEquals("1000.0", Records.values(again.rows().get(0)).get(0));
            QueryResponse third = ts.queryClient().query(QueryRequest.builder().queryString(sql).nextToken(again.nextToken()).build());
            assertEquals(500, third.rows().size());
        }
    }

    @Test
    void aNewLabelNameDuringAStreamingReadFailsTheReadInsteadOfCuttingItShort() {
        try (LocalTimestream ts = LocalTimestream.open(dir.resolve("streaming").toString(), true)) {
            writeSamples(ts, "m", 2500, 1000, 5);
            String sql = "SELECT * FROM \"db\".\"t\"";
            QueryResponse first = ts.queryClient().query(QueryRequest.builder().queryString(sql).build());
            ts.writeClient().writeRecords(write("db", "t", rec("m", 1, 999_999, "job", "j1", "brand_new", "x")));
            software.amazon.awssdk.services.timestreamquery.model.InternalServerException e = assertThrows(
                    software.amazon.awssdk.services.timestreamquery.model.InternalServerException.class,
                    () -> ts.queryClient().query(QueryRequest.builder().queryString(sql).nextToken(first.nextToken()).build()));
            assertTrue(e.getMessage().contains("gained a dimension"), e.getMessage());
            assertEquals(2501, queryAll(ts.queryClient(), sql).size());
        }
    }
}
