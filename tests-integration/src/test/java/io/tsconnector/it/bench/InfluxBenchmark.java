package io.tsconnector.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.influxdb.InfluxServer;
import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.InfluxOptions;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.it.support.RemoteCalls;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.Sample;
import io.tsconnector.proto.prometheus.TimeSeries;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Benchmark program (not run by {@code mvn verify}): the connector on {@code --storage=influxdb} side by side
 * with influxd's own Prometheus endpoints, in one run, on one influxd.
 *
 * <p>Ingest: 4 client threads post the same pre-built snappy remote-write bodies (2,000 series x 1 sample, then
 * 500 series x 4 samples) to the connector's {@code /write} and to influxd's {@code /api/v1/prom/write}; each
 * path writes to a database of its own. Read: 1,000 series x 1,000 samples stored in both layouts, read with
 * one remote-read query through the connector's {@code /read} and through influxd's {@code /api/v1/prom/read}.
 *
 * <p>CPU: influxd's from {@code /proc/<pid>/stat}; the connector's is this JVM's process CPU less the client
 * threads' (so it includes the connector's GC and JIT). Connector-path figures count connector + influxd, the
 * native path influxd alone. Run: {@code mvn -B -pl tests-integration -am verify -Dtest=InfluxBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (options {@code -Dbench.clients}, {@code -Dbench.rounds}: the
 * paths alternate, {@code -Dbench.seconds} per path and round, {@code -Dbench.warmupSeconds} before each;
 * {@code -Dbench.parts=ingest,read} which parts run, {@code -Dbench.readRuns} measured reads per path after
 * {@code -Dbench.readWarmups}).
 */
class InfluxBenchmark {
    private static final int CLIENTS = Integer.getInteger("bench.clients", 4);
    /** Measured seconds of each path in each round. */
    private static final int SECONDS = Integer.getInteger("bench.seconds", 5);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmupSeconds", 2);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final int BODIES_PER_CLIENT = 300;
    private static final long T0 = (System.currentTimeMillis() - 2 * 86_400_000L) / 60_000 * 60_000;
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};
    private static final String[] CODES = {"200", "201", "404", "500", "503"};
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final int READ_SERIES = 1_000;
    private static final int READ_SAMPLES = 1_000;
    private static final int READ_RUNS = Integer.getInteger("bench.readRuns", 5);
    private static final int READ_WARMUPS = Integer.getInteger("bench.readWarmups", 10);
    /** Which parts run: {@code ingest}, {@code read} or both (comma-separated). */
    private static final List<String> PARTS = List.of(System.getProperty("bench.parts", "ingest,read").split(","));

    private final StringBuilder report = new StringBuilder();

    @Test
    void connectorVersusInfluxdbPrometheusEndpoints() throws Exception {
        try (InfluxServer influx = InfluxServer.start()) {
            line("InfluxBenchmark clients=%d rounds=%d seconds=%d warmup-seconds=%d cores=%d influxd=1.6 (same machine)",
                    CLIENTS, ROUNDS, SECONDS, WARMUP_SECONDS, Runtime.getRuntime().availableProcessors());
            if (PARTS.contains("ingest")) {
                for (int[] shape : new int[][] {{2000, 1}, {500, 4}}) {
                    ingest(influx, shape[0], shape[1]);
                }
            }
            if (PARTS.contains("read")) {
                read(influx);
            }
        }
        System.out.print(report);
        Path file = Path.of("target", "influx-benchmark.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report, StandardCharsets.UTF_8);
    }

    private void line(String format, Object... args) {
        report.append(String.format(Locale.ROOT, format, args)).append('\n');
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    // ---- ingest --------------------------------------------------------------------------------

    /** Result of one load run. */
    private record Load(long requests, long failed, double seconds, long samples, long connectorCpuNanos,
                        long influxCpuNanos) {
        double rate() {
            return samples / seconds;
        }

        static Load plus(Load a, Load b) {
            return a == null ? b : new Load(a.requests + b.requests, a.failed + b.failed, a.seconds + b.seconds,
                    a.samples + b.samples, a.connectorCpuNanos + b.connectorCpuNanos, a.influxCpuNanos + b.influxCpuNanos);
        }

        double perCpuSecond(boolean withConnector) {
            return samples / ((influxCpuNanos + (withConnector ? connectorCpuNanos : 0)) / 1e9);
        }
    }

    private void ingest(InfluxServer influx, int series, int samplesEach) throws Exception {
        String shape = series + "x" + samplesEach;
        List<List<byte[]>> bodies = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            List<byte[]> mine = new ArrayList<>(BODIES_PER_CLIENT);
            for (int b = 0; b < BODIES_PER_CLIENT; b++) {
                mine.add(body(c, series, samplesEach, T0 + (long) b * samplesEach * 15_000L));
            }
            bodies.add(mine);
        }
        String nativeDb = "native_" + shape;
        String connectorDb = "connector_" + shape;
        influx.createDatabase(nativeDb);
        influx.createDatabase(connectorDb);
        Load own = null;
        Load via = null;
        try (Connector connector = Connector.start(settings(influx, connectorDb))) {
            // rounds alternate between the paths, so load from other processes on the machine hits both alike
            for (int round = 0; round < ROUNDS; round++) {
                own = Load.plus(own, load(URI.create(influx.uri() + "/api/v1/prom/write?db=" + nativeDb), bodies,
                        series * samplesEach, influx));
                via = Load.plus(via, load(connector.uri().resolve("/write"), bodies, series * samplesEach, influx));
            }
        }
        line("ingest %s per request, %d clients:", shape, CLIENTS);
        line("  influxd /api/v1/prom/write: %.0f samples/s (%d requests, %d failed); %.0f samples per influxd CPU-second",
                own.rate(), own.requests(), own.failed(), own.perCpuSecond(false));
        line("  connector -> influxd /write: %.0f samples/s (%d requests, %d failed); %.0f samples per CPU-second of "
                        + "connector + influxd (connector %.2f s, influxd %.2f s per million samples)",
                via.rate(), via.requests(), via.failed(), via.perCpuSecond(true),
                via.connectorCpuNanos() / 1e9 / (via.samples() / 1e6), via.influxCpuNanos() / 1e9 / (via.samples() / 1e6));
        line("  ratio connector/native: throughput %.2fx (target >= 0.8x), samples per CPU-second %.2fx",
                via.rate() / own.rate(), via.perCpuSecond(true) / own.perCpuSecond(false));
        assertTrue(own.requests() > 0 && via.requests() > 0, "both paths answered");
    }

    private static ConnectorSettings settings(InfluxServer influx, String db) {
        return ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDefaultDestination(db, "metrics")
                .withStorage(StorageSettings.DEFAULT.withInfluxdb(InfluxOptions.of(influx.uri())));
    }

    /** A remote-write body of {@code series} series of a realistic service, {@code samplesEach} samples each. */
    private static byte[] body(int client, int series, int samplesEach, long firstTimestamp) {
        WriteRequest.Builder w = WriteRequest.newBuilder();
        int handlers = Math.max(1, series / (METHODS.length * CODES.length));
        for (int s = 0; s < series; s++) {
            TimeSeries.Builder t = TimeSeries.newBuilder()
                    .addLabels(label("__name__", "http_requests_total"))
                    .addLabels(label("code", CODES[s % CODES.length]))
                    .addLabels(label("handler", "/api/v1/resource" + (s / (METHODS.length * CODES.length)) % handlers))
                    .addLabels(label("instance", "10.0." + client + ".17:9100"))
                    .addLabels(label("job", "api-server"))
                    .addLabels(label("method", METHODS[(s / CODES.length) % METHODS.length]))
                    .addLabels(label("region", "eu-west-1"));
            for (int i = 0; i < samplesEach; i++) {
                t.addSamples(Sample.newBuilder().setTimestamp(firstTimestamp + i * 15_000L)
                        .setValue((firstTimestamp / 1000.0) * 0.37 + s * 11 + i * 0.25));
            }
            w.addTimeseries(t);
        }
        return Snappy.compress(w.build().toByteArray());
    }

    private static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    /** Runs the clients against one URL: warm-up, then the measured seconds. */
    private static Load load(URI url, List<List<byte[]>> bodies, int samplesPerRequest, InfluxServer influx)
            throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long[] clientThreadIds = new long[bodies.size()];
        ExecutorService pool = Executors.newFixedThreadPool(bodies.size(), r -> new Thread(r, "bench-client"));
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < bodies.size(); c++) {
            int id = c;
            futures.add(pool.submit(() -> {
                clientThreadIds[id] = Thread.currentThread().getId();
                List<byte[]> mine = bodies.get(id);
                for (int n = 0; !stop.get(); n++) {
                    int status = post(url, mine.get(n % mine.size()));
                    if (measuring.get()) {
                        (status == 204 ? ok : failed).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        Thread.sleep(WARMUP_SECONDS * 1000L);
        long[] clientBefore = cpu(threads, clientThreadIds);
        long processBefore = os.getProcessCpuTime();
        long influxBefore = influxCpuNanos(influx.pid());
        long wallBefore = System.nanoTime();
        measuring.set(true);
        Thread.sleep(SECONDS * 1000L);
        measuring.set(false);
        long wall = System.nanoTime() - wallBefore;
        long influxCpu = influxCpuNanos(influx.pid()) - influxBefore;
        long process = os.getProcessCpuTime() - processBefore;
        long[] clientAfter = cpu(threads, clientThreadIds);
        stop.set(true);
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        long clients = 0;
        for (int i = 0; i < clientAfter.length; i++) {
            clients += clientAfter[i] - clientBefore[i];
        }
        return new Load(ok.get(), failed.get(), wall / 1e9, ok.get() * samplesPerRequest, Math.max(0, process - clients),
                influxCpu);
    }

    private static long[] cpu(ThreadMXBean threads, long[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.max(0, threads.getThreadCpuTime(ids[i]));
        }
        return out;
    }

    /** A blocking remote-write POST on the calling thread; its status. */
    private static int post(URI url, byte[] body) throws IOException {
        return post(url, body, "X-Prometheus-Remote-Write-Version", "0.1.0").status();
    }

    /**
     * A blocking POST of a snappy protobuf body on the calling thread, so no client-side helper thread's CPU
     * counts as the connector's.
     */
    private static RemoteCalls.Answer post(URI url, byte[] body, String versionHeader, String version) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        c.setDoOutput(true);
        c.setRequestMethod("POST");
        c.setRequestProperty("Content-Encoding", "snappy");
        c.setRequestProperty("Accept-Encoding", "snappy");
        c.setRequestProperty("Content-Type", "application/x-protobuf");
        c.setRequestProperty(versionHeader, version);
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        byte[] answer;
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            answer = in == null ? new byte[0] : in.readAllBytes();
        }
        return new RemoteCalls.Answer(status, answer, String.valueOf(c.getContentType()));
    }

    /** utime + stime of a process, from {@code /proc/<pid>/stat} (fields 14 and 15, in clock ticks). */
    static long influxCpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
    }

    // ---- read ----------------------------------------------------------------------------------

    private void read(InfluxServer influx) throws Exception {
        influx.createDatabase("readnative");
        influx.createDatabase("readconnector");
        try (Connector connector = Connector.start(settings(influx, "readconnector"))) {
            for (int first = 0; first < READ_SERIES; first += 50) {
                WriteRequest.Builder w = WriteRequest.newBuilder();
                for (int s = first; s < first + 50; s++) {
                    TimeSeries.Builder t = TimeSeries.newBuilder().addLabels(label("__name__", "bench_read"))
                            .addLabels(label("instance", "host-" + s)).addLabels(label("job", "bench"));
                    double v = s;
                    for (int i = 0; i < READ_SAMPLES; i++) {
                        v += (i * 7 + s) % 13 * 0.25;
                        t.addSamples(Sample.newBuilder().setTimestamp(T0 + i * 15_000L).setValue(v));
                    }
                    w.addTimeseries(t);
                }
                byte[] body = Snappy.compress(w.build().toByteArray());
                assertEquals(204, post(URI.create(influx.uri() + "/api/v1/prom/write?db=readnative"), body));
                assertEquals(204, post(connector.uri().resolve("/write"), body));
            }
            List<SeriesQuery> query = List.of(SeriesQuery.of(T0, T0 + READ_SAMPLES * 15_000L,
                    Matcher.eq("__name__", "bench_read")));
            ReadRequest request = RemoteCalls.readRequest(query);
            Reads own = reads(URI.create(influx.uri() + "/api/v1/prom/read?db=readnative"), request, influx);
            Reads via = reads(connector.uri().resolve("/read"), request, influx);
            line("remote read of %d series x %d samples (SAMPLES), best of %d after %d warm-up reads:", READ_SERIES,
                    READ_SAMPLES, READ_RUNS, READ_WARMUPS + 1);
            line("  influxd /api/v1/prom/read: best %d ms, median %d ms, %d bytes; influxd CPU %.2f s per read",
                    own.best / 1_000_000, own.median / 1_000_000, own.bytes, own.influxCpu / 1e9 / READ_RUNS);
            line("  connector -> influxd /query: best %d ms, median %d ms, %d bytes; CPU per read: connector %.2f s + influxd %.2f s",
                    via.best / 1_000_000, via.median / 1_000_000, via.bytes, via.connectorCpu / 1e9 / READ_RUNS,
                    via.influxCpu / 1e9 / READ_RUNS);
            line("  ratio connector/native: time %.2fx (target <= 1.5x), CPU %.2fx",
                    (double) via.best / own.best, (double) (via.connectorCpu + via.influxCpu) / own.influxCpu);
        }
    }

    private record Reads(long best, long median, long bytes, long connectorCpu, long influxCpu) {
    }

    private static Reads reads(URI url, ReadRequest request, InfluxServer influx) throws Exception {
        byte[] body = Snappy.compress(request.toByteArray());
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        RemoteCalls.Answer first = readOnce(url, body);
        assertEquals(200, first.status(), first.text());
        List<List<io.tsconnector.domain.TimeSeries>> decoded = RemoteCalls.samples(first);
        assertEquals(READ_SERIES, decoded.get(0).size(), "series from " + url);
        assertEquals((long) READ_SERIES * READ_SAMPLES, decoded.get(0).stream().mapToLong(s -> s.samples().size()).sum());
        // the paths are compared warm: the connector's code compiled, influxd's caches filled
        for (int i = 0; i < READ_WARMUPS; i++) {
            assertEquals(200, readOnce(url, body).status());
        }
        long[] times = new long[READ_RUNS];
        long bytes = 0;
        long processBefore = os.getProcessCpuTime();
        long influxBefore = influxCpuNanos(influx.pid());
        for (int run = 0; run < READ_RUNS; run++) {
            long start = System.nanoTime();
            RemoteCalls.Answer a = readOnce(url, body);
            times[run] = System.nanoTime() - start;
            assertEquals(200, a.status());
            bytes = a.body().length;
        }
        long influxCpu = influxCpuNanos(influx.pid()) - influxBefore;
        long process = os.getProcessCpuTime() - processBefore;
        Arrays.sort(times);
        return new Reads(times[0], times[READ_RUNS / 2], bytes, process, influxCpu);
    }

    private static RemoteCalls.Answer readOnce(URI url, byte[] body) throws IOException {
        return post(url, body, "X-Prometheus-Remote-Read-Version", "0.1.0");
    }
}
