package io.tsconnector.it.reliability;

import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.proto.Captures;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test helper: the fuzz requests. Each starts from a protobuf body (a capture of Prometheus 2.42 or a
 * generated write v1, write v2 or read request) and is mutated at none, one or several of the protobuf,
 * snappy and HTTP layers; request {@code i} of seed {@code s} is always the same request.
 */
final class FuzzRequests {
    /** What a body is. */
    enum Kind { WRITE_V1, WRITE_V2, READ }

    /** A request as sent, what was done to it, and what the oracle may demand of its answer. */
    record Request(byte[] bytes, Kind kind, String description, boolean valid, boolean framingBroken, boolean mustBeRejected) {
    }

    private record Seed(Kind kind, String name, byte[] pb) {
    }

    static final long NOW = System.currentTimeMillis() / 1000 * 1000;
    private static final String[] CAPTURES = {"rw1-scrape-self", "rw1-exemplars", "rw1-metadata-only",
        "rw1-native-histogram", "rw1-stale-markers", "rr-sampled-request", "rr-sampled-request-name-regex",
        "rr-samples-request", "rr-streamed-request"};
    private static final String[] METHODS = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "post", "FOO", "TRACE"};
    private static final String[] PATHS = {"/write", "/read", "/api/v1/read", "/api/v1/write", "/writ", "//write",
        "/write/", "/write?x=%zz", "/-/healthy", "/-/ready", "/metrics", "/", "/" + "w".repeat(8_000), "*",
        "/write/../read", "/%00"};
    private static final String[] CONTENT_TYPES = {";", ";;", "=", "application/x-protobuf;", "application/x-protobuf;proto",
        "application/x-protobuf;proto=", "application/x-protobuf;proto=prometheus.WriteRequest;proto=x",
        "application/x-protobuf; proto=\"io.prometheus.write.v2.Request\"", "application/x-protobuf;proto=io.prometheus.write.v2.Request",
        "application/json", "text/plain", "", "application/x-protobuf;proto=prometheus.WriteRequest",
        "APPLICATION/X-PROTOBUF", "application/x-protobuf;charset=utf-8", "\u00ff\u00fe", "a".repeat(10_000)};
    private static final String[] ENCODINGS = {"snappy", "gzip", "identity", "", "snappy, gzip", "SNAPPY", "br", "deflate"};
    private static final String[] VERSIONS = {"0.1.0", "2.0.0", "", "1.0", "garbage", "0.1.0, 2.0.0", "9".repeat(500)};

    /**
     * Unmutated bodies that must be answered 2xx. The other captures are answered 400 by design: the read
     * captures name no destination, and exemplars and native histograms cannot be stored as float samples.
     */
    private static final java.util.Set<String> ACCEPTED_AS_IS = java.util.Set.of("rw1-scrape-self", "rw1-stale-markers",
            "rw1-metadata-only", "generated-write_v1", "generated-write_v2", "generated-read");

    private final List<Seed> seeds = new ArrayList<>();

    FuzzRequests() {
        for (String name : CAPTURES) {
            seeds.add(new Seed(name.startsWith("rr-") ? Kind.READ : Kind.WRITE_V1, name, Captures.read(name + ".pb")));
        }
    }

    /** Request {@code i} of the run with {@code seed}. */
    Request next(long seed, long i) {
        SplittableRandom r = new SplittableRandom(seed * 0x9e3779b97f4a7c15L + i);
        Seed s;
        int pick = r.nextInt(seeds.size() + 3);
        if (pick < seeds.size()) {
            s = seeds.get(pick);
        } else {
            Kind kind = Kind.values()[pick - seeds.size()];
            s = new Seed(kind, "generated-" + kind.name().toLowerCase(java.util.Locale.ROOT), generated(kind, r, i));
        }
        StringBuilder what = new StringBuilder(s.name());
        byte[] pb = s.pb();
        boolean mustBeRejected = false;
        int layers = r.nextInt(100);
        boolean valid = layers < 10 && ACCEPTED_AS_IS.contains(s.name());
        boolean unmutated = layers < 10;
        boolean protoLayer = !unmutated && (layers < 45 || r.nextInt(4) == 0);
        boolean snappyLayer = !unmutated && ((layers >= 45 && layers < 70) || r.nextInt(5) == 0);
        boolean httpLayer = !unmutated && (layers >= 70 || r.nextInt(5) == 0);
        if (protoLayer) {
            ProtoMutator.Mutation m = ProtoMutator.mutate(pb, r);
            pb = m.bytes();
            what.append(" proto:").append(m.kind()).append("@depth").append(m.depth()).append("#").append(m.fieldNumber());
            // a known top-level field with the wrong wire type is not a remote-write request (issue: answered 204)
            mustBeRejected = s.kind() != Kind.READ && m.kind() == ProtoMutator.Kind.WIRE_TYPE && m.depth() == 0
                    && knownTopLevelField(s.kind(), m.fieldNumber());
        }
        byte[] body = Snappy.compress(pb);
        if (snappyLayer) {
            int k = r.nextInt(5);
            what.append(" snappy:").append(new String[] {"bitflip", "length-header", "truncate", "append", "raw"}[k]);
            body = switch (k) {
                case 0 -> flip(body, r);
                case 1 -> lengthHeader(body, pb.length, r);
                case 2 -> java.util.Arrays.copyOf(body, r.nextInt(Math.max(1, body.length)));
                case 3 -> concat(body, randomBytes(r, 1 + r.nextInt(100)));
                default -> pb;
            };
            mustBeRejected |= k == 1 || (k == 2 && body.length > 0 && pb.length > 0);
        }
        String method = "POST";
        String path = s.kind() == Kind.READ ? (r.nextBoolean() ? "/read" : "/api/v1/read") : "/write";
        if (s.kind() == Kind.READ && path.equals("/api/v1/read")) {
            path = "/read"; // the connector serves remote read at /read; the other name is an HTTP mutation below
        }
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Host", "127.0.0.1"});
        headers.add(new String[] {"User-Agent", "Prometheus/2.42.0+ds"});
        headers.add(new String[] {"Content-Encoding", "snappy"});
        headers.add(new String[] {"Content-Type", s.kind() == Kind.WRITE_V2
                ? "application/x-protobuf;proto=io.prometheus.write.v2.Request" : "application/x-protobuf"});
        if (s.kind() == Kind.READ) {
            headers.add(new String[] {"Accept-Encoding", "snappy"});
            headers.add(new String[] {"X-Prometheus-Remote-Read-Version", "0.1.0"});
        } else {
            headers.add(new String[] {"X-Prometheus-Remote-Write-Version", s.kind() == Kind.WRITE_V2 ? "2.0.0" : "0.1.0"});
        }
        headers.add(new String[] {"Connection", "close"});
        boolean framingBroken = false;
        String contentLength = Integer.toString(body.length);
        if (httpLayer) {
            int mutations = 1 + r.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                int k = r.nextInt(9);
                switch (k) {
                    case 0 -> method = METHODS[r.nextInt(METHODS.length)];
                    case 1 -> path = PATHS[r.nextInt(PATHS.length)];
                    case 2 -> set(headers, "Content-Type", CONTENT_TYPES[r.nextInt(CONTENT_TYPES.length)]);
                    case 3 -> set(headers, "Content-Encoding", ENCODINGS[r.nextInt(ENCODINGS.length)]);
                    case 4 -> set(headers, s.kind() == Kind.READ ? "X-Prometheus-Remote-Read-Version"
                            : "X-Prometheus-Remote-Write-Version", VERSIONS[r.nextInt(VERSIONS.length)]);
                    case 5 -> {
                        String[] lengths = {"", "-1", "abc", "99999999999", "0", Integer.toString(body.length + 1 + r.nextInt(100)),
                            Integer.toString(Math.max(0, body.length - 1 - r.nextInt(Math.max(1, body.length)))), null};
                        contentLength = lengths[r.nextInt(lengths.length)];
                        framingBroken = true;
                    }
                    case 6 -> {
                        body = r.nextBoolean() ? java.util.Arrays.copyOf(body, r.nextInt(body.length + 1))
                                : concat(body, randomBytes(r, 1 + r.nextInt(2_000)));
                        framingBroken = true; // Content-Length still says the old length unless case 5 said otherwise
                    }
                    case 7 -> {
                        for (int h = 0; h < 1 + r.nextInt(200); h++) {
                            headers.add(new String[] {"X-Fuzz-" + h, "v".repeat(r.nextInt(200))});
                        }
                        if (r.nextBoolean()) {
                            headers.add(new String[] {"X-Long", "l".repeat(16_000)});
                        }
                        framingBroken = true; // the JDK server may refuse too large a head by closing
                    }
                    default -> {
                        headers.add(new String[] {r.nextBoolean() ? "Content-Type" : "Content-Encoding",
                            r.nextBoolean() ? "application/x-protobuf" : "snappy"}); // duplicated header
                    }
                }
                what.append(" http:").append(k);
            }
        }
        if (contentLength != null) {
            headers.add(new String[] {"Content-Length", contentLength});
        }
        what.append(" ").append(method).append(' ').append(path.length() > 40 ? path.substring(0, 40) + "..." : path);
        return new Request(RawHttp.request(method, path, headers, body), s.kind(), what.toString(), valid, framingBroken,
                mustBeRejected && !httpLayer);
    }

    private static boolean knownTopLevelField(Kind kind, int number) {
        return kind == Kind.WRITE_V1 ? number == 1 || number == 3 : number == 4 || number == 5;
    }

    private static void set(List<String[]> headers, String name, String value) {
        headers.removeIf(h -> h[0].equals(name));
        if (value != null) {
            headers.add(new String[] {name, value});
        }
    }

    /** A generated request; request {@code i}'s samples are in a time slot of their own. */
    static byte[] generated(Kind kind, SplittableRandom r, long i) {
        return switch (kind) {
            case WRITE_V1 -> writeV1(r, "fuzzDB", "fuzzTable", 1 + r.nextInt(20), i).toByteArray();
            case WRITE_V2 -> writeV2(r, 1 + r.nextInt(20), i);
            case READ -> read(r);
        };
    }

    /** A valid write v1 request of {@code series} random series into {@code db.table}, in the last minute. */
    static WriteRequest writeV1(SplittableRandom r, String db, String table, int series) {
        return writeV1(r, db, table, series, -1);
    }

    /**
     * The same with the samples of request {@code slot} at times of its own: generated requests pick from few
     * series, and over a long run two would write one series and time with different values, which every store
     * rightly refuses.
     */
    static WriteRequest writeV1(SplittableRandom r, String db, String table, int series, long slot) {
        WriteRequest.Builder w = WriteRequest.newBuilder();
        for (int i = 0; i < series; i++) {
            io.tsconnector.proto.prometheus.TimeSeries.Builder ts = io.tsconnector.proto.prometheus.TimeSeries.newBuilder()
                    .addLabels(label(DB_LABEL, db)).addLabels(label(TABLE_LABEL, table))
                    .addLabels(label("__name__", "fuzz_metric_" + r.nextInt(50)))
                    .addLabels(label("instance", "i" + r.nextInt(10)));
            int samples = 1 + r.nextInt(5);
            for (int k = 0; k < samples; k++) {
                // a series may come twice in one request: each series of the request has times of its own
                long t = slot < 0 ? NOW - 60_000 + k * 1000L + r.nextInt(1000) : slotTime(slot) + i * 5L + k;
                ts.addSamples(io.tsconnector.proto.prometheus.Sample.newBuilder().setTimestamp(t).setValue(r.nextDouble() * 1000));
            }
            w.addTimeseries(ts);
        }
        return w.build();
    }

    private static final String DB_LABEL = FuzzStores.DATABASE_LABEL;
    private static final String TABLE_LABEL = FuzzStores.TABLE_LABEL;

    /** The first of the 100 milliseconds of request {@code slot} (20 series of 5 samples): from 30 hours ago on. */
    private static long slotTime(long slot) {
        return NOW - 30 * 3_600_000L + slot * 100;
    }

    private static byte[] writeV2(SplittableRandom r, int series, long slot) {
        io.tsconnector.proto.write.v2.Request.Builder w = io.tsconnector.proto.write.v2.Request.newBuilder()
                .addSymbols("").addSymbols(DB_LABEL).addSymbols("fuzzDB").addSymbols(TABLE_LABEL).addSymbols("fuzzTable")
                .addSymbols("__name__").addSymbols("job");
        for (int i = 0; i < series; i++) {
            w.addSymbols("fuzz_v2_" + i);
            int name = w.getSymbolsCount() - 1;
            io.tsconnector.proto.write.v2.TimeSeries.Builder ts = io.tsconnector.proto.write.v2.TimeSeries.newBuilder()
                    .addLabelsRefs(1).addLabelsRefs(2).addLabelsRefs(3).addLabelsRefs(4).addLabelsRefs(5).addLabelsRefs(name)
                    .addLabelsRefs(6).addLabelsRefs(name);
            ts.addSamples(io.tsconnector.proto.write.v2.Sample.newBuilder().setTimestamp(slotTime(slot)).setValue(r.nextDouble()));
            w.addTimeseries(ts);
        }
        return w.build().toByteArray();
    }

    private static byte[] read(SplittableRandom r) {
        Query.Builder q = Query.newBuilder().setStartTimestampMs(NOW - 3_600_000).setEndTimestampMs(NOW + 60_000)
                .addMatchers(matcher(LabelMatcher.Type.EQ, DB_LABEL, "fuzzDB"))
                .addMatchers(matcher(LabelMatcher.Type.EQ, TABLE_LABEL, "fuzzTable"));
        String[] regexes = {"fuzz_metric_.*", "fuzz_metric_1|fuzz_metric_2", ".+", "fuzz_metric_[0-9]+", "(a|b)*c"};
        q.addMatchers(r.nextBoolean() ? matcher(LabelMatcher.Type.EQ, "__name__", "fuzz_metric_" + r.nextInt(50))
                : matcher(LabelMatcher.Type.RE, "__name__", regexes[r.nextInt(regexes.length)]));
        if (r.nextBoolean()) {
            q.addMatchers(matcher(r.nextBoolean() ? LabelMatcher.Type.NEQ : LabelMatcher.Type.NRE, "instance", "i" + r.nextInt(10)));
        }
        ReadRequest.Builder b = ReadRequest.newBuilder().addQueries(q);
        if (r.nextBoolean()) {
            b.addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS);
        }
        return b.build().toByteArray();
    }

    static LabelMatcher matcher(LabelMatcher.Type type, String name, String value) {
        return LabelMatcher.newBuilder().setType(type).setName(name).setValue(value).build();
    }

    static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    private static byte[] flip(byte[] body, SplittableRandom r) {
        byte[] copy = body.clone();
        for (int i = 1 + r.nextInt(8); i > 0 && copy.length > 0; i--) {
            copy[r.nextInt(copy.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return copy;
    }

    /** The body with its snappy preamble (the decoded length) replaced by another length. */
    private static byte[] lengthHeader(byte[] body, int decoded, SplittableRandom r) {
        int skip = 0;
        while (skip < body.length && (body[skip] & 0x80) != 0) {
            skip++;
        }
        skip++;
        long[] lengths = {decoded + 1, Math.max(0, decoded - 1), 0xffffffffL, 1L << 31, decoded * 2L + 7};
        long length = lengths[r.nextInt(lengths.length)];
        if (length == decoded) {
            length++;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProtoMutator.varint(out, length);
        out.write(body, Math.min(skip, body.length), Math.max(0, body.length - skip));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
