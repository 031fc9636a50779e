package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;

/**
 * Samples kept in heads and blocks (see {@link SampleBlock}) against a model of Timestream's write rules: appends
 * that fill and seal blocks, writes into the past, identical records, higher versions that move a sample out of
 * a head or a block, retention cutting blocks, checkpoints, a clean reopen and a replay of the write log; read
 * through the connector's query (blocks and heads read out by the engine) and through SQL of its own (the
 * view's branches) with random time bounds.
 */
class BlockLayoutTest {
    private static final int SERIES = 4;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    /** A stored sample in the model. */
    private record Stored(double value, long version) {
    }

    @Test
    void headsAndBlocksFollowTheWriteRulesAndReadBackExactly() throws Exception {
        Path data = dir.resolve("blocks");
        Random random = new Random(42);
        List<TreeMap<Long, Stored>> model = new ArrayList<>();
        long[] last = new long[SERIES];
        for (int s = 0; s < SERIES; s++) {
            model.add(new TreeMap<>());
            last[s] = T0;
        }
        LocalTimestream ts = LocalTimestream.open(data.toString(), true, Duration.ofDays(3650));
        try {
            for (int round = 0; round < 60; round++) {
                List<Record> batch = new ArrayList<>();
                List<long[]> keys = new ArrayList<>();
                List<Stored> wrote = new ArrayList<>();
                java.util.Set<String> inCall = new java.util.HashSet<>();
                while (batch.size() < 100) {
                    int s = random.nextInt(SERIES);
                    TreeMap<Long, Stored> m = model.get(s);
                    int kind = random.nextInt(10);
                    long time;
                    double value = Math.round(random.nextGaussian() * 1000) / 8.0;
                    long version = 1;
                    if (kind < 6 || m.isEmpty()) {
                        // an append, now and then past the span of a block
                        last[s] += kind == 0 ? SampleBlock.SPAN_MILLIS / 2 + random.nextInt(1000) : 1 + random.nextInt(30_000);
                        time = last[s];
                    } else {
                        Long existing = m.floorKey(T0 + (long) (random.nextDouble() * (last[s] - T0 + 1)));
                        // kind 9: a time just before the newest, as calls of one request stored out of order bring
                        time = existing != null && kind < 9 ? existing
                                : kind == 9 ? Math.max(T0 + 1, last[s] - 1 - random.nextInt(60_000)) : T0 + 1 + random.nextInt(1_000_000);
                        Stored old = m.get(time);
                        if (old != null && kind == 7) {
                            value = old.value(); // identical again
                            version = old.version();
                        } else if (old != null && kind == 8) {
                            version = old.version() + 1; // an upsert
                        }
                    }
                    if (!inCall.add(s + ":" + time)) {
                        continue; // one record per sample in a call
                    }
                    batch.add(rec("m", value, time, "s", "s" + s).toBuilder().version(version).build());
                    keys.add(new long[] {s, time});
                    wrote.add(new Stored(value, version));
                }
                java.util.Set<Integer> rejected = new java.util.HashSet<>();
                try {
                    ts.writeClient().writeRecords(write("db", "t", batch));
                } catch (RejectedRecordsException e) {
                    e.rejectedRecords().forEach(r -> rejected.add(r.recordIndex()));
                }
                java.util.Set<Integer> expectedRejected = new java.util.HashSet<>();
                for (int i = 0; i < batch.size(); i++) {
                    TreeMap<Long, Stored> m = model.get((int) keys.get(i)[0]);
                    long time = keys.get(i)[1];
                    Stored w = wrote.get(i);
                    Stored old = m.get(time);
                    if (old == null || w.version() > old.version()) {
                        m.put(time, w);
                    } else if (!(old.value() == w.value() && w.version() <= old.version())) {
                        expectedRejected.add(i);
                    }
                }
                assertEquals(expectedRejected, rejected, "round " + round);
                if (round % 7 == 3) {
                    ts.checkpoint();
                }
                if (round % 9 == 4) {
                    store(ts).flushAllHeads();
                }
                if (round % 10 == 9) {
                    check(ts, model, random);
                }
                if (round == 30) {
                    ts.close(); // clean: the heads become blocks
                    ts = LocalTimestream.open(data.toString(), true, Duration.ofDays(3650));
                    check(ts, model, random);
                }
            }
            // retention cuts through blocks and heads
            long cutoff = T0 + 3 * SampleBlock.SPAN_MILLIS + 12_345;
            for (TreeMap<Long, Stored> m : model) {
                m.headMap(cutoff).clear();
            }
            ts.close();
            ts = LocalTimestream.open(data.toString(), true, Duration.ofMillis(1_000_000));
            assertTrue(ts.applyRetention(cutoff + 1_000_000) > 0);
            check(ts, model, random);
        } finally {
            ts.close();
        }
        assertTrue(blockRows(data) > 10, "the samples are in blocks: " + blockRows(data));
    }

    @Test
    void aSampleStoredBesideTheHeadStillDecidesDuplicates() throws Exception {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("m", 1, T0 + 10, "s", "a")));
            // a higher version is no block sample: it goes to the points table, between head samples
            ts.writeClient().writeRecords(write("db", "t", rec("m", 2, T0 + 20, "s", "a").toBuilder().version(2L).build()));
            ts.writeClient().writeRecords(write("db", "t", rec("m", 3, T0 + 30, "s", "a")));
            RejectedRecordsException e = org.junit.jupiter.api.Assertions.assertThrows(RejectedRecordsException.class,
                    () -> ts.writeClient().writeRecords(write("db", "t", rec("m", 9, T0 + 20, "s", "a"))));
            assertEquals(2L, e.rejectedRecords().get(0).existingVersion());
            // out of order but new: kept, once
            ts.writeClient().writeRecords(write("db", "t", rec("m", 4, T0 + 25, "s", "a")));
            assertEquals(List.of(List.of("1.0"), List.of("2.0"), List.of("4.0"), List.of("3.0")),
                    queryAll(ts.queryClient(), "SELECT measure_value::double FROM \"db\".\"t\" ORDER BY time"));
        }
    }

    @Test
    void aReadOfOneSeriesCopiesTheHeadOfThatSeriesOnly() throws Exception {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            List<Record> batch = new ArrayList<>();
            for (String s : new String[] {"a", "b", "c"}) {
                for (int i = 0; i < 5; i++) {
                    batch.add(rec("m", i, T0 + i * 15_000L, "s", s));
                }
            }
            ts.writeClient().writeRecords(write("db", "t", batch));
            ts.pageRows(2);
            QueryResponse page = ts.queryClient().query(QueryRequest.builder()
                    .queryString("SELECT * FROM \"db\".\"t\" WHERE s = 'b'").build());
            assertEquals(2, page.rows().size());
            Field engine = LocalTimestream.class.getDeclaredField("queryEngine");
            engine.setAccessible(true);
            Field cursors = QueryEngine.class.getDeclaredField("cursors");
            cursors.setAccessible(true);
            Object cursor = ((Map<?, ?>) cursors.get(engine.get(ts))).values().iterator().next();
            Field heads = cursor.getClass().getDeclaredField("heads");
            heads.setAccessible(true);
            assertEquals(1, ((Map<?, ?>) heads.get(cursor)).size(), "the heads copied for the read");
            List<String> values = new ArrayList<>();
            do {
                page.rows().forEach(r -> values.add(r.data().get(r.data().size() - 1).scalarValue()));
                page = page.nextToken() == null ? null : ts.queryClient().query(QueryRequest.builder()
                        .queryString("SELECT * FROM \"db\".\"t\" WHERE s = 'b'").nextToken(page.nextToken()).build());
            } while (page != null);
            assertEquals(5, values.size(), values.toString());
        }
    }

    @Test
    void aHeadWrittenAsABlockGivesBackItsMemory() throws Exception {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            List<Record> batch = new ArrayList<>();
            for (String s : new String[] {"a", "b"}) {
                for (int i = 0; i < 40; i++) {
                    batch.add(rec("m", i, T0 + i * 15_000L, "s", s));
                }
            }
            ts.writeClient().writeRecords(write("db", "t", batch));
            H2Store store = store(ts);
            Catalog.TableMeta t = store.catalog.databases.values().iterator().next().tables.values().iterator().next();
            for (Catalog.SeriesState s : t.series.values()) {
                assertEquals(40, s.headSize);
            }
            store.flushAllHeads();
            for (Catalog.SeriesState s : t.series.values()) {
                assertEquals(0, s.headSize);
                assertEquals(0, s.headMillis.length + s.headBits.length, "a series that is never written again keeps no head");
            }
            // the series goes on from its block
            ts.writeClient().writeRecords(write("db", "t", rec("m", 40, T0 + 40 * 15_000L, "s", "a")));
            assertEquals(List.of(List.of("41", "820.0")), queryAll(ts.queryClient(),
                    "SELECT count(*), sum(measure_value::double) FROM \"db\".\"t\" WHERE s = 'a'"));
        }
    }

    @Test
    void aWriteWhileTheEngineClosesIsKeptOrRefused() throws Exception {
        Path data = dir.resolve("closing");
        LocalTimestream ts = LocalTimestream.open(data.toString(), true);
        ts.writeClient().writeRecords(write("db", "t1", rec("m", 1, T0, "s", "a")));
        ts.writeClient().writeRecords(write("db", "t2", rec("m", 1, T0, "s", "a")));
        H2Store store = store(ts);
        List<Catalog.TableMeta> order = new ArrayList<>();
        store.catalog.databases.values().forEach(db -> order.addAll(db.tables.values()));
        Catalog.TableMeta first = order.get(0);
        Catalog.TableMeta last = order.get(1);
        // the close flushes the first table's heads, then waits for the second's
        last.heads.lock();
        Thread closing = new Thread(ts::close);
        boolean written;
        try {
            closing.start();
            while (!last.heads.hasQueuedThreads()) {
                Thread.sleep(1);
            }
            try {
                ts.writeClient().writeRecords(write("db", first.name, rec("m", 2, T0 + 15_000L, "s", "a")));
                written = true;
            } catch (RuntimeException refused) {
                written = false;
            }
        } finally {
            last.heads.unlock();
        }
        closing.join();
        try (LocalTimestream again = LocalTimestream.open(data.toString(), true)) {
            List<List<String>> rows = queryAll(again.queryClient(), "SELECT measure_value::double FROM \"db\".\"" + first.name + "\" ORDER BY time");
            assertEquals(written ? List.of(List.of("1.0"), List.of("2.0")) : List.of(List.of("1.0")), rows, "written: " + written);
        }
    }

    @Test
    void theWriteLogBringsBackHeadsAfterACrash() throws Exception {
        Path data = dir.resolve("crash");
        List<TreeMap<Long, Stored>> model = new ArrayList<>();
        LocalTimestream ts = LocalTimestream.open(data.toString(), true);
        for (int s = 0; s < SERIES; s++) {
            model.add(new TreeMap<>());
        }
        for (int call = 0; call < 20; call++) {
            List<Record> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int s = i % SERIES;
                long time = T0 + (call * 25L + i / SERIES) * 15_000L;
                batch.add(rec("m", call * 1000 + i, time, "s", "s" + s));
                model.get(s).put(time, new Stored(call * 1000 + i, 1));
            }
            ts.writeClient().writeRecords(write("db", "t", batch));
            if (call == 10) {
                ts.checkpoint();
            }
        }
        // no close: the process stops here with samples in heads; a second engine opens the directory after it
        abandon(ts);
        try (LocalTimestream again = LocalTimestream.open(data.toString(), true)) {
            check(again, model, new Random(1));
        }
    }

    @Test
    void aDirectoryWithoutBlocksGetsThemAtItsFirstOpen() throws Exception {
        Path data = dir.resolve("layout3");
        List<Record> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(rec("m", i, T0 + i * 15_000L, "s", "a"));
        }
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), true)) {
            ts.writeClient().writeRecords(write("db", "t", batch));
        }
        // what layout 3 left: every sample a row of the points table, no blocks table, the view without it
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + data.resolve("timestream") + ";DATABASE_TO_LOWER=TRUE");
             Statement st = c.createStatement()) {
            st.execute("DROP VIEW \"db$db\".\"t\"");
            st.execute("INSERT INTO \"db$db\".\"t$points\" SELECT \"ts_k\" - MOD(\"ts_k\", 4398046511104) + "
                    + "ts_block_time(\"ts_b\", CAST(x.i AS INT)), ts_block_value(\"ts_b\", CAST(x.i AS INT)), NULL, NULL, NULL, 1 "
                    + "FROM \"db$db\".\"t$blocks\" JOIN SYSTEM_RANGE(0, 127) x(i) ON x.i < \"ts_n\"");
            st.execute("DROP TABLE \"db$db\".\"t$blocks\"");
            st.execute("UPDATE \"ts$catalog\".\"tables\" SET \"layout\" = 3");
            st.execute("CREATE VIEW \"db$db\".\"t\" AS SELECT 1 AS \"x\"");
        }
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), true)) {
            assertEquals(List.of(List.of("100")), queryAll(ts.queryClient(), "SELECT count(*) FROM \"db\".\"t\""));
            List<Record> more = new ArrayList<>();
            for (int i = 100; i < 200; i++) {
                more.add(rec("m", i, T0 + i * 15_000L, "s", "a"));
            }
            ts.writeClient().writeRecords(write("db", "t", more));
            // old rows still decide duplicates
            RejectedRecordsException e = org.junit.jupiter.api.Assertions.assertThrows(RejectedRecordsException.class,
                    () -> ts.writeClient().writeRecords(write("db", "t", rec("m", -1, T0 + 15_000L, "s", "a"))));
            assertEquals(1L, e.rejectedRecords().get(0).existingVersion());
            assertEquals(List.of(List.of("200", "19900.0")), queryAll(ts.queryClient(),
                    "SELECT count(*), sum(measure_value::double) FROM \"db\".\"t\""));
        }
        assertTrue(blockRows(data) > 0, "new samples go into blocks");
    }

    /** Stops an engine the way a killed process does: nothing flushed, the directory's lock released. */
    private static void abandon(LocalTimestream ts) throws Exception {
        H2Store store = store(ts);
        Connection c = store.borrow();
        try (Statement st = c.createStatement()) {
            st.execute("SHUTDOWN IMMEDIATELY");
        } catch (java.sql.SQLException ignored) {
            // the connection goes with the database
        }
        for (String name : new String[] {"checkpointTask", "retentionTask"}) {
            Field f = LocalTimestream.class.getDeclaredField(name);
            f.setAccessible(true);
            Object task = f.get(ts);
            if (task != null) {
                ((java.util.concurrent.ExecutorService) task).shutdownNow();
            }
        }
        Field lock = LocalTimestream.class.getDeclaredField("lockChannel");
        lock.setAccessible(true);
        Object channel = lock.get(ts);
        if (channel != null) {
            ((java.nio.channels.FileChannel) channel).close();
        }
        Field log = LocalTimestream.class.getDeclaredField("writeLog");
        log.setAccessible(true);
        ((WriteLog) log.get(ts)).close();
    }

    private static void check(LocalTimestream ts, List<TreeMap<Long, Stored>> model, Random random) {
        for (int q = 0; q < 6; q++) {
            long from = q == 0 ? 0 : T0 + (long) (random.nextDouble() * 20 * SampleBlock.SPAN_MILLIS) - SampleBlock.SPAN_MILLIS;
            long to = q == 0 ? T0 * 2 : from + (long) (random.nextDouble() * 6 * SampleBlock.SPAN_MILLIS);
            TreeMap<String, String> expected = new TreeMap<>();
            for (int s = 0; s < SERIES; s++) {
                for (Map.Entry<Long, Stored> e : model.get(s).subMap(from, true, to, true).entrySet()) {
                    expected.put("s" + s + "@" + QueryEngine.formatTime(H2Store.toTime(e.getKey() * 1_000_000L)),
                            DoubleText.format(e.getValue().value()));
                }
            }
            String where = " WHERE time BETWEEN from_milliseconds(" + from + ") AND from_milliseconds(" + to + ")";
            // the connector's query: blocks and heads are read out by the engine, page by page
            ts.pageRows(97);
            TreeMap<String, String> fast = new TreeMap<>();
            int rows = 0;
            QueryResponse page = null;
            do {
                QueryRequest.Builder req = QueryRequest.builder().queryString("SELECT * FROM \"db\".\"t\"" + where);
                page = ts.queryClient().query(page == null ? req.build() : req.nextToken(page.nextToken()).build());
                int s = -1;
                int time = -1;
                int value = -1;
                for (int i = 0; i < page.columnInfo().size(); i++) {
                    String name = page.columnInfo().get(i).name();
                    s = name.equals("s") ? i : s;
                    time = name.equals("time") ? i : time;
                    value = name.equals("measure_value::double") ? i : value;
                }
                for (var row : page.rows()) {
                    rows++;
                    fast.put(row.data().get(s).scalarValue() + "@" + row.data().get(time).scalarValue(), row.data().get(value).scalarValue());
                }
            } while (page.nextToken() != null);
            assertEquals(expected, fast, "the connector's query over [" + from + ", " + to + "]");
            assertEquals(expected.size(), rows, "each sample once");
            ts.pageRows(1000);
            // SQL of its own: the view's branches
            TreeMap<String, String> sql = new TreeMap<>();
            List<List<String>> all = queryAll(ts.queryClient(), "SELECT s, time, measure_value::double FROM \"db\".\"t\"" + where + " ORDER BY s, time");
            for (List<String> r : all) {
                sql.put(r.get(0) + "@" + r.get(1), r.get(2));
            }
            assertEquals(expected, sql, "SQL over [" + from + ", " + to + "]");
            assertEquals(expected.size(), all.size(), "each sample once");
            assertEquals(List.of(List.of(Integer.toString(expected.size()))),
                    queryAll(ts.queryClient(), "SELECT count(*) FROM \"db\".\"t\"" + where));
        }
    }

    private static long blockRows(Path data) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + data.resolve("timestream") + ";DATABASE_TO_LOWER=TRUE");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM \"db$db\".\"t$blocks\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static H2Store store(LocalTimestream ts) throws ReflectiveOperationException {
        Field f = LocalTimestream.class.getDeclaredField("store");
        f.setAccessible(true);
        return (H2Store) f.get(ts);
    }
}
