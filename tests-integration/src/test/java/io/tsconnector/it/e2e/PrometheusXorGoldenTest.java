package io.tsconnector.it.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.adapters.protocol.chunks.ChunkedFrameReader;
import io.tsconnector.adapters.protocol.chunks.XorChunkDecoder;
import io.tsconnector.adapters.protocol.chunks.XorChunkEncoder;
import io.tsconnector.it.support.PrometheusServer;
import io.tsconnector.proto.prometheus.Chunk;
import io.tsconnector.proto.prometheus.ChunkedReadResponse;
import io.tsconnector.proto.prometheus.ChunkedSeries;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.ReadResponse;
import io.tsconnector.proto.prometheus.Sample;
import io.tsconnector.proto.prometheus.TimeSeries;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Golden test against a real Prometheus: series with tricky timestamps and values are backfilled with
 * {@code promtool tsdb create-blocks-from openmetrics}, Prometheus serves them, and its own
 * {@code /api/v1/read} answers STREAMED_XOR_CHUNKS. Every chunk it sends must decode to the samples its
 * SAMPLES answer holds, and re-encode byte for byte.
 */
class PrometheusXorGoldenTest {
    /** Milliseconds between samples of the irregular series, cycled: each dod encoding bucket and its edges. */
    private static final long[] DELTAS = {1, 15_000, 15_000, 1, 8_191, 8_192, 8_193, 15_000, 65_535, 65_536, 131_073,
        524_287, 524_288, 524_289, 3_600_000, 7, 15_000, 14_999, 15_001, 2};
    /** Values of the tricky series, cycled: signed zeros, NaN, infinities, subnormals, extremes, repeats. */
    private static final String[] VALUES = {"0", "-0.0", "NaN", "+Inf", "-Inf", "4.9E-324", "2.2250738585072014E-308",
        "1.7976931348623157E308", "-1.7976931348623157E308", "42", "42", "42", "0.1", "0.2", "0.30000000000000004",
        "-1", "1e-300", "123456789.123456789", "3", "3"};

    private static PrometheusServer prometheus;
    private static Path dir;
    private static long minMs;
    private static long maxMs;
    private static int expectedSamples;

    @BeforeAll
    static void startPrometheus() throws Exception {
        Path binary = PrometheusServer.requireBinary("PrometheusXorGoldenTest");
        Path promtool = binary.resolveSibling("promtool");
        if (!Files.isExecutable(promtool)) {
            fail(promtool + " is missing beside " + binary + ": the Debian prometheus package brings both");
        }
        dir = Files.createTempDirectory("prometheus-golden");
        Path input = dir.resolve("golden.om");
        Files.writeString(input, openMetrics(System.currentTimeMillis() - 40L * 3_600_000L));
        // the blocks go where PrometheusServer keeps its TSDB
        run(List.of(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", input.toString(),
                dir.resolve("data").toString()));
        prometheus = PrometheusServer.start(binary, "golden", dir, port -> "global:\n  scrape_interval: 1h\n",
                List.of("--storage.tsdb.retention.time=100y"));
    }

    @AfterAll
    static void stopPrometheus() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Three series: a regular gauge long enough for many 120-sample chunks, an irregular one whose deltas
     * walk the delta-of-delta buckets with tricky values, and a counter of squares.
     */
    private static String openMetrics(long startMs) {
        StringBuilder om = new StringBuilder("# TYPE golden_regular gauge\n");
        long t = startMs;
        for (int i = 0; i < 1000; i++) {
            om.append("golden_regular{job=\"golden\"} ").append(Math.sin(i / 10.0) * 1000).append(' ').append(seconds(t)).append('\n');
            t += 15_000;
        }
        om.append("# TYPE golden_irregular gauge\n");
        t = startMs;
        int n = 0;
        for (int i = 0; i < 400; i++) {
            om.append("golden_irregular{job=\"golden\",kind=\"tricky\"} ").append(VALUES[i % VALUES.length]).append(' ')
                    .append(seconds(t)).append('\n');
            t += DELTAS[(i * 7 + i / DELTAS.length) % DELTAS.length];
            n++;
        }
        om.append("# TYPE golden_squares counter\n");
        t = startMs;
        for (long i = 0; i < 300; i++) {
            om.append("golden_squares_total{job=\"golden\"} ").append(i * i * 1_000_003L).append(' ').append(seconds(t)).append('\n');
            t += 30_000 + (i % 3);
        }
        om.append("# EOF\n");
        minMs = startMs;
        maxMs = startMs + 40L * 3_600_000L;
        expectedSamples = 1000 + n + 300;
        return om.toString();
    }

    /** Seconds with exactly three decimals, so Prometheus' parser lands on the intended millisecond. */
    private static String seconds(long ms) {
        return (ms / 1000) + "." + String.format("%03d", ms % 1000);
    }

    private static void run(List<String> command) throws Exception {
        Path out = dir.resolve("promtool.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("promtool did not finish: " + Files.readString(out));
        }
        assertEquals(0, p.exitValue(), () -> "promtool failed: " + readQuietly(out));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static HttpResponse<byte[]> read(ReadRequest.ResponseType type) throws Exception {
        ReadRequest request = ReadRequest.newBuilder().addAcceptedResponseTypes(type)
                .addQueries(Query.newBuilder().setStartTimestampMs(minMs - 1).setEndTimestampMs(maxMs + 1)
                        .addMatchers(LabelMatcher.newBuilder().setName("__name__").setType(LabelMatcher.Type.RE).setValue("golden_.*")))
                .build();
        // Headers as the Prometheus remote-read client sends them (captures/rr-streamed-request.headers.txt in connector-proto).
        HttpRequest http = HttpRequest.newBuilder(prometheus.uri().resolve("/api/v1/read"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(request.toByteArray())))
                .header("Content-Encoding", "snappy").header("Accept-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf").header("X-Prometheus-Remote-Read-Version", "0.1.0")
                .timeout(Duration.ofSeconds(60)).build();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(http, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        return r;
    }

    private static Map<List<String>, List<Sample>> samplesAnswer() throws Exception {
        HttpResponse<byte[]> r = read(ReadRequest.ResponseType.SAMPLES);
        ReadResponse response = ReadResponse.parseFrom(Snappy.decompress(r.body(), r.body().length, 256 << 20));
        Map<List<String>, List<Sample>> out = new LinkedHashMap<>();
        for (TimeSeries ts : response.getResults(0).getTimeseriesList()) {
            out.put(labels(ts.getLabelsList()), ts.getSamplesList());
        }
        return out;
    }

    /**
     * The STREAMED_XOR_CHUNKS answer decoded per series, checking on the way that every chunk re-encodes byte
     * for byte and that its min and max times are those of its samples.
     */
    private static Map<List<String>, List<Sample>> chunkAnswer() throws Exception {
        HttpResponse<byte[]> r = read(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS);
        assertEquals("application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse",
                r.headers().firstValue("Content-Type").orElse(""));
        ChunkedFrameReader frames = new ChunkedFrameReader(new ByteArrayInputStream(r.body()), 1 << 20);
        Map<List<String>, List<Sample>> decoded = new LinkedHashMap<>();
        XorChunkDecoder decoder = new XorChunkDecoder();
        XorChunkEncoder encoder = new XorChunkEncoder();
        int chunks = 0;
        for (ChunkedReadResponse frame = frames.nextResponse(); frame != null; frame = frames.nextResponse()) {
            assertEquals(0, frame.getQueryIndex());
            for (ChunkedSeries series : frame.getChunkedSeriesList()) {
                List<Sample> samples = decoded.computeIfAbsent(labels(series.getLabelsList()), k -> new ArrayList<>());
                for (Chunk chunk : series.getChunksList()) {
                    assertEquals(Chunk.Encoding.XOR, chunk.getType());
                    byte[] data = chunk.getData().toByteArray();
                    decoder.reset(data, 0, data.length);
                    encoder.reset();
                    long min = Long.MAX_VALUE;
                    long max = Long.MIN_VALUE;
                    while (decoder.next()) {
                        samples.add(Sample.newBuilder().setTimestamp(decoder.timestamp()).setValue(decoder.value()).build());
                        encoder.appendBits(decoder.timestamp(), decoder.valueBits());
                        min = Math.min(min, decoder.timestamp());
                        max = Math.max(max, decoder.timestamp());
                    }
                    assertEquals(decoder.numSamples(), encoder.numSamples());
                    assertEquals(chunk.getMinTimeMs(), min, "chunk min time");
                    assertEquals(chunk.getMaxTimeMs(), max, "chunk max time");
                    assertArrayEquals(data, encoder.toByteArray(), "re-encoded chunk " + chunks + " of " + series.getLabelsList());
                    chunks++;
                }
            }
        }
        assertTrue(chunks >= 10, "long series span many chunks: " + chunks);
        return decoded;
    }

    @Test
    void everyStreamedChunkDecodesToTheSamplesAnswerAndReencodesByteForByte() throws Exception {
        Map<List<String>, List<Sample>> expected = samplesAnswer();
        assertEquals(3, expected.size(), "series in the SAMPLES answer: " + expected.keySet());
        assertEquals(expectedSamples, expected.values().stream().mapToInt(List::size).sum(), "every backfilled sample is served");

        Map<List<String>, List<Sample>> decoded = chunkAnswer();
        assertEquals(expected.keySet(), decoded.keySet(), "same series, same order");
        for (Map.Entry<List<String>, List<Sample>> e : expected.entrySet()) {
            List<Sample> want = e.getValue();
            List<Sample> got = decoded.get(e.getKey());
            assertEquals(want.size(), got.size(), "samples of " + e.getKey());
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.get(i).getTimestamp(), got.get(i).getTimestamp(), e.getKey() + " sample " + i);
                assertEquals(comparable(want.get(i).getValue()), comparable(got.get(i).getValue()), e.getKey() + " sample " + i);
            }
        }
    }

    /**
     * The bits of a value as a SAMPLES answer can carry them: Prometheus omits a zero double from the
     * protobuf (proto3 default), so -0.0 arrives as +0.0 there while the chunks keep its sign.
     */
    private static long comparable(double v) {
        return v == 0 ? 0 : Double.doubleToRawLongBits(v);
    }

    @Test
    void theChunksCarryTheTrickyValuesAndGaps() throws Exception {
        List<Sample> tricky = chunkAnswer().entrySet().stream().filter(e -> e.getKey().contains("kind=tricky"))
                .findFirst().orElseThrow().getValue();
        assertTrue(tricky.stream().anyMatch(s -> Double.isNaN(s.getValue())), "NaN");
        assertTrue(tricky.stream().anyMatch(s -> s.getValue() == Double.POSITIVE_INFINITY), "+Inf");
        assertTrue(tricky.stream().anyMatch(s -> Double.doubleToRawLongBits(s.getValue()) == Long.MIN_VALUE), "-0.0 keeps its sign in the chunks");
        assertTrue(tricky.stream().anyMatch(s -> s.getValue() == Double.MIN_VALUE), "smallest subnormal");
        long bigGaps = 0;
        for (int i = 1; i < tricky.size(); i++) {
            if (tricky.get(i).getTimestamp() - tricky.get(i - 1).getTimestamp() > 524_288) {
                bigGaps++;
            }
        }
        assertTrue(bigGaps > 0, "deltas beyond the largest dod bucket");
    }

    private static List<String> labels(List<Label> labels) {
        List<String> out = new ArrayList<>();
        for (Label l : labels) {
            out.add(l.getName() + "=" + l.getValue());
        }
        return out;
    }
}
