package io.tsconnector.adapters.http;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.domain.Destination;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectorHttpServerTest extends MemoryServerTest {
    private static final Destination PROM = new Destination("promDB", "promTable");



    private static HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static final String[] WRITE_HEADERS = {"Content-Encoding", "snappy", "Content-Type", "application/x-protobuf",
        "X-Prometheus-Remote-Write-Version", "0.1.0"};

    static Stream<Arguments> writeCases() {
        byte[] pb = Captures.read("rw1-stale-markers.pb");
        return Stream.of(
                Arguments.of("real Prometheus request", Captures.read("rw1-scrape-self.bin"), WRITE_HEADERS, 204),
                Arguments.of("stale markers are skipped", Captures.read("rw1-stale-markers.bin"), WRITE_HEADERS, 204),
                Arguments.of("metadata only", Captures.read("rw1-metadata-only.bin"), WRITE_HEADERS, 204),
                Arguments.of("exemplars are not stored", Captures.read("rw1-exemplars.bin"), WRITE_HEADERS, 400),
                Arguments.of("native histograms are not stored", Captures.read("rw1-native-histogram.bin"), WRITE_HEADERS, 400),
                Arguments.of("garbage snappy", new byte[] {0x10, 0x7f, 0x7f, 0x7f, 0x01}, WRITE_HEADERS, 400),
                Arguments.of("truncated protobuf", Snappy.compress(Arrays.copyOf(pb, pb.length - 5)), WRITE_HEADERS, 400),
                Arguments.of("uncompressed protobuf", pb, WRITE_HEADERS, 400),
                Arguments.of("empty body", new byte[0], WRITE_HEADERS, 400),
                Arguments.of("wrong content type", Captures.read("rw1-stale-markers.bin"),
                        new String[] {"Content-Encoding", "snappy", "Content-Type", "application/json"}, 415),
                Arguments.of("unknown remote write message type", Captures.read("rw1-stale-markers.bin"),
                        new String[] {"Content-Encoding", "snappy", "Content-Type", "application/x-protobuf;proto=io.prometheus.write.v3.Request"}, 415),
                Arguments.of("wrong encoding", Captures.read("rw1-stale-markers.bin"),
                        new String[] {"Content-Encoding", "gzip", "Content-Type", "application/x-protobuf"}, 415),
                Arguments.of("declared length over the limit", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0, 0, 0, 0, 0},
                        WRITE_HEADERS, 413));
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("writeCases")
    void writeAnswersByTheStatusTable(String name, byte[] body, String[] headers, int status) throws Exception {
        HttpResponse<byte[]> r = send("POST", "/write", body, headers);
        assertEquals(status, r.statusCode(), () -> name + ": " + new String(r.body()));
        assertTrue(r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").isPresent(), "written counts on every answer");
        if (status >= 400) {
            assertTrue(r.body().length > 0, "an error says what was wrong");
        }
    }

    @Test
    void bodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        long declared = Snappy.maxCompressedLength(MAX_DECODED) + 1L;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String head = "POST /write HTTP/1.1\r\nHost: x\r\nContent-Encoding: snappy\r\nContent-Length: " + declared + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[1024]);
            socket.getOutputStream().flush();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 413 Request Entity Too Large", status);
        }
    }

    @Test
    void clientsThatNeverFinishTheirRequestsDoNotBlockOthers() throws Exception {
        java.util.List<java.net.Socket> stalled = new java.util.ArrayList<>();
        try {
            // fewer stalled clients than worker threads: they must not delay anyone else
            for (int i = 0; i < 24; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", server.port());
                String head = i % 2 == 0 ? "POST /write HTTP/1.1\r\nHost: x\r\n"
                        : "POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc";
                s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stalled.add(s);
            }
            assertEquals(204, send("POST", "/write", Captures.read("rw1-stale-markers.bin"), WRITE_HEADERS).statusCode());
        } finally {
            for (java.net.Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void writtenSamplesCanBeReadBack() throws Exception {
        assertEquals(204, send("POST", "/write", Captures.read("rw1-stale-markers.bin"), WRITE_HEADERS).statusCode());
        ReadRequest req = ReadRequest.newBuilder().addQueries(Query.newBuilder()
                .setStartTimestampMs(1795595347959L).setEndTimestampMs(1795595351959L)
                .addMatchers(LabelMatcher.newBuilder().setName("PrometheusDatabaseLabel").setValue("promDB"))
                .addMatchers(LabelMatcher.newBuilder().setName("PrometheusTableLabel").setValue("promTable"))
                .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("fx_demo_requests_total"))
                .addMatchers(LabelMatcher.newBuilder().setName("path").setType(LabelMatcher.Type.NRE).setValue("/b"))).build();
        HttpResponse<byte[]> r = send("POST", "/read", Snappy.compress(req.toByteArray()),
                "Content-Encoding", "snappy", "Content-Type", "application/x-protobuf", "X-Prometheus-Remote-Read-Version", "0.1.0");
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("snappy", r.headers().firstValue("Content-Encoding").orElse(""));
        io.tsconnector.proto.prometheus.TimeSeries ts = io.tsconnector.adapters.protocol.StaleMarkersRead.series(r.body());
        assertEquals("promDB", ts.getLabels(0).getValue());
    }

    @Test
    void streamedReadAnswersXorChunkFrames() throws Exception {
        assertEquals(204, send("POST", "/write", Captures.read("rw1-scrape-self.bin"), WRITE_HEADERS).statusCode());
        ReadRequest req = ReadRequest.newBuilder()
                .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
                .addAcceptedResponseTypes(ReadRequest.ResponseType.SAMPLES)
                .addQueries(Query.newBuilder().setStartTimestampMs(0).setEndTimestampMs(Long.MAX_VALUE)
                        .addMatchers(LabelMatcher.newBuilder().setName("PrometheusDatabaseLabel").setValue("promDB"))
                        .addMatchers(LabelMatcher.newBuilder().setName("PrometheusTableLabel").setValue("promTable"))
                        .addMatchers(LabelMatcher.newBuilder().setName("__name__").setType(LabelMatcher.Type.RE).setValue("go_.*")))
                .addQueries(Query.newBuilder().setStartTimestampMs(0).setEndTimestampMs(Long.MAX_VALUE)
                        .addMatchers(LabelMatcher.newBuilder().setName("PrometheusDatabaseLabel").setValue("promDB"))
                        .addMatchers(LabelMatcher.newBuilder().setName("PrometheusTableLabel").setValue("promTable"))
                        .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("up")))
                .build();
        HttpResponse<byte[]> r = send("POST", "/read", Snappy.compress(req.toByteArray()), "Content-Encoding", "snappy");
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse",
                r.headers().firstValue("Content-Type").orElse(""));
        io.tsconnector.adapters.protocol.chunks.ChunkedFrameReader frames =
                new io.tsconnector.adapters.protocol.chunks.ChunkedFrameReader(new java.io.ByteArrayInputStream(r.body()));
        int[] perQuery = new int[2];
        long samples = 0;
        for (io.tsconnector.proto.prometheus.ChunkedReadResponse f = frames.nextResponse(); f != null; f = frames.nextResponse()) {
            perQuery[(int) f.getQueryIndex()] += f.getChunkedSeriesCount();
            for (io.tsconnector.proto.prometheus.ChunkedSeries cs : f.getChunkedSeriesList()) {
                for (io.tsconnector.proto.prometheus.Chunk c : cs.getChunksList()) {
                    samples += io.tsconnector.adapters.protocol.chunks.XorChunkDecoder.decode(c.getData().toByteArray()).size();
                }
            }
        }
        assertTrue(perQuery[0] > 5, "go_ series: " + perQuery[0]);
        assertEquals(1, perQuery[1], "one up series");
        assertTrue(samples > perQuery[0]);
    }

    @Test
    void readErrorsFollowTheStatusTable() throws Exception {
        byte[] noDestination = Snappy.compress(Captures.read("rr-sampled-request.pb"));
        HttpResponse<byte[]> r = send("POST", "/read", noDestination, "Content-Encoding", "snappy");
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body()).startsWith("MissingDatabaseWithQueryError"), new String(r.body()));
        assertEquals(400, send("POST", "/read", new byte[] {1, 2, 3}).statusCode());
        assertEquals(415, send("POST", "/read", noDestination, "Content-Encoding", "zstd").statusCode());
        assertEquals(400, send("POST", "/read", Snappy.compress(Captures.read("rr-streamed-request.pb"))).statusCode(),
                "a streamed request without a destination fails before the stream starts");
    }

    @Test
    void storeFailuresMapToStatuses() throws Exception {
        byte[] body = Captures.read("rw1-stale-markers.bin");
        store.injectFailures((op, d) -> new RetryLaterException("Timestream throttled the request"));
        HttpResponse<byte[]> r = send("POST", "/write", body, WRITE_HEADERS);
        assertEquals(503, r.statusCode());
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
        store.injectFailures((op, d) -> new NeverRetryException(NeverRetryException.Kind.NOT_FOUND, "The table promTable does not exist."));
        assertEquals(404, send("POST", "/write", body, WRITE_HEADERS).statusCode());
        store.injectFailures((op, d) -> new NeverRetryException(NeverRetryException.Kind.ACCESS_DENIED, "denied"));
        assertEquals(403, send("POST", "/write", body, WRITE_HEADERS).statusCode());
        store.injectFailures((op, d) -> new NeverRetryException(NeverRetryException.Kind.INVALID, "bad"));
        assertEquals(400, send("POST", "/write", body, WRITE_HEADERS).statusCode());
        store.clearFailures();
        assertEquals(204, send("POST", "/write", body, WRITE_HEADERS).statusCode(), "the retry succeeds once faults clear");
    }

    @Test
    void otherEndpoints() throws Exception {
        assertEquals(200, send("GET", "/-/healthy", null).statusCode());
        assertEquals(200, send("GET", "/-/ready", null).statusCode());
        assertEquals(405, send("GET", "/write", null).statusCode());
        assertEquals(404, send("GET", "/nope", null).statusCode());
        assertEquals(404, send("POST", "/writes", new byte[0]).statusCode());
        send("POST", "/write", Captures.read("rw1-stale-markers.bin"), WRITE_HEADERS);
        HttpResponse<byte[]> m = send("GET", "/metrics", null);
        assertEquals(200, m.statusCode());
        String text = new String(m.body());
        for (String name : new String[] {"timestream_connector_received_samples_total", "timestream_connector_ignored_samples_total{reason=\"stale_marker\",}",
            "timestream_connector_write_requests_total", "timestream_connector_write_duration_seconds", "timestream_connector_read_requests_total",
            "timestream_connector_read_duration_seconds"}) {
            assertTrue(text.contains(name), name);
        }
    }

    @Test
    void mutatedRequestsNeverCrashTheServer() throws Exception {
        Random random = new Random(42);
        byte[][] seeds = {Captures.read("rw1-scrape-self.pb"), Captures.read("rw1-native-histogram.pb"), Captures.read("rr-sampled-request.pb")};
        for (int i = 0; i < 300; i++) {
            byte[] pb = seeds[i % seeds.length].clone();
            for (int k = 0; k < 1 + random.nextInt(8); k++) {
                pb[random.nextInt(pb.length)] = (byte) random.nextInt(256);
            }
            byte[] body = random.nextInt(5) == 0 ? Arrays.copyOf(pb, random.nextInt(pb.length)) : Snappy.compress(pb);
            String path = i % seeds.length == 2 ? "/read" : "/write";
            int status = send("POST", path, body, "Content-Encoding", "snappy").statusCode();
            assertTrue(status == 204 || status == 200 || status == 400 || status == 413, "status " + status + " for case " + i);
        }
        assertEquals(200, send("GET", "/-/healthy", null).statusCode());
        assertEquals(204, send("POST", "/write", Captures.read("rw1-stale-markers.bin"), WRITE_HEADERS).statusCode());
        assertTrue(store.sampleCount(PROM) > 0);
    }
}
