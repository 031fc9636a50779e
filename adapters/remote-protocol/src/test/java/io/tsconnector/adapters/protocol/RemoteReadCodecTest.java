package io.tsconnector.adapters.protocol;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.QueryResult;
import io.tsconnector.proto.prometheus.ReadResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteReadCodecTest {
    @Test
    void sampledRequestKeepsMatchersRangeAndHints() {
        DecodedRead read = RemoteReadCodec.decodeRequest(Captures.read("rr-sampled-request.pb"), 4096);
        assertEquals(1, read.queries().size());
        SeriesQuery q = read.queries().get(0);
        assertEquals(1795595100000L, q.startMs());
        assertEquals(1795595400000L, q.endMs());
        assertEquals(List.of(Matcher.eq("job", "x"), Matcher.re("instance", "a.*"), Matcher.neq("env", "dev"),
                Matcher.eq("__name__", "up")), q.matchers());
        assertEquals("rate", q.hints().func());
        assertEquals(300000L, q.hints().rangeMs());
        assertTrue(read.acceptsSamples());
        assertFalse(read.prefersStreamedChunks());
    }

    @Test
    void nameRegexRequestAndStreamedPreference() {
        SeriesQuery q = RemoteReadCodec.decodeRequest(Captures.read("rr-sampled-request-name-regex.pb"), 4096).queries().get(0);
        assertEquals(List.of(Matcher.re("__name__", "go_gc_.*|process_.+"), Matcher.neq("job", "")), q.matchers());
        assertEquals(List.of("job", "instance"), q.hints().grouping());
        DecodedRead streamed = RemoteReadCodec.decodeRequest(Captures.read("rr-streamed-request.pb"), 4096);
        assertTrue(streamed.prefersStreamedChunks());
        assertFalse(streamed.acceptsSamples());
        assertEquals(2, streamed.queries().size());
    }

    @Test
    void invalidRegexOrGarbageIs400() {
        byte[] bad = io.tsconnector.proto.prometheus.ReadRequest.newBuilder()
                .addQueries(io.tsconnector.proto.prometheus.Query.newBuilder().addMatchers(
                        io.tsconnector.proto.prometheus.LabelMatcher.newBuilder().setName("job")
                                .setType(io.tsconnector.proto.prometheus.LabelMatcher.Type.RE).setValue("(")))
                .build().toByteArray();
        assertEquals(400, assertThrows(ProtocolException.class, () -> RemoteReadCodec.decodeRequest(bad, 4096)).status());
        assertEquals(400, assertThrows(ProtocolException.class,
                () -> RemoteReadCodec.decodeRequest(new byte[] {0x0a, 0x05, 0x01}, 4096)).status());
    }

    @Test
    void samplesResponseIsByteIdenticalToPrometheus() throws Exception {
        byte[] expected = Captures.read("rr-samples-response.pb");
        ReadResponse golden = ReadResponse.parseFrom(expected);
        SamplesResponseEncoder encoder = new SamplesResponseEncoder(Long.MAX_VALUE);
        for (QueryResult r : golden.getResultsList()) {
            for (io.tsconnector.proto.prometheus.TimeSeries ts : r.getTimeseriesList()) {
                List<String> kv = new ArrayList<>();
                for (Label l : ts.getLabelsList()) {
                    kv.add(l.getName());
                    kv.add(l.getValue());
                }
                List<Sample> samples = ts.getSamplesList().stream().map(s -> new Sample(s.getTimestamp(), s.getValue())).toList();
                encoder.series(new TimeSeries(Labels.of(kv.toArray(String[]::new)), samples));
            }
            encoder.endQuery();
        }
        byte[] compressed = encoder.finish();
        assertArrayEquals(expected, Snappy.decompress(compressed, compressed.length, 32 << 20));
    }

    @Test
    void samplesResponseRespectsTheSampleLimit() {
        SamplesResponseEncoder encoder = new SamplesResponseEncoder(2);
        encoder.series(TimeSeries.of(Labels.of("__name__", "a"), new Sample(1, 1), new Sample(2, 2)));
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> encoder.series(TimeSeries.of(Labels.of("__name__", "b"), new Sample(1, 1))));
        assertEquals(400, e.status());
    }

    @Test
    void emptyResultsStillGiveOneResultPerQuery() throws Exception {
        SamplesResponseEncoder encoder = new SamplesResponseEncoder(10);
        encoder.endQuery();
        encoder.series(TimeSeries.of(Labels.of("__name__", "a"), new Sample(0, 0.0), new Sample(5, -0.0)));
        encoder.endQuery();
        encoder.endQuery();
        byte[] c = encoder.finish();
        ReadResponse r = ReadResponse.parseFrom(Snappy.decompress(c, c.length, 1 << 20));
        assertEquals(3, r.getResultsCount());
        assertEquals(0, r.getResults(0).getTimeseriesCount());
        assertEquals(2, r.getResults(1).getTimeseries(0).getSamplesCount());
        assertEquals(Double.doubleToRawLongBits(-0.0),
                Double.doubleToRawLongBits(r.getResults(1).getTimeseries(0).getSamples(1).getValue()));
    }

    @Test
    void aMatcherValueOverTheLimitIs400NamingTheLimit() {
        String longRegex = "(a|b)*".repeat(20_000);
        byte[] request = io.tsconnector.proto.prometheus.ReadRequest.newBuilder().addQueries(
                io.tsconnector.proto.prometheus.Query.newBuilder().setStartTimestampMs(0).setEndTimestampMs(1)
                        .addMatchers(io.tsconnector.proto.prometheus.LabelMatcher.newBuilder()
                                .setType(io.tsconnector.proto.prometheus.LabelMatcher.Type.RE)
                                .setName("job").setValue(longRegex))).build().toByteArray();
        ProtocolException e = assertThrows(ProtocolException.class, () -> RemoteReadCodec.decodeRequest(request, 4096));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("over the limit of 4096 bytes"), e.getMessage());
        assertEquals(1, RemoteReadCodec.decodeRequest(request, longRegex.length()).queries().size(),
                "at the limit the matcher is accepted");
    }
}
