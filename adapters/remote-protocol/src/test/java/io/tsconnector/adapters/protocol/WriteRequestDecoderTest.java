package io.tsconnector.adapters.protocol;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WriteRequestDecoderTest {
    private final WriteRequestDecoder cached = new WriteRequestDecoder(1000);
    private final WriteRequestDecoder uncached = new WriteRequestDecoder(0);

    private static void assertSame(DecodedWrite expected, DecodedWrite actual) {
        assertEquals(expected.samples(), actual.samples());
        assertEquals(expected.histograms(), actual.histograms());
        assertEquals(expected.exemplars(), actual.exemplars());
        assertEquals(expected.metadata(), actual.metadata());
        assertEquals(expected.series().size(), actual.series().size());
        for (int i = 0; i < expected.series().size(); i++) {
            TimeSeries e = expected.series().get(i);
            TimeSeries a = actual.series().get(i);
            assertEquals(e.labels(), a.labels());
            assertEquals(e.samples().size(), a.samples().size());
            for (int j = 0; j < e.samples().size(); j++) {
                Sample x = e.samples().get(j);
                Sample y = a.samples().get(j);
                assertEquals(x.timestampMs(), y.timestampMs());
                assertEquals(Double.doubleToRawLongBits(x.value()), Double.doubleToRawLongBits(y.value()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw1-scrape-self", "rw1-stale-markers", "rw1-exemplars", "rw1-native-histogram", "rw1-metadata-only"})
    void decodesCapturesExactlyLikeTheGeneratedCode(String fixture) {
        byte[] pb = Captures.read(fixture + ".pb");
        DecodedWrite reference = GeneratedWriteDecoder.decode(pb);
        assertSame(reference, uncached.decode(pb));
        assertSame(reference, cached.decode(pb));
        assertSame(reference, cached.decode(pb));
    }

    @Test
    void mutatedInputIsNeverStricterThanTheGeneratedCodeAndAgreesWhenBothAccept() {
        Random random = new Random(7);
        List<byte[]> seeds = List.of(Captures.read("rw1-stale-markers.pb"), Captures.read("rw1-exemplars.pb"),
                Captures.read("rw1-native-histogram.pb"));
        int bothAccepted = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] pb = seeds.get(i % seeds.size()).clone();
            int flips = 1 + random.nextInt(4);
            for (int k = 0; k < flips; k++) {
                pb[random.nextInt(pb.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                pb = java.util.Arrays.copyOf(pb, random.nextInt(pb.length));
            }
            DecodedWrite reference;
            try {
                reference = GeneratedWriteDecoder.decode(pb);
            } catch (ProtocolException e) {
                byte[] bad = pb;
                try {
                    cached.decode(bad);
                } catch (ProtocolException expected) {
                    assertEquals(400, expected.status());
                }
                continue;
            }
            bothAccepted++;
            assertSame(reference, cached.decode(pb));
            assertSame(reference, uncached.decode(pb));
        }
        assertEquals(true, bothAccepted > 100, "mutations accepted by both: " + bothAccepted);
    }

    @Test
    void invalidUtf8InALabelIs400() {
        byte[] pb = {0x0a, 0x0d, 0x0a, 0x07, 0x0a, 0x01, 'a', 0x12, 0x02, (byte) 0xc3, 0x28, 0x12, 0x02, 0x10, 0x01};
        assertEquals(400, assertThrows(ProtocolException.class, () -> uncached.decode(pb)).status());
    }

    @Test
    void cacheIsBoundedAndKeepsDecoding() {
        WriteRequestDecoder small = new WriteRequestDecoder(2);
        byte[] pb = Captures.read("rw1-scrape-self.pb");
        DecodedWrite reference = GeneratedWriteDecoder.decode(pb);
        for (int i = 0; i < 3; i++) {
            assertSame(reference, small.decode(pb));
        }
    }

    @Test
    void aKnownFieldWithTheWrongWireTypeIs400() {
        // WriteRequest field 1 (timeseries) sent as a varint: Prometheus answers 400, protobuf-java would skip it
        byte[] varintTimeseries = {0x08, 0x01};
        ProtocolException e = assertThrows(ProtocolException.class, () -> uncached.decode(varintTimeseries));
        assertEquals(400, e.status());
        // Sample.value (field 1, fixed64) sent as a varint, inside an otherwise valid series
        byte[] varintValue = {0x0a, 0x0b, 0x0a, 0x05, 0x0a, 0x01, 'a', 0x12, 0x00, 0x12, 0x02, 0x08, 0x01};
        assertEquals(400, assertThrows(ProtocolException.class, () -> uncached.decode(varintValue)).status());
        assertEquals(400, assertThrows(ProtocolException.class, () -> GeneratedWriteDecoder.decode(varintValue)).status(),
                "the reference agrees");
    }

    @Test
    void theCacheKeepsHotSeriesWhenNewOnesFloodIt() {
        WriteRequestDecoder small = new WriteRequestDecoder(100);
        LabelsCache cache = small.cache();
        byte[] hot = Captures.read("rw1-stale-markers.pb");
        small.decode(hot);
        long missesAfterFirst = cache.misses();
        for (int i = 0; i < 1000; i++) {
            small.decode(io.tsconnector.proto.prometheus.WriteRequest.newBuilder().addTimeseries(
                    io.tsconnector.proto.prometheus.TimeSeries.newBuilder()
                            .addLabels(io.tsconnector.proto.prometheus.Label.newBuilder().setName("__name__").setValue("m" + i))
                            .addSamples(io.tsconnector.proto.prometheus.Sample.newBuilder().setTimestamp(1).setValue(1)))
                    .build().toByteArray());
            if (i % 10 == 0) {
                long hitsBefore = cache.hits();
                small.decode(hot);
                assertEquals(true, cache.hits() > hitsBefore, "the series sent in every request stay cached");
            }
        }
        assertEquals(true, cache.size() <= 100, "bounded: " + cache.size());
        assertEquals(true, cache.misses() >= missesAfterFirst + 1000, "every new series is a miss");
    }
}
