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
    }
}
