package io.tsconnector.adapters.protocol;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.protocol.RemoteWriteEndpoint.Message;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.proto.write.v2.Exemplar;
import io.tsconnector.proto.write.v2.Histogram;
import io.tsconnector.proto.write.v2.Metadata;
import io.tsconnector.proto.write.v2.Request;
import io.tsconnector.proto.write.v2.TimeSeries;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RemoteWriteV2CodecTest {
    /** symbols: 0 "", 1 __name__, 2 up, 3 job, 4 a, 5 help text, 6 trace_id, 7 abc */
    @Test
    void aKnownFieldWithTheWrongWireTypeIsNotARequest() throws Exception {
        byte[] valid = request().addTimeseries(upSeries().addSamples(sample(1, 1))).build().toByteArray();
        // field 5 (timeseries) sent as a varint: the generated parser would file it as unknown and see no series
        byte[] misTyped = java.util.Arrays.copyOf(valid, valid.length + 2);
        misTyped[valid.length] = (byte) ((5 << 3) | 0);
        misTyped[valid.length + 1] = 1;
        ProtocolException e = assertThrows(ProtocolException.class, () -> RemoteWriteV2Codec.decode(misTyped));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("field 5 of Request has the wrong wire type"), e.getMessage());
        // the same inside a series: field 2 (samples) of TimeSeries as a fixed64
        TimeSeries inner = upSeries().mergeFrom(com.google.protobuf.UnknownFieldSet.newBuilder()
                .addField(2, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addFixed64(7).build()).build()
                .toByteString()).build();
        ProtocolException nested = assertThrows(ProtocolException.class,
                () -> RemoteWriteV2Codec.decode(request().addTimeseries(inner).build().toByteArray()));
        assertTrue(nested.getMessage().contains("field 2 of TimeSeries"), nested.getMessage());
    }

    private static Request.Builder request() {
        return Request.newBuilder().addSymbols("").addSymbols("__name__").addSymbols("up").addSymbols("job")
                .addSymbols("a").addSymbols("help text").addSymbols("trace_id").addSymbols("abc");
    }

    private static TimeSeries.Builder upSeries() {
        return TimeSeries.newBuilder().addLabelsRefs(3).addLabelsRefs(4).addLabelsRefs(1).addLabelsRefs(2);
    }

    private static io.tsconnector.proto.write.v2.Sample.Builder sample(long t, double v) {
        return io.tsconnector.proto.write.v2.Sample.newBuilder().setTimestamp(t).setValue(v);
    }

    @Test
    void decodesSeriesThroughTheSymbolTable() {
        Request req = request()
                .addTimeseries(upSeries().addSamples(sample(1000, 1)).addSamples(sample(2000, 0))
                        .setMetadata(Metadata.newBuilder().setType(Metadata.MetricType.METRIC_TYPE_GAUGE).setHelpRef(5)))
                .build();
        DecodedWrite d = RemoteWriteV2Codec.decode(req.toByteArray());
        assertEquals(1, d.series().size());
        assertEquals(Labels.of("__name__", "up", "job", "a"), d.series().get(0).labels(), "labels come out sorted");
        assertEquals(java.util.List.of(new Sample(1000, 1), new Sample(2000, 0)), d.series().get(0).samples());
        assertEquals(2, d.samples());
        assertEquals(1, d.metadata());
        assertEquals(0, d.histograms());
        assertEquals(0, d.exemplars());
    }

    @Test
    void startTimestampsInBothReleaseCandidatePositionsAreAccepted() {
        Request rc3 = request().addTimeseries(upSeries().setCreatedTimestamp(500).addSamples(sample(1000, 7))).build();
        Request rc4 = request().addTimeseries(upSeries().addSamples(sample(1000, 7).setStartTimestamp(500))).build();
        for (Request r : new Request[] {rc3, rc4}) {
            DecodedWrite d = RemoteWriteV2Codec.decode(r.toByteArray());
            assertEquals(java.util.List.of(new Sample(1000, 7)), d.series().get(0).samples());
        }
    }

    @Test
    void histogramsAndExemplarsAreCountedNotConverted() {
        Request req = request()
                .addTimeseries(upSeries().addHistograms(Histogram.newBuilder().setCountInt(3).setSum(1.5).setTimestamp(1000)
                        .setStartTimestamp(10)).addHistograms(Histogram.newBuilder().setCountFloat(2).setTimestamp(2000)))
                .addTimeseries(upSeries().addSamples(sample(1000, 1))
                        .addExemplars(Exemplar.newBuilder().addLabelsRefs(6).addLabelsRefs(7).setValue(1).setTimestamp(1000)))
                .build();
        DecodedWrite d = RemoteWriteV2Codec.decode(req.toByteArray());
        assertEquals(2, d.histograms());
        assertEquals(1, d.exemplars());
        assertEquals(1, d.samples());
        assertEquals(1, d.series().size(), "a histogram-only series adds no float series");
    }

    @Test
    void anEmptyRequestAndAOneSymbolTableAreValid() {
        assertEquals(0, RemoteWriteV2Codec.decode(new byte[0]).series().size());
        assertEquals(0, RemoteWriteV2Codec.decode(Request.newBuilder().addSymbols("").build().toByteArray()).samples());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("symbols[0] is not empty", Request.newBuilder().addSymbols("__name__").addSymbols("up")
                        .addTimeseries(TimeSeries.newBuilder().addLabelsRefs(0).addLabelsRefs(1).addSamples(sample(1, 1))),
                        "symbols[0] must be the empty string"),
                Arguments.of("label reference out of range", request().addTimeseries(upSeries().addLabelsRefs(3).addLabelsRefs(8)
                        .addSamples(sample(1, 1))), "time series 0 labels_refs[5]: symbol reference 8 is out of range"),
                Arguments.of("reference of 2^32-1", request().addTimeseries(upSeries().addLabelsRefs(-1).addLabelsRefs(2)
                        .addSamples(sample(1, 1))), "symbol reference 4294967295 is out of range"),
                Arguments.of("odd labels_refs", request().addTimeseries(upSeries().addLabelsRefs(3).addSamples(sample(1, 1))),
                        "labels_refs has odd length 5"),
                Arguments.of("no labels", request().addTimeseries(upSeries().addSamples(sample(1, 1)))
                        .addTimeseries(TimeSeries.newBuilder().addSamples(sample(1, 1))), "time series 1: it has no labels"),
                Arguments.of("no metric name", request().addTimeseries(TimeSeries.newBuilder().addLabelsRefs(3).addLabelsRefs(4)
                        .addSamples(sample(1, 1))), "time series 0: it has no __name__ label"),
                Arguments.of("empty metric name value", request().addTimeseries(TimeSeries.newBuilder().addLabelsRefs(1)
                        .addLabelsRefs(0).addLabelsRefs(3).addLabelsRefs(4).addSamples(sample(1, 1))), "it has no __name__ label"),
                Arguments.of("empty label name", request().addTimeseries(upSeries().addLabelsRefs(0).addLabelsRefs(4)
                        .addSamples(sample(1, 1))), "empty label name"),
                Arguments.of("duplicate label name", request().addTimeseries(upSeries().addLabelsRefs(3).addLabelsRefs(7)
                        .addSamples(sample(1, 1))), "duplicate label name job"),
                Arguments.of("help reference out of range", request().addTimeseries(upSeries().addSamples(sample(1, 1))
                        .setMetadata(Metadata.newBuilder().setHelpRef(99))), "metadata help_ref: symbol reference 99"),
                Arguments.of("unit reference out of range", request().addTimeseries(upSeries().addSamples(sample(1, 1))
                        .setMetadata(Metadata.newBuilder().setUnitRef(8))), "metadata unit_ref: symbol reference 8"),
                Arguments.of("exemplar reference out of range", request().addTimeseries(upSeries().addSamples(sample(1, 1))
                        .addExemplars(Exemplar.newBuilder().addLabelsRefs(6).addLabelsRefs(80))), "exemplar 0 labels_refs[1]"),
                Arguments.of("odd exemplar labels_refs", request().addTimeseries(upSeries().addSamples(sample(1, 1))
                        .addExemplars(Exemplar.newBuilder().addLabelsRefs(6))), "exemplar 0: labels_refs has odd length 1"),
                Arguments.of("labels but no symbols", Request.newBuilder().addTimeseries(upSeries().addSamples(sample(1, 1))),
                        "the request has 0 symbols"));
    }

    @ParameterizedTest(name = "{0} -> 400")
    @MethodSource("invalid")
    void invalidRequestsAre400AndSayWhy(String name, Request.Builder request, String says) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> RemoteWriteV2Codec.decode(request.build().toByteArray()));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(says), e.getMessage());
    }

    @Test
    void undecodableBytesAre400() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> RemoteWriteV2Codec.decode(new byte[] {0x22, 0x7f, 0x01}));
        assertEquals(400, e.status());
    }

    @Test
    void aRemoteWrite1MessageReadAs2IsEmptyThanksToTheReservedFields() {
        DecodedWrite d = RemoteWriteV2Codec.decode(Captures.read("rw1-scrape-self.pb"));
        assertEquals(0, d.series().size());
        assertEquals(0, d.samples());
    }

    static Stream<Arguments> contentTypes() {
        return Stream.of(
                Arguments.of(null, Message.V1),
                Arguments.of("", Message.V1),
                Arguments.of("application/x-protobuf", Message.V1),
                Arguments.of("application/x-protobuf;proto=prometheus.WriteRequest", Message.V1),
                Arguments.of("application/x-protobuf;proto=io.prometheus.write.v2.Request", Message.V2),
                Arguments.of("Application/X-Protobuf ; Proto=\"io.prometheus.write.v2.Request\"", Message.V2),
                Arguments.of("application/x-protobuf; charset=binary; proto=io.prometheus.write.v2.Request", Message.V2),
                Arguments.of("application/x-protobuf; charset=binary", Message.V1));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("contentTypes")
    void contentTypeNamesTheMessage(String contentType, Message expected) {
        assertEquals(expected, RemoteWriteEndpoint.negotiate(contentType));
    }

    @ParameterizedTest(name = "{0} -> 415")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"application/json", "application/x-protobuf;proto=io.prometheus.write.v3.Request",
        "application/x-protobuf;proto=io.prometheus.write.V2.request", "application/x-protobuf;proto", "text/plain;proto=prometheus.WriteRequest",
        "application/x-protobuf;proto=prometheus.ReadRequest"})
    void unsupportedContentTypesAre415(String contentType) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> RemoteWriteEndpoint.negotiate(contentType));
        assertEquals(415, e.status());
    }
}
