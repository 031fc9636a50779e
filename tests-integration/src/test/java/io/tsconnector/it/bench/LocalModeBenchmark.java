package io.tsconnector.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.it.support.RemoteCalls;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.Sample;
import io.tsconnector.proto.prometheus.TimeSeries;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (prints, asserts only that the writes succeeded): samples per second written into local mode
 * (file storage) through the HTTP server, in remote-write requests of 500 series x 4 samples as Prometheus
 * sends them, from 4 concurrent senders. Run with
 * {@code mvn -pl tests-integration -am verify -Dtest=LocalModeBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class LocalModeBenchmark {
    private static final int SERIES = 500;
    private static final int SAMPLES_PER_SERIES = 4;
    private static final int SENDERS = 4;
    private static final int WARMUP_REQUESTS = 20;
    private static final int REQUESTS = 200;
    private static final long T0 = 1_795_595_300_000L;

    @TempDir
    Path dir;

    /** Request number {@code n}: 500 series of 4 samples, 1 s apart, after those of request n - 1. */
    private static byte[] request(int n) {
        WriteRequest.Builder b = WriteRequest.newBuilder();
        for (int s = 0; s < SERIES; s++) {
            TimeSeries.Builder ts = TimeSeries.newBuilder()
                    .addLabels(Label.newBuilder().setName("PrometheusDatabaseLabel").setValue("bench"))
                    .addLabels(Label.newBuilder().setName("PrometheusTableLabel").setValue("write"))
                    .addLabels(Label.newBuilder().setName("__name__").setValue("bench_metric_" + s % 50))
                    .addLabels(Label.newBuilder().setName("instance").setValue("host-" + s / 50))
                    .addLabels(Label.newBuilder().setName("job").setValue("bench"));
            for (int i = 0; i < SAMPLES_PER_SERIES; i++) {
                long t = T0 + ((long) n * SAMPLES_PER_SERIES + i) * 1000L;
                ts.addSamples(Sample.newBuilder().setTimestamp(t).setValue(s * 0.5 + n + i / 7.0));
            }
            b.addTimeseries(ts);
        }
        return Snappy.compress(b.build().toByteArray());
    }

    @Test
    void samplesPerSecondWrittenThroughHttp() throws Exception {
        ConnectorSettings settings = ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels("PrometheusDatabaseLabel", "PrometheusTableLabel")
                .withStorage(StorageSettings.DEFAULT.withStorage(Storage.LOCAL).withLocalPath(dir.toString()));
        List<byte[]> bodies = new ArrayList<>();
        for (int n = 0; n < WARMUP_REQUESTS + REQUESTS; n++) {
            bodies.add(request(n));
        }
        try (Connector connector = Connector.start(settings)) {
            for (int n = 0; n < WARMUP_REQUESTS; n++) {
                assertEquals(200, RemoteCalls.writeBody(connector.uri(), bodies.get(n)).status() / 100 * 100);
            }
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            try {
                long start = System.nanoTime();
                List<Future<Integer>> statuses = new ArrayList<>();
                for (int n = WARMUP_REQUESTS; n < bodies.size(); n++) {
                    byte[] body = bodies.get(n);
                    statuses.add(senders.submit(() -> RemoteCalls.writeBody(connector.uri(), body).status()));
                }
                for (Future<Integer> f : statuses) {
                    assertEquals(200, f.get() / 100 * 100, "write status");
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long samples = (long) REQUESTS * SERIES * SAMPLES_PER_SERIES;
                System.out.printf("LocalModeBenchmark: %d samples in %d requests (500 series x 4 samples, %d senders) "
                        + "in %.2f s: %.0f samples/s, %.1f ms per request%n",
                        samples, REQUESTS, SENDERS, seconds, samples / seconds, seconds * 1000 * SENDERS / REQUESTS);
            } finally {
                senders.shutdownNow();
            }
        }
    }
}
