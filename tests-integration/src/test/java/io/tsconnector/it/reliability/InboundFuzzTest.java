package io.tsconnector.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.domain.Label;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Robustness test: mutated remote-write and remote-read requests (HTTP, snappy and protobuf layers of the
 * Prometheus captures and of generated write v1, write v2 and read requests) against a connector on each
 * store CI runs. The process must live, never answer 5xx while its store works, answer every request within
 * a bound, keep {@code /-/healthy} under a second, keep RSS and log bytes per request bounded, and read back
 * what valid requests wrote before the fuzz. CI form: {@code fuzz.count} (default 3,000) requests or
 * {@code fuzz.seconds} (default 20) per store; long form: {@code -Dfuzz.count=1000000 -Dfuzz.seconds=0}.
 * {@code -Dfuzz.seed=} repeats a run.
 */
class InboundFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20_261_201L);
    private static final long COUNT = Long.getLong("fuzz.count", 3_000);
    private static final long SECONDS = Long.getLong("fuzz.seconds", 20);
    /** On the Timestream store the fake endpoint fails every call for this many requests out of each 500. */
    private static final int FAILING_WINDOW = 25;

    static {
        System.out.println("InboundFuzzTest: the cases of knownInboundDefectCases and the violations tagged [known defect Kn] "
                + "depend on the fixes of issue 13 in adapters/remote-protocol and adapters/http-server");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "local", "timestream", "influxdb"})
    void hostileRequestsNeitherCrashNorStallNorCorrupt(String store) throws Exception {
        // -Dfuzz.stores=memory,local runs the long form on some stores only
        Assumptions.assumeTrue(List.of(System.getProperty("fuzz.stores", "memory,local,timestream,influxdb").split(","))
                .contains(store), "store not selected by -Dfuzz.stores");
        System.out.println("InboundFuzzTest[" + store + "]: seed " + SEED + " (-Dfuzz.seed= to repeat), count " + COUNT
                + ", seconds " + (SECONDS == 0 ? "unbounded" : SECONDS));
        FuzzRequests requests = new FuzzRequests();
        try (FuzzRun run = new FuzzRun(FuzzStores.start(store))) {
            WriteRequest baseline = baseline(new SplittableRandom(SEED));
            run.writeValid(baseline);
            TreeMap<String, List<Long>> expected = view(RemoteCallsView.series(baseline));
            assertEquals(expected, view(run.readBack("baseDB", "baseTable", "fuzz_base")), "baseline reads back before the fuzz");

            long deadline = SECONDS == 0 ? Long.MAX_VALUE : System.nanoTime() + SECONDS * 1_000_000_000L;
            FakeTimestreamEndpoint fake = run.fake();
            for (long i = 0; i < COUNT && System.nanoTime() < deadline; i++) {
                boolean failing = fake != null && i % 500 >= 500 - FAILING_WINDOW;
                if (fake != null) {
                    fake.phase(failing ? FakeTimestreamEndpoint.Phase.INTERNAL_ERROR : FakeTimestreamEndpoint.Phase.NORMAL);
                }
                run.send(requests.next(SEED, i), failing);
            }
            if (fake != null) {
                fake.phase(FakeTimestreamEndpoint.Phase.NORMAL);
            }
            run.finish();
            System.out.println("InboundFuzzTest[" + store + "]: " + run.summary());

            assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(run.uri().resolve("/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "the connector still serves after the fuzz");
            assertEquals(expected, view(run.readBack("baseDB", "baseTable", "fuzz_base")),
                    "what valid requests wrote before the fuzz reads back exactly after it");
            assertTrue(run.requests >= Math.min(COUNT, 200), "too few requests to prove anything: " + run.requests);
            assertTrue(run.violations.isEmpty(), run.violations.size() + " violation(s) in " + run.requests + " requests "
                    + "(seed " + SEED + "):\n  " + String.join("\n  ", run.violations));
        }
    }

    /**
     * Cases the issue names as defects of the inbound modules (remote-protocol, http-server), one assertion each.
     * These fail until those fixes land: K1 500 on a malformed Content-Type; K2 a known field with the wrong wire
     * type answered 2xx; K3 one log line per ignored series; K4 a catastrophic regex on local mode never ends;
     * K5 a 120,000-character regex is not bounded; K6 stalled uploads block {@code /-/healthy}.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "local", "timestream", "influxdb"})
    void knownInboundDefectCases(String store) throws Exception {
        List<String> failures = new ArrayList<>();
        try (FuzzRun run = new FuzzRun(FuzzStores.start(store))) {
            byte[] valid = Snappy.compress(FuzzRequests.writeV1(new SplittableRandom(1), "fuzzDB", "fuzzTable", 3).toByteArray());
            for (String contentType : new String[] {";", ";;", "=", "application/x-protobuf;=", "; proto=x"}) {
                RawHttp.Answer a = post(run, "/write", contentType, valid);
                expect(failures, a.status() >= 400 && a.status() < 500, "K1 Content-Type '" + contentType + "' answered "
                        + a.status() + " " + a.bodyText() + "; want 4xx");
            }
            RawHttp.Answer wire = post(run, "/write", "application/x-protobuf", Snappy.compress(new byte[] {0x08, 0x01}));
            expect(failures, wire.status() == 400, "K2 field 1 of WriteRequest as a varint answered " + wire.status() + "; want 400");

            long logBefore = run.maxLogBytes;
            WriteRequest.Builder nameless = WriteRequest.newBuilder();
            for (int i = 0; i < 20_000; i++) {
                nameless.addTimeseries(io.tsconnector.proto.prometheus.TimeSeries.newBuilder()
                        .addLabels(FuzzRequests.label(FuzzStores.DATABASE_LABEL, "fuzzDB"))
                        .addLabels(FuzzRequests.label(FuzzStores.TABLE_LABEL, "fuzzTable"))
                        .addLabels(FuzzRequests.label("a", Integer.toString(i)))
                        .addSamples(io.tsconnector.proto.prometheus.Sample.newBuilder().setTimestamp(FuzzRequests.NOW).setValue(1)));
            }
            run.send(new FuzzRequests.Request(writeRequestBytes(Snappy.compress(nameless.build().toByteArray())),
                    FuzzRequests.Kind.WRITE_V1, "K3 20,000 series without __name__", false, false, false), false);
            expect(failures, run.maxLogBytes <= FuzzRun.BOUNDS.logBytesPerRequest(), "K3 one request with 20,000 series "
                    + "without a metric name logged " + Math.max(logBefore, run.maxLogBytes) + " bytes; bound "
                    + FuzzRun.BOUNDS.logBytesPerRequest());

            if (store.equals("local")) {
                run.writeValid(WriteRequest.newBuilder().addTimeseries(io.tsconnector.proto.prometheus.TimeSeries.newBuilder()
                        .addLabels(FuzzRequests.label(FuzzStores.DATABASE_LABEL, "fuzzDB"))
                        .addLabels(FuzzRequests.label(FuzzStores.TABLE_LABEL, "fuzzTable"))
                        .addLabels(FuzzRequests.label("__name__", "fuzz_regex"))
                        .addLabels(FuzzRequests.label("long", "a".repeat(40)))
                        .addSamples(io.tsconnector.proto.prometheus.Sample.newBuilder().setTimestamp(FuzzRequests.NOW).setValue(1)))
                        .build());
                RawHttp.Answer slow = read(run, "long", "((a+)+)+c", 10_000);
                expect(failures, slow.answered() && slow.status() == 200, "K4 read with long=~\"((a+)+)+c\" on local mode "
                        + (slow.answered() ? "answered " + slow.status() : "not answered within 10 s") + "; want 200 (linear time)");
            }
            RawHttp.Answer huge = read(run, "__name__", "a".repeat(120_000), 5_000);
            expect(failures, huge.status() >= 400 && huge.status() < 500, "K5 a 120,000-character regex answered "
                    + huge.status() + " after " + huge.nanos() / 1_000_000 + " ms; want a 4xx within 5 s");

            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 80; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", run.port()), 2_000);
                    OutputStream out = s.getOutputStream();
                    out.write(("POST /write HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                            + "Content-Encoding: snappy\r\nContent-Length: 100000\r\n\r\n0123456789").getBytes());
                    out.flush();
                    stalled.add(s);
                }
                Thread.sleep(500);
                long start = System.nanoTime();
                int status;
                try {
                    status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(run.uri().resolve("/-/healthy"))
                            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException e) {
                    status = -1;
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                expect(failures, status == 200 && ms < 1_000, "K6 /-/healthy with 80 stalled uploads: status " + status
                        + " after " + ms + " ms; want 200 within 1 s");
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
        assertTrue(failures.isEmpty(), "known inbound defects still present on " + store + ":\n  " + String.join("\n  ", failures));
    }

    private static void expect(List<String> failures, boolean ok, String message) {
        if (!ok) {
            failures.add(message);
        }
    }

    private static RawHttp.Answer post(FuzzRun run, String path, String contentType, byte[] body) {
        List<String[]> headers = List.of(new String[] {"Host", "127.0.0.1"}, new String[] {"Content-Encoding", "snappy"},
                new String[] {"Content-Type", contentType}, new String[] {"X-Prometheus-Remote-Write-Version", "0.1.0"},
                new String[] {"Connection", "close"}, new String[] {"Content-Length", Integer.toString(body.length)});
        return RawHttp.exchange(run.port(), RawHttp.request("POST", path, headers, body), FuzzRun.BOUNDS.answerMs());
    }

    private static byte[] writeRequestBytes(byte[] body) {
        return RawHttp.request("POST", "/write", List.of(new String[] {"Host", "127.0.0.1"},
                new String[] {"Content-Encoding", "snappy"}, new String[] {"Content-Type", "application/x-protobuf"},
                new String[] {"X-Prometheus-Remote-Write-Version", "0.1.0"}, new String[] {"Connection", "close"},
                new String[] {"Content-Length", Integer.toString(body.length)}), body);
    }

    private static RawHttp.Answer read(FuzzRun run, String label, String regex, int timeoutMs) {
        byte[] body = Snappy.compress(ReadRequest.newBuilder().addQueries(Query.newBuilder()
                .setStartTimestampMs(FuzzRequests.NOW - 3_600_000).setEndTimestampMs(FuzzRequests.NOW + 60_000)
                .addMatchers(FuzzRequests.matcher(LabelMatcher.Type.EQ, FuzzStores.DATABASE_LABEL, "fuzzDB"))
                .addMatchers(FuzzRequests.matcher(LabelMatcher.Type.EQ, FuzzStores.TABLE_LABEL, "fuzzTable"))
                .addMatchers(FuzzRequests.matcher(LabelMatcher.Type.EQ, "__name__", "fuzz_regex"))
                .addMatchers(FuzzRequests.matcher(LabelMatcher.Type.RE, label, regex))).build().toByteArray());
        List<String[]> headers = List.of(new String[] {"Host", "127.0.0.1"}, new String[] {"Content-Encoding", "snappy"},
                new String[] {"Accept-Encoding", "snappy"}, new String[] {"Content-Type", "application/x-protobuf"},
                new String[] {"X-Prometheus-Remote-Read-Version", "0.1.0"}, new String[] {"Connection", "close"},
                new String[] {"Content-Length", Integer.toString(body.length)});
        return RawHttp.exchange(run.port(), RawHttp.request("POST", "/read", headers, body), timeoutMs);
    }

    /** 20 series of 5 samples each in baseDB.baseTable, values from {@code r}. */
    private static WriteRequest baseline(SplittableRandom r) {
        WriteRequest.Builder w = WriteRequest.newBuilder();
        for (int i = 0; i < 20; i++) {
            io.tsconnector.proto.prometheus.TimeSeries.Builder ts = io.tsconnector.proto.prometheus.TimeSeries.newBuilder()
                    .addLabels(FuzzRequests.label(FuzzStores.DATABASE_LABEL, "baseDB"))
                    .addLabels(FuzzRequests.label(FuzzStores.TABLE_LABEL, "baseTable"))
                    .addLabels(FuzzRequests.label("__name__", "fuzz_base"))
                    .addLabels(FuzzRequests.label("instance", "b" + i));
            for (int k = 0; k < 5; k++) {
                ts.addSamples(io.tsconnector.proto.prometheus.Sample.newBuilder()
                        .setTimestamp(FuzzRequests.NOW - 600_000 + k * 15_000L).setValue(r.nextDouble() * 1e3 - 500));
            }
            w.addTimeseries(ts);
        }
        return w.build();
    }

    /** Series without the destination labels, as sorted text, to timestamps and value bits in order. */
    private static TreeMap<String, List<Long>> view(List<TimeSeries> series) {
        TreeMap<String, List<Long>> out = new TreeMap<>();
        for (TimeSeries s : series) {
            StringBuilder key = new StringBuilder();
            for (Label l : s.labels()) {
                if (!l.name().equals(FuzzStores.DATABASE_LABEL) && !l.name().equals(FuzzStores.TABLE_LABEL)) {
                    key.append(l.name()).append('=').append(l.value()).append(',');
                }
            }
            List<Long> samples = out.computeIfAbsent(key.toString(), k -> new ArrayList<>());
            for (Sample x : s.samples()) {
                samples.add(x.timestampMs());
                samples.add(Double.doubleToRawLongBits(x.value()));
            }
        }
        return out;
    }

    /** The domain series of a write request. */
    private static final class RemoteCallsView {
        static List<TimeSeries> series(WriteRequest request) {
            List<TimeSeries> out = new ArrayList<>();
            for (io.tsconnector.proto.prometheus.TimeSeries ts : request.getTimeseriesList()) {
                List<Label> labels = new ArrayList<>();
                ts.getLabelsList().forEach(l -> labels.add(new Label(l.getName(), l.getValue())));
                List<Sample> samples = new ArrayList<>();
                ts.getSamplesList().forEach(x -> samples.add(new Sample(x.getTimestamp(), x.getValue())));
                out.add(new TimeSeries(io.tsconnector.domain.Labels.of(labels), samples));
            }
            return out;
        }
    }
}
