package io.tsconnector.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tsconnector.adapters.timestream.TimestreamSeriesReader;
import io.tsconnector.adapters.timestream.TimestreamSeriesWriter;
import io.tsconnector.adapters.timestreamlocal.LocalTimestream;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.it.support.BenchmarkSupport;
import io.tsconnector.it.support.RemoteCalls;
import io.tsconnector.proto.prometheus.ReadRequest;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (prints; asserts only that every sample comes back): remote read of 1,000 series x 1,000 samples
 * through the HTTP server on local mode (file storage), as SAMPLES and as STREAMED_XOR_CHUNKS: wall time of
 * the whole call, bytes on the wire, and the peak heap the call added (see {@link BenchmarkSupport}). Run with
 * {@code mvn -pl tests-integration -am verify -Dtest=ReadBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ReadBenchmark {
    private static final int SERIES = 1_000;
    private static final int SAMPLES = 1_000;
    private static final long T0 = 1_795_595_300_000L;
    private static final Destination DEST = new Destination("bench", "read");
    private static final int RUNS = 5;

    @TempDir
    Path dir;

    @Test
    void readOneMillionSamplesThroughHttp() throws Exception {
        try (LocalTimestream local = LocalTimestream.open(dir.toString(), true)) {
            TimestreamSeriesWriter writer = new TimestreamSeriesWriter(local.writeClient(), 2);
            long loadStart = System.nanoTime();
            for (int first = 0; first < SERIES; first += 50) {
                List<TimeSeries> batch = new ArrayList<>();
                for (int s = first; s < first + 50; s++) {
                    List<Sample> samples = new ArrayList<>(SAMPLES);
                    double v = s;
                    for (int i = 0; i < SAMPLES; i++) {
                        v += (i * 7 + s) % 13 * 0.25;
                        samples.add(new Sample(T0 + i * 15_000L, v));
                    }
                    batch.add(new TimeSeries(Labels.of("__name__", "bench_read", "instance", "host-" + s, "job", "bench"), samples));
                }
                assertEquals(50L * SAMPLES, writer.write(Map.of(DEST, batch)).written());
            }
            System.out.printf("ReadBenchmark: loaded %d samples in %.1f s%n", (long) SERIES * SAMPLES, (System.nanoTime() - loadStart) / 1e9);
            ConnectorSettings settings = ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                    .withDefaultDestination(DEST.database(), DEST.table());
            try (Connector connector = Connector.start(settings, writer, new TimestreamSeriesReader(local.queryClient()))) {
                List<SeriesQuery> query = List.of(SeriesQuery.of(T0, T0 + SAMPLES * 15_000L, Matcher.eq("__name__", "bench_read")));
                for (ReadRequest.ResponseType type : List.of(ReadRequest.ResponseType.SAMPLES, ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)) {
                    ReadRequest request = type == ReadRequest.ResponseType.SAMPLES
                            ? RemoteCalls.readRequest(query) : RemoteCalls.readRequest(query, type);
                    List<List<TimeSeries>> decoded = type == ReadRequest.ResponseType.SAMPLES
                            ? RemoteCalls.samples(RemoteCalls.read(connector.uri(), request))
                            : RemoteCalls.streamed(RemoteCalls.read(connector.uri(), request), 1);
                    assertEquals(SERIES, decoded.get(0).size(), "series");
                    assertEquals((long) SERIES * SAMPLES, decoded.get(0).stream().mapToLong(s -> s.samples().size()).sum());
                    decoded = null;
                    long best = Long.MAX_VALUE;
                    StringBuilder runs = new StringBuilder();
                    long bytes = 0;
                    long peak = 0;
                    for (int run = 0; run < RUNS; run++) {
                        long baseline = BenchmarkSupport.heapBaseline();
                        long start = System.nanoTime();
                        RemoteCalls.Answer answer = RemoteCalls.read(connector.uri(), request);
                        long nanos = System.nanoTime() - start;
                        peak = Math.max(peak, BenchmarkSupport.heapPeakAbove(baseline));
                        assertEquals(200, answer.status());
                        bytes = answer.body().length;
                        best = Math.min(best, nanos);
                        runs.append(runs.length() == 0 ? "" : ", ").append(nanos / 1_000_000).append(" ms");
                    }
                    System.out.printf("ReadBenchmark %s: 1,000 series x 1,000 samples over HTTP on local mode: best %d ms (runs: %s), "
                            + "%d bytes on the wire, peak heap added %s (largest of the runs)%n",
                            type, best / 1_000_000, runs, bytes, BenchmarkSupport.mib(peak));
                }
            }
            writer.close();
        }
    }
}
