package io.tsconnector.adapters.http;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.protocol.RemoteWriteEndpoint;
import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Sample;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.ReadResponse;
import io.tsconnector.proto.write.v2.Exemplar;
import io.tsconnector.proto.write.v2.Histogram;
import io.tsconnector.proto.write.v2.Metadata;
import io.tsconnector.proto.write.v2.Request;
import io.tsconnector.proto.write.v2.TimeSeries;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Remote write 2.0 receiver rules, case by case in the manner of the Prometheus remote-write compliance
 * suite, through the real HTTP server over an in-memory store: each case sends one request and checks the
 * status, the three written-count headers and what became readable.
 */
class RemoteWrite2ComplianceTest extends MemoryServerTest {
    private static final String V2 = "application/x-protobuf;proto=io.prometheus.write.v2.Request";
    private static final AtomicInteger TABLES = new AtomicInteger();


    /** Builds a 2.0 request, interning strings into the symbol table as a sender does. */
    static final class V2Request {
        final Request.Builder request = Request.newBuilder().addSymbols("");
        private final Map<String, Integer> refs = new HashMap<>(Map.of("", 0));

        int ref(String s) {
            return refs.computeIfAbsent(s, k -> {
                request.addSymbols(k);
                return request.getSymbolsCount() - 1;
            });
        }

        TimeSeries.Builder series(String... namesAndValues) {
            TimeSeries.Builder ts = TimeSeries.newBuilder();
            for (String s : namesAndValues) {
                ts.addLabelsRefs(ref(s));
            }
            return ts;
        }

        V2Request add(TimeSeries.Builder ts) {
            request.addTimeseries(ts);
            return this;
        }

        byte[] body() {
            return Snappy.compress(request.build().toByteArray());
        }
    }

    private static V2Request v2() {
        return new V2Request();
    }

    private static io.tsconnector.proto.write.v2.Sample.Builder sample(long t, double v) {
        return io.tsconnector.proto.write.v2.Sample.newBuilder().setTimestamp(t).setValue(v);
    }

    /** A fresh table per case, so what a case wrote is all that a read of it finds. */
    private static String[] metric(String table, String name, String... more) {
        List<String> l = new ArrayList<>(List.of("__name__", name, "PrometheusDatabaseLabel", "rw2DB",
                "PrometheusTableLabel", table));
        l.addAll(List.of(more));
        return l.toArray(new String[0]);
    }

    private static HttpResponse<byte[]> post(byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/write"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> postV2(byte[] body) throws Exception {
        return post(body, "Content-Type", V2, "Content-Encoding", "snappy", "X-Prometheus-Remote-Write-Version", "2.0.0");
    }

    private static long header(HttpResponse<?> r, String name) {
        String v = r.headers().firstValue(name).orElseThrow(() -> new AssertionError("missing header " + name));
        return Long.parseLong(v);
    }

    private static void assertWritten(HttpResponse<byte[]> r, long samples) {
        assertEquals(samples, header(r, RemoteWriteEndpoint.SAMPLES_WRITTEN), () -> "samples written; body " + new String(r.body()));
        assertEquals(0, header(r, RemoteWriteEndpoint.HISTOGRAMS_WRITTEN), "histograms are never written");
        assertEquals(0, header(r, RemoteWriteEndpoint.EXEMPLARS_WRITTEN), "exemplars are never written");
    }

    private static List<Sample> readBack(String table, String name) throws Exception {
        ReadRequest req = ReadRequest.newBuilder().addQueries(Query.newBuilder()
                .setStartTimestampMs(0).setEndTimestampMs(Long.MAX_VALUE)
                .addMatchers(LabelMatcher.newBuilder().setName("PrometheusDatabaseLabel").setValue("rw2DB"))
                .addMatchers(LabelMatcher.newBuilder().setName("PrometheusTableLabel").setValue(table))
                .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue(name))).build();
        HttpRequest httpRequest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/read"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray())))
                .header("Content-Encoding", "snappy").header("Content-Type", "application/x-protobuf").build();
        HttpResponse<byte[]> r = client.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        ReadResponse response = ReadResponse.parseFrom(Snappy.decompress(r.body(), r.body().length, 1 << 20));
        List<Sample> out = new ArrayList<>();
        for (io.tsconnector.proto.prometheus.TimeSeries ts : response.getResults(0).getTimeseriesList()) {
            for (io.tsconnector.proto.prometheus.Sample s : ts.getSamplesList()) {
                out.add(new Sample(s.getTimestamp(), s.getValue()));
            }
        }
        return out;
    }

    /** One case: a request built for a fresh table, the status, the samples written, and what is then readable. */
    record Case(String name, UnaryOperator<String> body, int status, long written, int readable) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static UnaryOperator<String> v2Body(java.util.function.BiConsumer<V2Request, String> build) {
        return table -> {
            V2Request r = v2();
            build.accept(r, table);
            return new String(r.body(), StandardCharsets.ISO_8859_1);
        };
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("valid request of two series", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m", "job", "a")).addSamples(sample(1000, 1.5)).addSamples(sample(2000, 2.5))
                                .setMetadata(Metadata.newBuilder().setType(Metadata.MetricType.METRIC_TYPE_GAUGE)
                                        .setHelpRef(r.ref("a gauge")).setUnitRef(r.ref("seconds"))))
                        .add(r.series(metric(t, "m", "job", "b")).addSamples(sample(1000, -3)))), 204, 3, 3),
                new Case("labels in any order", v2Body((r, t) -> r
                        .add(r.series("job", "z", "PrometheusTableLabel", t, "__name__", "m", "PrometheusDatabaseLabel", "rw2DB")
                                .addSamples(sample(1000, 1)))), 204, 1, 1),
                new Case("start timestamp in the 2.0-rc.3 position (TimeSeries field 6)", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).setCreatedTimestamp(500).addSamples(sample(1000, 1)))), 204, 1, 1),
                new Case("start timestamp in the 2.0-rc.4 position (Sample field 3)", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).addSamples(sample(1000, 1).setStartTimestamp(500)))), 204, 1, 1),
                new Case("metadata-only series", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).setMetadata(Metadata.newBuilder()
                                .setType(Metadata.MetricType.METRIC_TYPE_COUNTER).setHelpRef(r.ref("help"))))), 204, 0, 0),
                new Case("empty request", v2Body((r, t) -> { }), 204, 0, 0),
                new Case("stale marker skipped by the skip option", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).addSamples(sample(1000, 1))
                                .addSamples(sample(2000, Double.longBitsToDouble(Sample.STALE_NAN_BITS))))), 204, 1, 1),
                new Case("symbols[0] is not the empty string", v2Body((r, t) -> {
                    r.add(r.series(metric(t, "m")).addSamples(sample(1000, 1)));
                    r.request.setSymbols(0, "x");
                }), 400, 0, 0),
                new Case("label reference out of range", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).addSamples(sample(1000, 1)))
                        .add(r.series(metric(t, "m2")).addLabelsRefs(r.ref("x")).addLabelsRefs(1000).addSamples(sample(1000, 1)))), 400, 0, 0),
                new Case("help reference out of range", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).addSamples(sample(1000, 1)).setMetadata(Metadata.newBuilder().setHelpRef(1000)))), 400, 0, 0),
                new Case("exemplar reference out of range", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).addSamples(sample(1000, 1))
                                .addExemplars(Exemplar.newBuilder().addLabelsRefs(r.ref("trace_id")).addLabelsRefs(1000)))), 400, 0, 0),
                new Case("odd labels_refs", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).addLabelsRefs(r.ref("job")).addSamples(sample(1000, 1)))), 400, 0, 0),
                new Case("series without labels", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).addSamples(sample(1000, 1)))
                        .add(TimeSeries.newBuilder().addSamples(sample(1000, 1)))), 400, 0, 0),
                new Case("series without __name__", v2Body((r, t) -> r
                        .add(r.series("PrometheusDatabaseLabel", "rw2DB", "PrometheusTableLabel", t, "job", "a")
                                .addSamples(sample(1000, 1)))), 400, 0, 0),
                new Case("empty label name", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m", "", "v")).addSamples(sample(1000, 1)))), 400, 0, 0),
                new Case("duplicate label name", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m", "job", "a", "job", "b")).addSamples(sample(1000, 1)))), 400, 0, 0),
                new Case("native histogram: float samples written, answer not 2xx", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).addSamples(sample(1000, 1)))
                        .add(r.series(metric(t, "h")).addHistograms(Histogram.newBuilder().setCountInt(4).setSum(2)
                                .setSchema(3).setTimestamp(1000).setStartTimestamp(500)))), 400, 1, 1),
                new Case("exemplar: float samples written, answer not 2xx", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).addSamples(sample(1000, 1)).addSamples(sample(2000, 2))
                                .addExemplars(Exemplar.newBuilder().addLabelsRefs(r.ref("trace_id")).addLabelsRefs(r.ref("abc"))
                                        .setValue(1).setTimestamp(1000)))), 400, 2, 2),
                new Case("series with no destination: the rest written, answer not 2xx", v2Body((r, t) -> r
                        .add(r.series(metric(t, "m")).addSamples(sample(1000, 1)))
                        .add(r.series("__name__", "m", "PrometheusDatabaseLabel", "rw2DB").addSamples(sample(1000, 1)))), 400, 1, 1),
                new Case("not snappy", table -> "\u00ff\u00ff\u00ff\u00ff", 400, 0, 0),
                new Case("declared decoded length over the limit", table -> "\u00ff\u00ff\u00ff\u00ff\u000f\0\0\0", 413, 0, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void receiverRule(Case c) throws Exception {
        String table = "t" + TABLES.incrementAndGet();
        HttpResponse<byte[]> r = postV2(c.body().apply(table).getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(c.status(), r.statusCode(), () -> c.name() + ": " + new String(r.body()));
        assertWritten(r, c.written());
        if (c.status() >= 400) {
            assertTrue(r.body().length > 0, "an error says what was wrong");
        }
        assertEquals(c.readable(), readBack(table, "m").size(), "samples readable after the request");
    }

    @Test
    void writtenSamplesReadBackWithTheirValues() throws Exception {
        V2Request r = v2();
        r.add(r.series(metric("exact", "m", "job", "a")).addSamples(sample(1000, 1.5)).addSamples(sample(2000, -0.0))
                .addSamples(sample(3000, Double.MAX_VALUE)));
        HttpResponse<byte[]> response = postV2(r.body());
        assertEquals(204, response.statusCode());
        assertWritten(response, 3);
        assertEquals(List.of(new Sample(1000, 1.5), new Sample(2000, -0.0), new Sample(3000, Double.MAX_VALUE)),
                readBack("exact", "m"));
    }

    @Test
    void errorsNameTheOffendingSeries() throws Exception {
        V2Request r = v2();
        r.add(r.series(metric("named", "m")).addSamples(sample(1000, 1)));
        r.add(r.series(metric("named", "m")).addSamples(sample(2000, 1)));
        r.add(TimeSeries.newBuilder().addSamples(sample(1000, 1)));
        HttpResponse<byte[]> response = postV2(r.body());
        assertEquals(400, response.statusCode());
        assertTrue(new String(response.body()).contains("time series 2: it has no labels"), new String(response.body()));
    }

    static Stream<Arguments> negotiation() {
        V2Request v2 = v2();
        v2.add(v2.series(metric("negotiation", "m")).addSamples(sample(1000, 1)));
        byte[] v1 = Captures.read("rw1-stale-markers.bin");
        return Stream.of(
                Arguments.of("v1 without proto parameter", v1, new String[] {"Content-Type", "application/x-protobuf", "Content-Encoding", "snappy"}, 204),
                Arguments.of("v1 with proto=prometheus.WriteRequest", v1,
                        new String[] {"Content-Type", "application/x-protobuf;proto=prometheus.WriteRequest", "Content-Encoding", "snappy"}, 204),
                Arguments.of("v1 without Content-Type or Content-Encoding", v1, new String[0], 204),
                Arguments.of("v2 without Content-Encoding", v2.body(), new String[] {"Content-Type", V2}, 204),
                Arguments.of("v2 with quoted proto and spaces", v2.body(),
                        new String[] {"Content-Type", "application/x-protobuf; proto=\"io.prometheus.write.v2.Request\"", "Content-Encoding", "SNAPPY"}, 204),
                Arguments.of("unsupported proto", v2.body(),
                        new String[] {"Content-Type", "application/x-protobuf;proto=io.prometheus.write.v3.Request", "Content-Encoding", "snappy"}, 415),
                Arguments.of("other media type", v2.body(), new String[] {"Content-Type", "application/json", "Content-Encoding", "snappy"}, 415),
                Arguments.of("unsupported encoding", v2.body(), new String[] {"Content-Type", V2, "Content-Encoding", "zstd"}, 415),
                Arguments.of("gzip encoding", v2.body(), new String[] {"Content-Type", V2, "Content-Encoding", "gzip"}, 415));
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("negotiation")
    void contentNegotiation(String name, byte[] body, String[] headers, int status) throws Exception {
        HttpResponse<byte[]> r = post(body, headers);
        assertEquals(status, r.statusCode(), () -> name + ": " + new String(r.body()));
        assertTrue(r.headers().firstValue(RemoteWriteEndpoint.SAMPLES_WRITTEN).isPresent(), "counts on every answer");
        if (status == 415) {
            assertWritten(r, 0);
        }
    }

    @Test
    void a503AfterAPartialWriteCountsTheSamplesThatWereStored() throws Exception {
        Destination failing = new Destination("rw2DB", "unavailable");
        store.injectFailures((op, d) -> d.equals(failing) ? new RetryLaterException("Timestream throttled the request") : null);
        V2Request r = v2();
        r.add(r.series(metric("available", "m")).addSamples(sample(1000, 1)).addSamples(sample(2000, 2)));
        r.add(r.series(metric("unavailable", "m")).addSamples(sample(1000, 1)));
        HttpResponse<byte[]> response = postV2(r.body());
        assertEquals(503, response.statusCode());
        assertEquals("1", response.headers().firstValue("Retry-After").orElse(""));
        assertWritten(response, 2);
        assertEquals(2, readBack("available", "m").size());
    }

    @Test
    void a503BeforeAnythingIsStoredCountsZero() throws Exception {
        store.injectFailures((op, d) -> new RetryLaterException("Timestream throttled the request"));
        V2Request r = v2();
        r.add(r.series(metric("down", "m")).addSamples(sample(1000, 1)));
        HttpResponse<byte[]> response = postV2(r.body());
        assertEquals(503, response.statusCode());
        assertWritten(response, 0);
    }

    @Test
    void answersGivenBeforeTheEndpointCarryTheCountsToo() throws Exception {
        HttpResponse<byte[]> get = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/write"))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, get.statusCode());
        assertWritten(get, 0);
        long declared = Snappy.maxCompressedLength(MAX_DECODED) + 1L;
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String head = "POST /write HTTP/1.1\r\nHost: x\r\nContent-Type: " + V2 + "\r\nContent-Encoding: snappy\r\nContent-Length: "
                    + declared + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 413 Request Entity Too Large", in.readLine());
            Map<String, String> headers = new HashMap<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            for (String name : new String[] {RemoteWriteEndpoint.SAMPLES_WRITTEN, RemoteWriteEndpoint.HISTOGRAMS_WRITTEN,
                RemoteWriteEndpoint.EXEMPLARS_WRITTEN}) {
                assertEquals("0", headers.get(name.toLowerCase(Locale.ROOT)), name + " in " + headers);
            }
        }
    }
}
