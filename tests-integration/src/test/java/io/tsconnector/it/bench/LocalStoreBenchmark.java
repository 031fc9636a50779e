package io.tsconnector.it.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.it.e2e.ProcessLifecycleTest;
import io.tsconnector.it.support.PrometheusServer;
import io.tsconnector.it.support.RemoteWriteClient;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.QueryResult;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.ReadResponse;
import io.tsconnector.proto.prometheus.TimeSeries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (prints a table; asserts only that every server answered): local mode side by side with a real
 * InfluxDB 1.6 ({@code /api/v1/prom/write}, {@code /api/v1/prom/read}) and a real Prometheus 2.42 (remote-write
 * receiver, {@code /api/v1/read}), all three as processes on this machine, fed the same requests in one run:
 * ingest in samples per server CPU-second (2000 series x 1 sample and 500 x 4 per request, 4 clients), remote
 * read of 1,000 series x 1,000 samples (time and the connector's peak RSS), bytes on disk for the same samples
 * after a clean stop, and one 1,000,000-sample request. The connector is the shaded jar started with the
 * README's local-mode command. Run with
 * {@code mvn -B -pl tests-integration -am verify -Dtest=LocalStoreBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (optional {@code -Dbench.requests=50}: requests per client per ingest load; {@code -Dbench.warmupRequests=50}:
 * requests per client of each shape sent to every server first, not counted; {@code -Dbench.jvm="..."}: the
 * connector's JVM options instead of the README's).
 */
class LocalStoreBenchmark {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final int CLIENTS = 4;
    private static final String DB = "bench";
    private static final String TABLE = "local";

    @TempDir
    Path dir;

    /** A server process and how to reach its remote-write and remote-read endpoints. */
    record Server(String name, Process process, URI write, URI read, Path data) {
        long pid() {
            return process.pid();
        }

        /** CPU seconds (user + system) the process has used so far, from /proc. */
        double cpuSeconds() {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A line of /proc/PID/status in kB, e.g. VmRSS or VmHWM (the peak). */
        long statusKb(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                    if (line.startsWith(field + ":")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
                return -1;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Starts a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM). */
        boolean resetPeak() {
            try {
                Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private Server startConnector() throws Exception {
        int port = PrometheusServer.freePort();
        Path data = dir.resolve("connector-data");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String jvm = System.getProperty("bench.jvm", String.join(" ", LocalModeScrapeBenchmark.README_JVM_OPTIONS));
        command.addAll(List.of(jvm.split(" ")).stream().filter(s -> !s.isBlank()).toList());
        command.addAll(List.of("-jar", ProcessLifecycleTest.jar().toString(), "--storage=local", "--local.path=" + data,
                "--database-label=" + RemoteWriteClient.DATABASE_LABEL, "--table-label=" + RemoteWriteClient.TABLE_LABEL,
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("connector.log").toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitOk(p, base.resolve("/-/ready"));
        return new Server("local mode", p, base.resolve("/write"), base.resolve("/read"), data);
    }

    private Server startInflux() throws Exception {
        int port = PrometheusServer.freePort();
        int rpc = PrometheusServer.freePort();
        Path home = dir.resolve("influx");
        Files.createDirectories(home);
        Path config = home.resolve("influxdb.conf");
        Files.writeString(config, String.join("\n",
                "reporting-disabled = true",
                "bind-address = \"127.0.0.1:" + rpc + "\"",
                "[meta]", "  dir = \"" + home.resolve("meta") + "\"",
                "[data]", "  dir = \"" + home.resolve("data") + "\"", "  wal-dir = \"" + home.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "[http]", "  bind-address = \"127.0.0.1:" + port + "\"", "  log-enabled = false", ""));
        Process p = new ProcessBuilder("influxd", "run", "-config", config.toString()).redirectErrorStream(true)
                .redirectOutput(home.resolve("influxd.log").toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitOk(p, base.resolve("/ping"));
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(base.resolve("/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=CREATE+DATABASE+" + DB)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(created.statusCode() == 200, created.body());
        return new Server("InfluxDB 1.6", p, base.resolve("/api/v1/prom/write?db=" + DB), base.resolve("/api/v1/prom/read?db=" + DB), home);
    }

    private Server startPrometheus(Path binary) throws Exception {
        Path home = dir.resolve("prometheus");
        PrometheusServer prometheus = PrometheusServer.start(binary, "peer", home, port -> "global:\n  scrape_interval: 1h\n",
                List.of("--web.enable-remote-write-receiver"));
        URI base = prometheus.uri();
        return new Server("Prometheus 2.42", prometheus.process(), base.resolve("/api/v1/write"), base.resolve("/api/v1/read"),
                home.resolve("data"));
    }

    static void awaitOk(Process p, URI uri) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(uri + ": the process exited with " + p.exitValue());
            }
            try {
                int status = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(uri + " did not answer within 60 s");
    }

    private static int post(URI uri, byte[] snappy, boolean read, List<byte[]> answer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                .header("Content-Encoding", "snappy").header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(snappy));
        b.header(read ? "X-Prometheus-Remote-Read-Version" : "X-Prometheus-Remote-Write-Version", read ? "0.1.0" : "0.1.0");
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (answer != null) {
                answer.add(r.body());
            }
            if (r.statusCode() / 100 != 2) {
                System.out.println("  " + uri + " answered " + r.statusCode() + ": "
                        + new String(r.body(), 0, Math.min(300, r.body().length), StandardCharsets.UTF_8));
            }
            return r.statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Series {@code first .. first + count - 1} of a metric, {@code samples} each, 1 s apart from {@code t0}. */
    private static byte[] request(String metric, String client, int first, int count, long t0, int samples, double seed) {
        List<TimeSeries> series = new ArrayList<>(count);
        for (int s = first; s < first + count; s++) {
            long[] times = new long[samples];
            double[] values = new double[samples];
            for (int i = 0; i < samples; i++) {
                times[i] = t0 + i * 1000L;
                values[i] = seed + s * 0.25 + i;
            }
            series.add(RemoteWriteClient.series(DB, TABLE, metric, List.of("client", client, "instance", "host-" + s % 100,
                    "series", Integer.toString(s)), times, values));
        }
        return RemoteWriteClient.body(series);
    }

    /** Samples per server CPU-second for one load sent to each server in turn; returns the figures. */
    private static double[] ingest(List<Server> servers, String metric, int seriesPerRequest, int samplesPerSeries,
                                   int requestsPerClient, long t0) throws Exception {
        List<List<byte[]>> bodies = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            List<byte[]> mine = new ArrayList<>();
            for (int r = 0; r < requestsPerClient; r++) {
                mine.add(request(metric, "c" + c, 0, seriesPerRequest, t0 + (long) r * samplesPerSeries * 1000L, samplesPerSeries, r));
            }
            bodies.add(mine);
        }
        double[] out = new double[servers.size()];
        for (int i = 0; i < servers.size(); i++) {
            Server s = servers.get(i);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            AtomicLong failed = new AtomicLong();
            double cpu0 = s.cpuSeconds();
            long wall0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                List<byte[]> mine = bodies.get(c);
                done.add(pool.submit(() -> {
                    for (byte[] body : mine) {
                        if (post(s.write(), body, false, null) / 100 != 2) {
                            failed.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            double wall = (System.nanoTime() - wall0) / 1e9;
            double cpu = s.cpuSeconds() - cpu0;
            long samples = (long) CLIENTS * requestsPerClient * seriesPerRequest * samplesPerSeries;
            out[i] = samples / Math.max(cpu, 0.01);
            System.out.printf(Locale.ROOT, "  %-16s %,9d samples in %6.2f s wall, %6.2f CPU-s: %,9.0f samples/CPU-s, %,9.0f samples/s%s%n",
                    s.name(), samples, wall, cpu, out[i], samples / wall, failed.get() > 0 ? ", " + failed.get() + " requests failed" : "");
            assertTrue(failed.get() == 0, s.name() + " refused requests");
        }
        return out;
    }

    private static byte[] readRequest(long start, long end) {
        Query q = Query.newBuilder().setStartTimestampMs(start).setEndTimestampMs(end)
                .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.EQ).setName("__name__").setValue("bench_read"))
                .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.EQ).setName(RemoteWriteClient.DATABASE_LABEL).setValue(DB))
                .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.EQ).setName(RemoteWriteClient.TABLE_LABEL).setValue(TABLE))
                .build();
        return Snappy.compress(ReadRequest.newBuilder().addQueries(q).build().toByteArray());
    }

    private static long[] countSeriesAndSamples(byte[] snappy) throws IOException {
        ReadResponse r = ReadResponse.parseFrom(Snappy.decompress(snappy, snappy.length, Integer.MAX_VALUE));
        long series = 0;
        long samples = 0;
        for (QueryResult q : r.getResultsList()) {
            series += q.getTimeseriesCount();
            for (TimeSeries ts : q.getTimeseriesList()) {
                samples += ts.getSamplesCount();
            }
        }
        return new long[] {series, samples};
    }

    private static long du(Path p) throws IOException {
        try (Stream<Path> files = Files.walk(p)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void sideBySideWithInfluxDbAndPrometheus() throws Exception {
        Path prometheus = PrometheusServer.findBinary().orElse(null);
        assumeTrue(prometheus != null && Files.isExecutable(Path.of("/usr/bin/influxd")), "prometheus and influxd are needed");
        int requests = Integer.getInteger("bench.requests", 50);
        List<Server> servers = new ArrayList<>();
        try {
            servers.add(startConnector());
            servers.add(startInflux());
            servers.add(startPrometheus(prometheus));
            long t0 = (System.currentTimeMillis() - Duration.ofMinutes(40).toMillis()) / 1000 * 1000;
            System.out.printf(Locale.ROOT, "LocalStoreBenchmark: %d clients, %d requests each per load, %d cores%n", CLIENTS, requests,
                    Runtime.getRuntime().availableProcessors());
            // the same warm-up for every server: the connector's JIT compiles its write path there, not in the loads
            int warmup = Integer.getInteger("bench.warmupRequests", 50);
            if (warmup > 0) {
                System.out.printf(Locale.ROOT, "warm-up, not counted (%d requests per client of each shape):%n", warmup);
                ingest(servers, "bench_warmup_a", 2000, 1, warmup, t0);
                ingest(servers, "bench_warmup_b", 500, 4, warmup, t0);
            }
            System.out.println("ingest 2000 series x 1 sample per request:");
            double[] a = ingest(servers, "bench_ingest_a", 2000, 1, requests, t0);
            System.out.println("ingest 500 series x 4 samples per request:");
            double[] b = ingest(servers, "bench_ingest_b", 500, 4, requests, t0);

            System.out.println("load 1,000 series x 1,000 samples for the read (100 x 100 per request):");
            for (Server s : servers) {
                long w0 = System.nanoTime();
                for (int block = 0; block < 10; block++) {
                    for (int group = 0; group < 10; group++) {
                        int status = post(s.write(), request("bench_read", "r", group * 100, 100, t0 + block * 100_000L, 100, block), false, null);
                        assertTrue(status / 100 == 2, s.name() + " refused the read data");
                    }
                }
                System.out.printf(Locale.ROOT, "  %-16s loaded in %.2f s%n", s.name(), (System.nanoTime() - w0) / 1e9);
            }
            System.out.println("remote read of 1,000 series x 1,000 samples (SAMPLES, best of 3; peak RSS during the reads):");
            byte[] read = readRequest(t0 - 1000, t0 + 1_000_000L);
            double[] readSeconds = new double[servers.size()];
            long[] peakKb = new long[servers.size()];
            for (int i = 0; i < servers.size(); i++) {
                Server s = servers.get(i);
                boolean reset = s.resetPeak();
                double best = Double.MAX_VALUE;
                long[] counts = null;
                double cpu0 = s.cpuSeconds();
                for (int round = 0; round < 3; round++) {
                    List<byte[]> answer = new ArrayList<>();
                    long r0 = System.nanoTime();
                    int status = post(s.read(), read, true, answer);
                    best = Math.min(best, (System.nanoTime() - r0) / 1e9);
                    assertTrue(status == 200, s.name() + " read answered " + status);
                    counts = countSeriesAndSamples(answer.get(0));
                }
                readSeconds[i] = best;
                peakKb[i] = s.statusKb(reset ? "VmHWM" : "VmRSS");
                System.out.printf(Locale.ROOT, "  %-16s %,d series, %,d samples: %.3f s, CPU %.2f s for 3 reads, peak RSS %,d MB%s%n",
                        s.name(), counts[0], counts[1], best, s.cpuSeconds() - cpu0, peakKb[i] / 1024, reset ? "" : " (RSS after, no peak reset)");
            }
            System.out.println("one request of 1,000,000 samples (1,000 series x 1,000):");
            byte[] big = request("bench_big", "big", 0, 1000, t0, 1000, 7);
            double[] bigSeconds = new double[servers.size()];
            for (int i = 0; i < servers.size(); i++) {
                long b0 = System.nanoTime();
                int status = post(servers.get(i).write(), big, false, null);
                bigSeconds[i] = (System.nanoTime() - b0) / 1e9;
                System.out.printf(Locale.ROOT, "  %-16s answered %d in %.2f s%n", servers.get(i).name(), status, bigSeconds[i]);
            }
            long[] rss = new long[servers.size()];
            for (int i = 0; i < servers.size(); i++) {
                rss[i] = servers.get(i).statusKb("VmRSS");
            }
            for (Server s : servers) {
                s.stop();
            }
            long[] disk = new long[servers.size()];
            for (int i = 0; i < servers.size(); i++) {
                disk[i] = du(servers.get(i).data());
            }
            long total = (long) CLIENTS * (requests + Math.max(0, warmup)) * 2000 * 2 + 1_000_000L + 1_000_000L;
            System.out.printf(Locale.ROOT, "disk after a clean stop, same %,d samples in each:%n", total);
            for (int i = 0; i < servers.size(); i++) {
                System.out.printf(Locale.ROOT, "  %-16s %,12d bytes = %5.1f bytes/sample (RSS before stop %,d MB)%n", servers.get(i).name(),
                        disk[i], disk[i] / (double) total, rss[i] / 1024);
            }
            System.out.println("ratios (local mode / peer; targets: ingest >= 0.8 x InfluxDB, read <= 3 x Prometheus, disk <= 3 x Prometheus):");
            System.out.printf(Locale.ROOT, "  ingest 2000x1: %.2f x InfluxDB, %.2f x Prometheus%n", a[0] / a[1], a[0] / a[2]);
            System.out.printf(Locale.ROOT, "  ingest 500x4:  %.2f x InfluxDB, %.2f x Prometheus%n", b[0] / b[1], b[0] / b[2]);
            System.out.printf(Locale.ROOT, "  read 1000x1000: %.2f x Prometheus, %.2f x InfluxDB; connector peak RSS %,d MB (target <= 512)%n",
                    readSeconds[0] / readSeconds[2], readSeconds[0] / readSeconds[1], peakKb[0] / 1024);
            System.out.printf(Locale.ROOT, "  disk: %.2f x Prometheus, %.2f x InfluxDB%n", disk[0] / (double) disk[2], disk[0] / (double) disk[1]);
            System.out.printf(Locale.ROOT, "  1,000,000-sample request: %.2f s (Prometheus %.2f s, InfluxDB %.2f s)%n", bigSeconds[0], bigSeconds[2], bigSeconds[1]);
        } finally {
            for (Server s : servers) {
                if (s.process().isAlive()) {
                    s.process().destroyForcibly().waitFor();
                }
            }
        }
    }
}
