package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import io.tsconnector.domain.Labels;
import org.junit.jupiter.api.Test;

/** Line protocol text and the counting of InfluxDB's partial-write answers. */
class InfluxSeriesWriterTest {
    @Test
    void pointsAreLineProtocolWithSortedTagsAndShortestRoundTripValues() {
        byte[] key = LineProtocol.seriesKey("t a,b", Labels.of("__name__", "up x", "zone", "a=b", "Code", "2 0", "job", "j,k"));
        LineProtocol.Bytes out = new LineProtocol.Bytes(16);
        LineProtocol.appendPoint(key, 1e300, 1000, out);
        LineProtocol.appendPoint(key, -0.0, 1001, out);
        LineProtocol.appendPoint(key, 0.1 + 0.2, 1002, out);
        assertEquals("""
                t\\ a\\,b,Code=2\\ 0,job=j\\,k,measure_name=up\\ x,zone=a\\=b measure_value::double=1.0E300 1000
                t\\ a\\,b,Code=2\\ 0,job=j\\,k,measure_name=up\\ x,zone=a\\=b measure_value::double=-0.0 1001
                t\\ a\\,b,Code=2\\ 0,job=j\\,k,measure_name=up\\ x,zone=a\\=b measure_value::double=0.30000000000000004 1002
                """, new String(out.array(), 0, out.size(), StandardCharsets.UTF_8));
    }

    @Test
    void partialWriteCountsUnparsableAndDroppedPoints() {
        assertEquals(3, InfluxSeriesWriter.refusedPoints("partial write: points beyond retention policy dropped=3", 10));
        assertEquals(2, InfluxSeriesWriter.refusedPoints("partial write: unable to parse 'a': x\nunable to parse 'b': y dropped=0", 10));
        assertEquals(10, InfluxSeriesWriter.refusedPoints("partial write: something else", 10), "unknown: all");
        assertEquals(10, InfluxSeriesWriter.refusedPoints("partial write: dropped=99", 10), "never more than sent");
        // InfluxDB 2 (422): the count before the database, after series keys that may hold "dropped=" themselves
        assertEquals(2, InfluxSeriesWriter.refusedPoints("failure writing points to database: partial write: dropped 2 "
                + "points outside retention policy of duration 1h0m0s - oldest point m,x=dropped\\=5 at 2026-12-01T00:00:00Z"
                + " dropped=2 for database: 0a1b2c3d4e5f6a7b for retention policy: autogen", 10));
    }

    @Test
    void theLinesInfluxDbCouldNotParseAreNamedWithWhy() {
        assertEquals(java.util.Map.of("m,a=b x=1 1", "invalid tag format", "m,c=d': e x=1 2", "cannot use reserved tag key \"_field\""),
                InfluxSeriesWriter.unparsableLines("unable to parse 'm,a=b x=1 1': invalid tag format\n"
                        + "unable to parse 'm,c=d': e x=1 2': cannot use reserved tag key \"_field\""));
        assertEquals(java.util.Map.of(), InfluxSeriesWriter.unparsableLines("something else"));
    }

    @Test
    void errorTextsOfEveryVersionAreRead() {
        assertEquals("database not found: \"x\"", InfluxHttp.errorText("{\"error\":\"database not found: \\\"x\\\"\"}", null));
        assertEquals("unable to parse 'a': b\nunable to parse 'c': d", InfluxHttp.errorText(
                "{\"code\":\"invalid\",\"message\":\"unable to parse 'a': b\\nunable to parse 'c': d\"}", null));
        assertEquals("unauthorized", InfluxHttp.errorText("{\"code\":\"unauthorized\",\"message\":\"\"}", null));
        assertEquals("from the header", InfluxHttp.errorText("{\"error\":\"x\"}", "from the header"));
        assertEquals("<html>bad gateway</html>", InfluxHttp.errorText("<html>bad gateway</html>\n", null));
        assertEquals("{\"error\":", InfluxHttp.errorText("{\"error\":", null), "a cut document: as it is");
        // InfluxDB 3: the first line it could not parse, by number
        String v3 = "{\"error\":\"line protocol parsing error\",\"data\":{\"error_message\":\"invalid tag\","
                + "\"line_number\":3,\"original_line\":\"m,a=b x=1 1\"}}";
        assertEquals("line protocol parsing error: invalid tag (line 3 of the request)", InfluxHttp.errorText(v3, null));
        assertEquals(3, InfluxHttp.refusedLine(v3));
        assertEquals(-1, InfluxHttp.refusedLine("{\"error\":\"x\"}"));
        assertEquals(-1, InfluxHttp.refusedLine("not json"));
        assertEquals(1_003, InfluxHttp.errorText("{\"message\":\"" + "x".repeat(5_000) + "\"}", null).length());
    }

    @Test
    void labelsInfluxDb2RefusesAsTagKeysAndLongKeysAreRefused() {
        assertEquals(io.tsconnector.domain.IgnoreReason.UNSTORABLE_LABEL, LineProtocol.check(Labels.of("__name__", "up", "a", "x\ty")).reason());
        assertEquals(true, LineProtocol.unwritableMeasurement("a\0b") != null);
        for (String name : new String[] {"_field", "_measurement", "\0"}) {
            assertEquals(io.tsconnector.domain.IgnoreReason.UNSTORABLE_LABEL,
                    LineProtocol.check(Labels.of("__name__", "up", name, "v")).reason(), name);
        }
        assertEquals(null, LineProtocol.check(Labels.of("__name__", "up", "_fields", "v", "field", "v")));
        // the metric name goes under measure_name, 4 bytes longer than __name__; the field's name counts too
        String metric = "m".repeat(LineProtocol.MAX_SERIES_KEY_BYTES - 2 - LineProtocol.MEASURE_NAME.length());
        assertEquals(null, LineProtocol.check(Labels.of("__name__", metric)));
        assertEquals(io.tsconnector.domain.IgnoreReason.UNSTORABLE_LABEL,
                LineProtocol.check(Labels.of("__name__", metric + "m")).reason());
        // with the measurement: the whole key
        Labels fits = Labels.of("__name__", metric);
        assertEquals(null, LineProtocol.seriesKeyTooLong(LineProtocol.seriesKey("", fits), fits));
        assertEquals(io.tsconnector.domain.IgnoreReason.UNSTORABLE_LABEL,
                LineProtocol.seriesKeyTooLong(LineProtocol.seriesKey("t", fits), fits).reason());
        assertEquals(65_510, LineProtocol.MAX_SERIES_KEY_BYTES);
    }
}
