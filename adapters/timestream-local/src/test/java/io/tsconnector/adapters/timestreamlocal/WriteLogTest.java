package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;

/** The write log: what a call acknowledged survives a crash of the process; replay changes nothing stored. */
class WriteLogTest {
    @TempDir
    Path dir;

    /** Records per call of {@link CrashWriter}; call b writes series s0..s99 at second b + 1. */
    static final int PER_CALL = 100;

    /**
     * A process writes calls as fast as it can and prints each acknowledged one; it is killed (SIGKILL) right
     * after an acknowledgement, before H2's background writer (every 500 ms) can have written the last calls.
     * Every acknowledged call must read back after the next open.
     */
    @Test
    void everyAcknowledgedCallSurvivesAKilledProcess() throws Exception {
        Path data = dir.resolve("data");
        for (int round = 0; round < 3; round++) {
            int before = countRows(data);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    CrashWriter.class.getName(), data.toString(), Integer.toString(before / PER_CALL))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int acked = -1;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
                    if (line.startsWith("acked ")) {
                        acked = Integer.parseInt(line.substring(6));
                        if (acked >= before / PER_CALL + 150 + round * 50) {
                            child.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no close (Process.destroy would close our end of its output)
                            break;
                        }
                    }
                }
                // lines printed before the kill still count as acknowledged
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("acked ")) {
                        acked = Math.max(acked, Integer.parseInt(line.substring(6)));
                    }
                }
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            assertTrue(acked > before / PER_CALL, "the writer acknowledged calls (round " + round + ")");
            try (LocalTimestream ts = LocalTimestream.open(data.toString(), true)) {
                List<List<String>> rows = queryAll(ts.queryClient(), "SELECT count(*) FROM \"db\".\"t\" WHERE time <= from_milliseconds("
                        + (acked + 1) * 1000L + ")");
                assertEquals(Integer.toString((acked + 1) * PER_CALL), rows.get(0).get(0),
                        "calls 0 to " + acked + " were acknowledged before the kill (round " + round + ")");
            }
        }
    }

    private static int countRows(Path data) {
        if (!Files.exists(data)) {
            return 0;
        }
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), true)) {
            return Integer.parseInt(queryAll(ts.queryClient(), "SELECT count(*) FROM \"db\".\"t\"").get(0).get(0));
        }
    }

    /** Writes calls {@code first, first + 1, ...} until killed, printing {@code acked N} after each. */
    public static final class CrashWriter {
        public static void main(String[] args) {
            int call = Integer.parseInt(args[1]);
            LocalTimestream ts = LocalTimestream.open(args[0], true);
            while (true) {
                List<Record> records = new ArrayList<>(PER_CALL);
                for (int s = 0; s < PER_CALL; s++) {
                    records.add(rec("m", call * 0.5 + s, (call + 1) * 1000L, "s", "s" + s, "job", "crash"));
                }
                ts.writeClient().writeRecords(write("db", "t", records));
                System.out.println("acked " + call);
                System.out.flush();
                call++;
            }
        }
    }

    @Test
    void replayOfStoredRecordsChangesNothingAndAppliesTheMissingOnes() throws Exception {
        Path data = dir.resolve("replay");
        Files.createDirectories(data);
        SortedMap<String, String> dims = new TreeMap<>(java.util.Map.of("job", "a"));
        List<TimestreamRules.ValidRecord> calls = List.of(
                new TimestreamRules.ValidRecord(0, "up", dims, MeasureValueType.DOUBLE, 1.0, 1_000_000_000L, 1),
                new TimestreamRules.ValidRecord(1, "up", dims, MeasureValueType.DOUBLE, 2.0, 2_000_000_000L, 1),
                // a higher version replaces the first value
                new TimestreamRules.ValidRecord(2, "up", dims, MeasureValueType.DOUBLE, 7.0, 1_000_000_000L, 5));
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("up", 1.0, 1000, "job", "a"), rec("up", 2.0, 2000, "job", "a")));
        }
        // a log a killed process left: the calls above again (stored already), a version upsert and a new
        // sample of a new label name, in two segments, the last one cut short in its last frame
        appendFrame(data, 1, "db", "t", calls);
        appendFrame(data, 2, "db", "t", List.of(new TimestreamRules.ValidRecord(0, "up",
                new TreeMap<>(java.util.Map.of("job", "a", "zone", "z")), MeasureValueType.DOUBLE, -0.0, 3_000_000_000L, 1)));
        ByteBuffer torn = WriteLog.encode("db", "t", List.of(calls.get(0)));
        Files.write(WriteLog.segment(data, 2), java.util.Arrays.copyOf(torn.array(), torn.limit() - 3), StandardOpenOption.APPEND);
        for (int open = 0; open < 2; open++) {
            try (LocalTimestream ts = LocalTimestream.open(data.toString(), false)) {
                assertEquals(List.of(
                        java.util.Arrays.asList("a", "up", "1970-01-01 00:00:01.000000000", "7.0", null),
                        java.util.Arrays.asList("a", "up", "1970-01-01 00:00:02.000000000", "2.0", null),
                        java.util.Arrays.asList("a", "up", "1970-01-01 00:00:03.000000000", "-0.0", "z")),
                        queryAll(ts.queryClient(), "SELECT job, measure_name, time, measure_value::double, zone FROM \"db\".\"t\" ORDER BY time"));
                assertEquals(List.of(), WriteLog.segments(data).subList(0, WriteLog.segments(data).size() - 1),
                        "the replayed segments are deleted once applied");
            }
            assertEquals(List.of(), WriteLog.segments(data), "a clean close leaves no log");
        }
    }

    @Test
    void checkpointDeletesTheSegmentsH2HasWritten() throws Exception {
        Path data = dir.resolve("checkpoint");
        try (LocalTimestream ts = LocalTimestream.open(data.toString(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("n", 1, 1000, "job", "a").toBuilder()
                    .measureValueType(MeasureValueType.BIGINT).measureValue("1").build()));
            List<Long> before = WriteLog.segments(data);
            assertEquals(1, before.size());
            assertTrue(Files.size(WriteLog.segment(data, before.get(0))) > 0, "the call is in the log");
            ts.checkpoint();
            List<Long> after = WriteLog.segments(data);
            assertEquals(1, after.size());
            assertTrue(after.get(0) > before.get(0));
            assertEquals(0, Files.size(WriteLog.segment(data, after.get(0))));
            ts.checkpoint(); // nothing new: no new segment
            assertEquals(after, WriteLog.segments(data));

            // a DOUBLE sample waits in its series' head (memory) until a block is full: its segment stays
            long s2 = after.get(0);
            ts.writeClient().writeRecords(write("db", "t", rec("up", 1.0, 1000, "job", "a")));
            ts.checkpoint();
            assertEquals(List.of(s2, s2 + 1), WriteLog.segments(data));
            // 128 more fill a block; the one left over is in the segment current now
            List<Record> more = new ArrayList<>();
            for (int i = 1; i <= SampleBlock.MAX_SAMPLES; i++) {
                more.add(rec("up", i, 1000 + i * 1000L, "job", "a"));
            }
            ts.writeClient().writeRecords(write("db", "t", more.subList(0, 100)));
            ts.writeClient().writeRecords(write("db", "t", more.subList(100, more.size())));
            ts.checkpoint();
            assertEquals(List.of(s2 + 1, s2 + 2), WriteLog.segments(data), "the segments before the head's sample are deleted");
            assertEquals(List.of(List.of("129")), queryAll(ts.queryClient(), "SELECT count(*) FROM \"db\".\"t\" WHERE measure_name = 'up'"));
        }
    }

    @Test
    void framesRoundTripEveryValueType() {
        SortedMap<String, String> dims = new TreeMap<>(java.util.Map.of("k", "v\u00e9\n", "a", ""));
        List<TimestreamRules.ValidRecord> in = List.of(
                new TimestreamRules.ValidRecord(0, "m", dims, MeasureValueType.DOUBLE, Double.longBitsToDouble(0x7ff0000000000123L), -5, 1),
                new TimestreamRules.ValidRecord(1, "m", dims, MeasureValueType.BIGINT, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE),
                new TimestreamRules.ValidRecord(2, "v", new TreeMap<>(), MeasureValueType.BOOLEAN, true, 0, 0),
                new TimestreamRules.ValidRecord(3, "m", dims, MeasureValueType.VARCHAR, "m", 7, 2));
        ByteBuffer frame = WriteLog.encode("d", "t", in);
        WriteLog.Entry out = WriteLog.decode(frame.position(8).slice());
        assertEquals("d", out.database());
        assertEquals("t", out.table());
        assertEquals(in.size(), out.records().size());
        for (int i = 0; i < in.size(); i++) {
            TimestreamRules.ValidRecord a = in.get(i);
            TimestreamRules.ValidRecord b = out.records().get(i);
            assertEquals(a.measureName(), b.measureName());
            assertEquals(a.dimensions(), b.dimensions());
            assertEquals(a.type(), b.type());
            assertEquals(a.value() instanceof Double d ? Double.doubleToRawLongBits(d) : a.value(),
                    b.value() instanceof Double d ? Double.doubleToRawLongBits(d) : b.value());
            assertEquals(a.timeNanos(), b.timeNanos());
            assertEquals(a.version(), b.version());
            assertEquals(a.seriesKey(), b.seriesKey());
        }
    }

    private static void appendFrame(Path data, long seq, String db, String table, List<TimestreamRules.ValidRecord> records)
            throws IOException {
        ByteBuffer frame = WriteLog.encode(db, table, records);
        Files.write(WriteLog.segment(data, seq), java.util.Arrays.copyOf(frame.array(), frame.limit()),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
