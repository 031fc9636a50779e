package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.StorageException;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Answers of {@code /query} in MessagePack, as InfluxDB 1.x and 2.x write them ({@code msgpackFormatter}: a map
 * {@code results} of maps {@code statement_id}, {@code series}, each series a map of {@code name}, {@code tags},
 * {@code columns}, {@code values}), read into the same series as their JSON; anything else InfluxDB would not
 * write ends in the answer's error, never in another exception.
 */
class MessagePackAnswerTest {
    private static final Labels UP = Labels.of("__name__", "up", "job", "api");

    private static InfluxSeriesReader.Accumulator accumulator() {
        return new InfluxSeriesReader.Accumulator("test", LineProtocol.FIELD, null, 4);
    }

    private static List<TimeSeries> read(byte[] answer) throws IOException {
        InfluxSeriesReader.Accumulator a = accumulator();
        a.parse(new ByteArrayInputStream(answer), true);
        List<TimeSeries> got = new ArrayList<>();
        a.emitBefore(null, got::add);
        return got;
    }

    /** One chunk: {"results":[{"statement_id":0,"series":[{"name":"m","tags":tags,"columns":[...],"values":rows}]}]}. */
    private static void chunk(MessageBufferPacker p, String[] tags, Object[][] rows) throws IOException {
        p.packMapHeader(1).packString("results").packArrayHeader(1);
        p.packMapHeader(2).packString("statement_id").packInt(0).packString("series").packArrayHeader(1);
        p.packMapHeader(4).packString("name").packString("m");
        p.packString("tags").packMapHeader(tags.length / 2);
        for (int i = 0; i < tags.length; i += 2) {
            p.packString(tags[i]).packString(tags[i + 1]);
        }
        p.packString("columns").packArrayHeader(2).packString("time").packString(LineProtocol.FIELD);
        p.packString("values").packArrayHeader(rows.length);
        for (Object[] row : rows) {
            p.packArrayHeader(row.length);
            for (Object v : row) {
                if (v == null) {
                    p.packNil();
                } else if (v instanceof Double d) {
                    p.packDouble(d);
                } else if (v instanceof Long l) {
                    p.packLong(l);
                } else if (v instanceof BigInteger b) {
                    p.packBigInteger(b);
                } else {
                    p.packString(v.toString());
                }
            }
        }
    }

    @Test
    void seriesOfSeveralChunksReadWithTheirExactValues() throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        String[] tags = {"job", "api", "measure_name", "up", "zone", ""};
        chunk(p, tags, new Object[][] {{1L, 1.5}, {2L, -0.0}, {3L, null}, {4L, 7L}});
        BigInteger u64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        chunk(p, tags, new Object[][] {{5L, u64}, {6L, Double.MIN_VALUE}, {7L, "text"}, {8L, Double.MAX_VALUE}});
        List<TimeSeries> got = read(p.toByteArray());
        assertEquals(1, got.size());
        assertEquals(UP, got.get(0).labels(), "measure_name is __name__, an empty tag is absent");
        List<Sample> samples = got.get(0).samples();
        assertEquals(List.of(1L, 2L, 4L, 5L, 6L, 8L), samples.stream().map(Sample::timestampMs).toList(),
                "rows without a number are skipped");
        double[] values = samples.stream().mapToDouble(Sample::value).toArray();
        double[] want = {1.5, -0.0, 7, u64.doubleValue(), Double.MIN_VALUE, Double.MAX_VALUE};
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(values[i]), "value " + i);
        }
    }

    @Test
    void theColumnsSayWhereTimeAndValueAre() throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(1).packString("results").packArrayHeader(1);
        p.packMapHeader(3).packString("statement_id").packInt(0).packString("messages").packArrayHeader(0)
                .packString("series").packArrayHeader(1);
        p.packMapHeader(3).packString("tags").packMapHeader(1).packString("measure_name").packString("up");
        p.packString("columns").packArrayHeader(3).packString("other").packString(LineProtocol.FIELD).packString("time");
        p.packString("values").packArrayHeader(1).packArrayHeader(3).packString("x").packDouble(2.5).packLong(42);
        assertEquals(List.of(new TimeSeries(Labels.of("__name__", "up"), List.of(new Sample(42, 2.5)))),
                read(p.toByteArray()));
    }

    @Test
    void anErrorInTheAnswerIsTheReadsError() throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(1).packString("results").packArrayHeader(1);
        p.packMapHeader(1).packString("error").packString("database not found: x");
        NeverRetryException e = assertThrows(NeverRetryException.class, () -> read(p.toByteArray()));
        assertEquals(NeverRetryException.Kind.NOT_FOUND, e.kind());
        MessageBufferPacker q = MessagePack.newDefaultBufferPacker();
        q.packMapHeader(1).packString("error").packString("query interrupted");
        assertTrue(assertThrows(StorageException.class, () -> read(q.toByteArray())).getMessage()
                .contains("query interrupted"));
    }

    @Test
    void anErrorAnswerOfAnotherStatusIsReadFromItsMessagePack() throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(1).packString("error").packString("error parsing query: found EOF");
        assertEquals("error parsing query: found EOF", InfluxHttp.messagePackError(p.toByteArray()));
        assertEquals("not msgpack", InfluxHttp.messagePackError("not msgpack".getBytes(StandardCharsets.UTF_8)));
        assertEquals("", InfluxHttp.messagePackError(new byte[0]));
    }

    @Test
    void whatInfluxdbWouldNotWriteIsAnInvalidAnswer() throws IOException {
        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[] {(byte) 0x91, 0x01});                      // an array at the top
        bad.add(new byte[] {(byte) 0x81, 0x01, 0x02});                // a map key that is not a string
        bad.add(new byte[] {(byte) 0x81, (byte) 0xa7, 'r', 'e', 's', 'u', 'l', 't', 's'}); // cut short
        bad.add(new byte[] {(byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}); // a 2 GiB string, absent
        bad.add(new byte[] {(byte) 0xc1});                            // a code MessagePack never uses
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(1).packString("results").packArrayHeader(1).packMapHeader(1).packString("series")
                .packArrayHeader(1).packMapHeader(1).packString("tags").packArrayHeader(0);
        bad.add(p.toByteArray());                                     // tags that are not a map
        for (byte[] b : bad) {
            NeverRetryException e = assertThrows(NeverRetryException.class, () -> read(b), Arrays.toString(b));
            assertEquals(NeverRetryException.Kind.INVALID, e.kind());
            assertTrue(e.getMessage().contains("not valid MessagePack"), e.getMessage());
        }
    }

    @Test
    void anyCorruptionOfAnAnswerEndsInItsErrorOrInSeries() throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        for (int c = 0; c < 3; c++) {
            chunk(p, new String[] {"job", "api", "measure_name", "up"}, new Object[][] {{1L, 1.5}, {2L, 2.5}, {3L, -1.0}});
        }
        byte[] valid = p.toByteArray();
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = Arrays.copyOf(valid, random.nextInt(3) == 0 ? random.nextInt(valid.length + 1) : valid.length);
            for (int flips = 1 + random.nextInt(4); flips > 0 && b.length > 0; flips--) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            try {
                for (TimeSeries s : read(b)) {
                    assertTrue(s.samples().size() <= 9, "no more samples than the answer holds");
                }
            } catch (StorageException e) {
                // the answer's error, as for any answer InfluxDB would not write
            }
        }
    }
}
