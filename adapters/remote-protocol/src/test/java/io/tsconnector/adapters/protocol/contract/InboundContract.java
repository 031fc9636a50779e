package io.tsconnector.adapters.protocol.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.protocol.InboundRequest;
import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.adapters.protocol.MemoryWiring;
import io.tsconnector.adapters.protocol.ProtocolResponse;
import io.tsconnector.adapters.protocol.RequestBody;
import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.adapters.protocol.WriteGate;
import io.tsconnector.proto.Captures;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.Sample;
import io.tsconnector.proto.prometheus.TimeSeries;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract test: the inbound contract every transport passes, the counterpart of the outbound {@code SeriesStoreContract}: one
 * table of requests (name, method, path, headers, body -> status, headers, body), each sent through the
 * transport and, as the reference, straight into an {@code InboundPipeline} over an identical store. The
 * transport's answer must equal the reference byte for byte (status, every header the pipeline sets, body), so
 * all transports answer alike, refusals included; and every answer to {@code /write} and {@code /read} must be
 * counted once by its status.
 */
public abstract class InboundContract {
    /** Small limits, so the size refusals need small bodies. */
    public static final Limits LIMITS = new Limits(256 * 1024, 1_000_000, 4096);
    /** Headers a transport adds by itself (framing, date): not part of the pipeline's answer. */
    public static final Set<String> TRANSPORT_HEADERS = Set.of("date", "content-length", "transfer-encoding",
            "connection", "keep-alive");

    /** What was answered: header names lower case (HTTP header names are case-insensitive). */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public Answer {
            Map<String, String> h = new TreeMap<>();
            headers.forEach((k, v) -> {
                if (!TRANSPORT_HEADERS.contains(k.toLowerCase(Locale.ROOT))) {
                    h.put(k.toLowerCase(Locale.ROOT), v);
                }
            });
            headers = h;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Which counter an answer must be counted in. */
    public enum Counted {
        WRITE("timestream_connector_write_requests_total"),
        READ("timestream_connector_read_requests_total"),
        NONE(null);

        final String metric;

        Counted(String metric) {
            this.metric = metric;
        }
    }

    /**
     * One row of the table.
     *
     * @param headers request headers as Prometheus sends them (a transport may change the case of names)
     * @param seed whether the store holds the stale-markers capture before the request (for reads)
     * @param overloaded whether every in-flight permit is taken while the request arrives
     * @param bodyContains text the answer's body must contain ("" for an empty body)
     */
    public record Case(String name, String method, String path, Map<String, String> headers, byte[] body,
                       boolean seed, boolean overloaded, int status, Map<String, String> answerHeaders,
                       String bodyContains, Counted counted) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Sends one request through the transport over the wiring's pipeline and returns what came back. */
    protected abstract Answer send(MemoryWiring wiring, Case c) throws Exception;

    private static final Map<String, String> WRITE = headers("Content-Encoding", "snappy",
            "Content-Type", "application/x-protobuf", "X-Prometheus-Remote-Write-Version", "0.1.0");
    private static final Map<String, String> WRITE_V2 = headers("Content-Encoding", "snappy",
            "Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request",
            "X-Prometheus-Remote-Write-Version", "2.0.0");
    private static final Map<String, String> READ = headers("Content-Encoding", "snappy",
            "Content-Type", "application/x-protobuf", "X-Prometheus-Remote-Read-Version", "0.1.0");

    private static Map<String, String> headers(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.putAll(headers(kv));
        return m;
    }

    private static Map<String, String> written(String samples) {
        return headers("x-prometheus-remote-write-samples-written", samples,
                "x-prometheus-remote-write-histograms-written", "0", "x-prometheus-remote-write-exemplars-written", "0");
    }

    private static Case write(String name, Map<String, String> headers, byte[] body, int status, String written,
                              String bodyContains) {
        return new Case(name, "POST", "/write", headers, body, false, false, status, written(written), bodyContains,
                Counted.WRITE);
    }

    private static Case read(String name, ReadRequest request, int status, String bodyContains) {
        return new Case(name, "POST", "/read", READ, Snappy.compress(request.toByteArray()), true, false, status,
                Map.of(), bodyContains, Counted.READ);
    }

    private static byte[] series(TimeSeries.Builder... series) {
        WriteRequest.Builder r = WriteRequest.newBuilder();
        for (TimeSeries.Builder s : series) {
            r.addTimeseries(s);
        }
        return Snappy.compress(r.build().toByteArray());
    }

    private static TimeSeries.Builder ts(double value, String... kv) {
        TimeSeries.Builder b = TimeSeries.newBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            b.addLabels(Label.newBuilder().setName(kv[i]).setValue(kv[i + 1]));
        }
        return b.addSamples(Sample.newBuilder().setTimestamp(1795595347959L).setValue(value));
    }

    private static Query.Builder fxRequests() {
        return Query.newBuilder().setStartTimestampMs(1795595347959L).setEndTimestampMs(1795595351959L)
                .addMatchers(LabelMatcher.newBuilder().setName(MemoryWiring.DATABASE_LABEL).setValue("promDB"))
                .addMatchers(LabelMatcher.newBuilder().setName(MemoryWiring.TABLE_LABEL).setValue("promTable"))
                .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("fx_demo_requests_total"));
    }

    static Stream<Case> cases() {
        byte[] pb = Captures.read("rw1-stale-markers.pb");
        byte[] bin = Captures.read("rw1-stale-markers.bin");
        String[] dest = {MemoryWiring.DATABASE_LABEL, "promDB", MemoryWiring.TABLE_LABEL, "promTable"};
        byte[] v2 = Snappy.compress(io.tsconnector.proto.write.v2.Request.newBuilder()
                .addAllSymbols(List.of("", "__name__", "m", dest[0], dest[1], dest[2], dest[3]))
                .addTimeseries(io.tsconnector.proto.write.v2.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 2, 3, 4, 5, 6))
                        .addSamples(io.tsconnector.proto.write.v2.Sample.newBuilder().setTimestamp(1000).setValue(1)))
                .build().toByteArray());
        byte[] oversized = new byte[LIMITS.maxBodyBytes() + 100];
        Arrays.fill(oversized, (byte) 1);
        return Stream.of(
                write("v1 write: a real Prometheus request", WRITE, Captures.read("rw1-scrape-self.bin"), 204,
                        null, ""),
                write("v1 write with stale markers", WRITE, bin, 204, "31", ""),
                write("v2 write", WRITE_V2, v2, 204, "1", ""),
                write("v1 write: metadata only", WRITE, Captures.read("rw1-metadata-only.bin"), 204, "0", ""),
                write("NaN sample is skipped", WRITE, series(ts(Double.NaN, "__name__", "m", dest[0], dest[1],
                        dest[2], dest[3]), ts(1, "__name__", "m", "x", "y", dest[0], dest[1], dest[2], dest[3])), 204, "1", ""),
                write("missing destination", WRITE, series(ts(1, "__name__", "m")), 400, "0",
                        "MissingDatabaseWithWriteError"),
                write("series without a metric name", WRITE, series(ts(1, "job", "j", dest[0], dest[1], dest[2],
                        dest[3])), 400, "0", "MissingMetricNameError"),
                write("exemplars are not stored", WRITE, Captures.read("rw1-exemplars.bin"), 400, null, "exemplars"),
                write("garbage snappy", WRITE, new byte[] {0x10, 0x7f, 0x7f, 0x7f, 0x01}, 400, "0", "snappy"),
                write("uncompressed protobuf", WRITE, pb, 400, "0", "snappy"),
                write("truncated protobuf", WRITE, Snappy.compress(Arrays.copyOf(pb, pb.length - 5)), 400, "0",
                        "undecodable"),
                write("known field with the wrong wire type", WRITE, Snappy.compress(new byte[] {0x08, 0x01}), 400,
                        "0", "wire type 0"),
                write("empty body", WRITE, new byte[0], 400, "0", "empty body"),
                write("Content-Type ';'", with(WRITE, "Content-Type", ";"), bin, 415, "0",
                        "unsupported Content-Type ';'"),
                write("mutated Content-Type", with(WRITE, "Content-Type", "application/x-protobuf;;proto"), bin, 415,
                        "0", "name=value"),
                write("JSON Content-Type", with(WRITE, "Content-Type", "application/json"), bin, 415, "0",
                        "unsupported Content-Type"),
                write("unknown proto message", with(WRITE, "Content-Type", "application/x-protobuf;proto=x.Y"), bin,
                        415, "0", "x.Y"),
                write("gzip Content-Encoding", with(WRITE, "Content-Encoding", "gzip"), bin, 415, "0", "gzip"),
                write("snappy header declares more than the limit", WRITE,
                        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0, 0, 0, 0, 0}, 413, "0",
                        "exceeds the limit"),
                write("Content-Length over the limit", with(WRITE, "Content-Length", "999999999"), new byte[0], 413,
                        "0", "request body of 999999999 bytes exceeds the limit"),
                write("body over the limit", WRITE, oversized, 413, "0", "exceeds the limit"),
                new Case("GET /write", "GET", "/write", WRITE, new byte[0], false, false, 405,
                        with(written("0"), "allow", "POST"), "not allowed", Counted.WRITE),
                new Case("overloaded write", "POST", "/write", WRITE, bin, false, true, 503,
                        with(written("0"), "retry-after", "1"), "overloaded", Counted.WRITE),
                write("read header sent to /write", READ, bin, 400, "0", "send remote read requests to /read"),
                read("read, SAMPLES", ReadRequest.newBuilder().addQueries(fxRequests()).build(), 200, null),
                read("read, STREAMED_XOR_CHUNKS", ReadRequest.newBuilder().addQueries(fxRequests())
                        .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS).build(), 200, null),
                read("read without a destination", ReadRequest.newBuilder().addQueries(Query.newBuilder()
                        .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("up"))).build(), 400,
                        "MissingDatabaseWithQueryError"),
                read("read with a matcher over the size limit", ReadRequest.newBuilder().addQueries(fxRequests()
                        .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.RE).setName("job")
                                .setValue("a+".repeat(3000)))).build(), 400, "over the limit of 4096 bytes"),
                new Case("read of garbage", "POST", "/read", READ, new byte[] {1, 2, 3}, false, false, 400, Map.of(),
                        "snappy", Counted.READ),
                new Case("PUT /read", "PUT", "/read", READ, new byte[0], false, false, 405, Map.of("allow", "POST"),
                        "not allowed", Counted.READ),
                new Case("unknown path", "POST", "/nope", WRITE, bin, false, false, 404, Map.of(), "/nope",
                        Counted.NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersLikeThePipelineItselfAndCountsEveryAnswer(Case c) throws Exception {
        MemoryWiring reference = prepare(c);
        Answer expected = overloadedIf(c, reference, () -> direct(reference, c));
        MemoryWiring wiring = prepare(c);
        double before = total(wiring, c.counted());
        Answer actual = overloadedIf(c, wiring, () -> send(wiring, c));

        assertEquals(c.status(), expected.status(), () -> c.name() + ": reference answered " + expected.text());
        c.answerHeaders().forEach((k, v) -> {
            if (v != null) {
                assertEquals(v, expected.headers().get(k), c.name() + ": header " + k);
            } else {
                assertTrue(expected.headers().containsKey(k), c.name() + ": header " + k);
            }
        });
        if (c.bodyContains() != null) {
            if (c.bodyContains().isEmpty()) {
                assertEquals(0, expected.body().length, () -> c.name() + ": " + expected.text());
            } else {
                assertTrue(expected.text().contains(c.bodyContains()), () -> c.name() + ": " + expected.text());
            }
        }
        assertEquals(expected.status(), actual.status(), () -> c.name() + ": " + actual.text());
        assertEquals(expected.headers(), actual.headers(), c.name());
        assertArrayEquals(expected.body(), actual.body(), () -> c.name() + ": " + actual.text());
        if (c.counted() != Counted.NONE) {
            assertEquals(1.0, wiring.metric(c.counted().metric, "code", Integer.toString(c.status())), c.name());
            // an overloaded case also counts the request that held the permit
            assertEquals(before + (c.overloaded() ? 2 : 1), total(wiring, c.counted()), c.name() + ": counted once");
        }
        if (c.overloaded()) {
            assertEquals(1.0, wiring.metric("timestream_connector_requests_rejected_total"), c.name());
        }
    }

    private static MemoryWiring prepare(Case c) {
        MemoryWiring wiring = new MemoryWiring(new InMemorySeriesStore(), LIMITS, c.overloaded() ? 1 : 16);
        if (c.seed()) {
            byte[] bin = Captures.read("rw1-stale-markers.bin");
            ProtocolResponse r = wiring.pipeline.handle(new InboundRequest("POST", "/write", h -> null,
                    RequestBody.of(bin)));
            assertEquals(204, r.status(), r.bodyText());
        }
        return wiring;
    }

    private static double total(MemoryWiring wiring, Counted counted) {
        if (counted == Counted.NONE) {
            return 0;
        }
        double sum = 0;
        for (var family : java.util.Collections.list(wiring.registry.metricFamilySamples())) {
            for (var s : family.samples) {
                if (s.name.equals(counted.metric)) {
                    sum += s.value;
                }
            }
        }
        return sum;
    }

    @FunctionalInterface
    private interface Call {
        Answer get() throws Exception;
    }

    /** Runs the call while another request holds the only in-flight permit, when the case says so. */
    private static Answer overloadedIf(Case c, MemoryWiring wiring, Call call) throws Exception {
        if (!c.overloaded()) {
            return call.get();
        }
        WriteGate gate = WriteGate.on(wiring.store);
        Thread holder = new Thread(() -> wiring.pipeline.handle(new InboundRequest("POST", "/write", h -> null,
                RequestBody.of(Captures.read("rw1-stale-markers.bin")))));
        holder.start();
        assertTrue(gate.awaitWrite(), "the holding request reached the store");
        try {
            return call.get();
        } finally {
            gate.close();
            holder.join();
        }
    }

    /** The reference: the request straight into the pipeline, a streamed body collected. */
    private static Answer direct(MemoryWiring wiring, Case c) throws Exception {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(c.headers());
        ProtocolResponse r = wiring.pipeline.handle(new InboundRequest(c.method(), c.path(), h::get,
                RequestBody.of(c.body())));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.writeBody(out);
        return new Answer(r.status(), r.headers(), out.toByteArray());
    }
}
