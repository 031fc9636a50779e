package io.tsconnector.adapters.protocol;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RemoteWriteCodecTest {
    private static DecodedWrite decode(String fixture) {
        return new WriteRequestDecoder(0).decode(Captures.read(fixture + ".pb"));
    }

    @Test
    void scrapeSelfDecodesEverySampleWithSortedLabels() {
        DecodedWrite d = decode("rw1-scrape-self");
        assertEquals(500, d.series().size());
        assertEquals(500, d.samples());
        long nan = d.series().stream().flatMap(s -> s.samples().stream())
                .filter(s -> Double.doubleToRawLongBits(s.value()) == 0x7ff8000000000001L).count();
        assertEquals(17, nan, "ordinary NaN samples keep their bits");
        Labels first = d.series().get(0).labels();
        assertEquals("promDB", first.get("PrometheusDatabaseLabel"));
        assertTrue(first.metricName() != null);
    }

    @Test
    void staleMarkersKeepTheirBitPattern() {
        DecodedWrite d = decode("rw1-stale-markers");
        assertEquals(34, d.samples());
        long stale = d.series().stream().flatMap(s -> s.samples().stream())
                .filter(s -> Sample.isStaleMarker(s.value())).count();
        assertEquals(3, stale);
    }

    @Test
    void exemplarsHistogramsAndMetadataAreCounted() {
        DecodedWrite ex = decode("rw1-exemplars");
        assertEquals(55, ex.samples());
        assertEquals(10, ex.exemplars());
        DecodedWrite h = decode("rw1-native-histogram");
        assertEquals(30, h.samples());
        assertEquals(5, h.histograms());
        DecodedWrite m = decode("rw1-metadata-only");
        assertEquals(0, m.series().size());
        assertEquals(202, m.metadata());
    }

    @Test
    void truncatedOrGarbageMessagesAre400() {
        byte[] pb = Captures.read("rw1-stale-markers.pb");
        for (byte[] bad : new byte[][] {Arrays.copyOf(pb, pb.length - 3), {(byte) 0xff, (byte) 0xff}, {0x0a, 0x7f, 0x01}}) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> new WriteRequestDecoder(0).decode(bad));
            assertEquals(400, e.status());
        }
    }

    @Test
    void duplicateLabelNamesAre400() {
        WriteRequest req = WriteRequest.newBuilder().addTimeseries(io.tsconnector.proto.prometheus.TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("__name__").setValue("a"))
                .addLabels(Label.newBuilder().setName("__name__").setValue("b"))
                .addSamples(io.tsconnector.proto.prometheus.Sample.newBuilder().setTimestamp(1).setValue(1))).build();
        ProtocolException e = assertThrows(ProtocolException.class, () -> new WriteRequestDecoder(0).decode(req.toByteArray()));
        assertTrue(e.getMessage().contains("duplicate label name __name__"), e.getMessage());
    }

    @Test
    void emptyLabelValuesAreDroppedAndUnsortedLabelsSorted() {
        WriteRequest req = WriteRequest.newBuilder().addTimeseries(io.tsconnector.proto.prometheus.TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("z").setValue("1"))
                .addLabels(Label.newBuilder().setName("empty").setValue(""))
                .addLabels(Label.newBuilder().setName("__name__").setValue("m"))
                .addSamples(io.tsconnector.proto.prometheus.Sample.newBuilder().setTimestamp(1).setValue(-0.0))).build();
        TimeSeries s = new WriteRequestDecoder(0).decode(req.toByteArray()).series().get(0);
        assertEquals(Labels.of("__name__", "m", "z", "1"), s.labels());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(s.samples().get(0).value()));
    }
}
