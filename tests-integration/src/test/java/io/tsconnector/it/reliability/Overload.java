package io.tsconnector.it.reliability;

import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.domain.Destination;
import io.tsconnector.it.e2e.ProcessLifecycleTest;
import io.tsconnector.it.support.PrometheusServer;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Test harness of the overload runs: the connector as a process of its own (the shaded jar, Timestream storage)
 * in front of the fake endpoint at a fixed latency per call; first the sustainable rate is measured with a few
 * clients, then many clients offer a multiple of it. Reports the status mix, latencies, the connector's RSS,
 * {@code /-/healthy} latency, the recovery time after the load, and whether everything answered 2xx is stored.
 */
final class Overload {
    /** One run's shape. */
    record Options(int clients, int seconds, int warmupClients, int warmupSeconds, double factor, int seriesPerRequest,
                   int samplesPerSeries, int callLatencyMs) {
        static Options fromProperties(Options defaults) {
            return new Options(Integer.getInteger("overload.clients", defaults.clients),
                    Integer.getInteger("overload.seconds", defaults.seconds),
                    Integer.getInteger("overload.warmupClients", defaults.warmupClients),
                    Integer.getInteger("overload.warmupSeconds", defaults.warmupSeconds),
                    Double.parseDouble(System.getProperty("overload.factor", Double.toString(defaults.factor))),
                    Integer.getInteger("overload.seriesPerRequest", defaults.seriesPerRequest),
                    Integer.getInteger("overload.samplesPerSeries", defaults.samplesPerSeries),
                    Integer.getInteger("overload.callLatencyMs", defaults.callLatencyMs));
        }

        int samplesPerRequest() {
            return seriesPerRequest * samplesPerSeries;
        }
    }

    /** What a run measured. */
    record Result(double sustainableSamplesPerSecond, double offeredSamplesPerSecond, long attempts, long ok, long status503,
                  long status503WithoutRetryAfter, long other, long resets, long timeouts, long p50Ms, long p99Ms, long maxMs,
                  long rssStartBytes, long rssMaxBytes, long healthChecks, long healthFailures, long healthMaxMs,
                  long recoveryMs, long ackedSamples, long missingAckedSamples, boolean aliveAfter,
                  Map<String, Long> resetKinds, long[] okMs, long[] refusedMs) {
        void print(PrintStream out) {
            out.printf("overload: sustainable %.0f samples/s; offered %.0f samples/s (%.1fx) for the run%n",
                    sustainableSamplesPerSecond, offeredSamplesPerSecond, offeredSamplesPerSecond / sustainableSamplesPerSecond);
            out.printf("overload: %d requests: 2xx %d, 503 %d (%d without Retry-After), other %d, resets %d, timeouts %d%n",
                    attempts, ok, status503, status503WithoutRetryAfter, other, resets, timeouts);
            resetKinds.forEach((kind, n) -> out.printf("overload:   reset %d x %s%n", n, kind));
            out.printf("overload: latency of answered requests p50 %d ms, p99 %d ms, max %d ms%n", p50Ms, p99Ms, maxMs);
            out.printf("overload:   2xx p50 %d ms, p99 %d ms, max %d ms; 503 p50 %d ms, p99 %d ms, max %d ms%n",
                    okMs[0], okMs[1], okMs[2], refusedMs[0], refusedMs[1], refusedMs[2]);
            out.printf("overload: connector RSS %d MiB before, max %d MiB%n", rssStartBytes >> 20, rssMaxBytes >> 20);
            out.printf("overload: /-/healthy %d checks, %d failed or over 1 s, slowest %d ms%n", healthChecks, healthFailures,
                    healthMaxMs);
            out.printf("overload: recovery after the load stopped: %d ms; connector alive: %s%n", recoveryMs, aliveAfter);
            out.printf("overload: %d samples answered 2xx, %d of them not stored%n", ackedSamples, missingAckedSamples);
        }
    }

    /** The JVM flags of the README's command for the Timestream path: what a user runs, so what is measured. */
    static final List<String> JVM_FLAGS = List.of("-Xmx512m", "-XX:+UseSerialGC");
    private static final Destination DEST = new Destination("overloadDB", "overloadTable");
    private static final long T0 = System.currentTimeMillis() - 30 * 60_000L;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30); // Prometheus' remote_timeout

    private Overload() {
    }

    static Result run(Options o, PrintStream out) throws Exception {
        try (FakeTimestreamEndpoint fake = new FakeTimestreamEndpoint().start()) {
            fake.delayEachCall(Duration.ofMillis(o.callLatencyMs()));
            // the fake keeps what it accepted as (series, time) only: storing it in its engine took about a core of
            // this 2-core machine's CPU away from the connector under test
            Map<String, BitSet> accepted = new java.util.concurrent.ConcurrentHashMap<>();
            fake.acceptedRecordsTo(r -> {
                String client = null;
                String series = null;
                for (software.amazon.awssdk.services.timestreamwrite.model.Dimension d : r.dimensions()) {
                    if (d.name().equals("client")) {
                        client = d.value();
                    } else if (d.name().equals("s")) {
                        series = d.value();
                    }
                }
                long ms = toMillis(Long.parseLong(r.time()), r.timeUnitAsString());
                BitSet b = accepted.computeIfAbsent(client + "/" + series, k -> new BitSet());
                synchronized (b) {
                    b.set((int) (ms - T0));
                }
            });
            Path log = Path.of("target", "overload-connector.log");
            Files.createDirectories(log.getParent());
            int port = PrometheusServer.freePort();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(JVM_FLAGS);
            // extra JVM flags for a diagnosis (e.g. -XX:NativeMemoryTracking=summary), after the user's ones
            for (String flag : System.getProperty("overload.jvmArgs", "").split(" ")) {
                if (!flag.isBlank()) {
                    command.add(flag);
                }
            }
            command.addAll(List.of("-jar", ProcessLifecycleTest.jar().toString(), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn",
                    "--database-label=" + FuzzStores.DATABASE_LABEL, "--table-label=" + FuzzStores.TABLE_LABEL,
                    "--storage=timestream", "--region=us-east-1", "--write-base-endpoint=" + fake.uri(),
                    "--query-base-endpoint=" + fake.uri()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("AWS_ACCESS_KEY_ID", "AKIDOVERLOAD");
            pb.environment().put("AWS_SECRET_ACCESS_KEY", "overload-secret");
            Process connector = pb.start();
            try {
                URI uri = URI.create("http://127.0.0.1:" + port);
                awaitReady(uri, connector);
                return measure(o, uri, connector, accepted, out);
            } finally {
                connector.destroy();
                if (!connector.waitFor(20, TimeUnit.SECONDS)) {
                    connector.destroyForcibly();
                }
            }
        }
    }

    private static Result measure(Options o, URI uri, Process connector, Map<String, BitSet> accepted, PrintStream out)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, BitSet> acked = new HashMap<>();
        // sustainable: a few clients back to back, every answer counted
        Phase warmup = new Phase(http, uri, o, o.warmupClients(), 0, acked, 0);
        warmup.runFor(o.warmupSeconds());
        double sustainable = warmup.okSamples.sum() / (double) o.warmupSeconds();
        long baselineMs = Math.max(1, warmup.latencyPercentile(50));
        double offered = sustainable * o.factor();
        long intervalNanos = (long) (o.clients() * (double) o.samplesPerRequest() / offered * 1e9);
        out.printf("overload: %d clients, one request of %d samples each every %d ms at most, for %d s%n", o.clients(),
                o.samplesPerRequest(), intervalNanos / 1_000_000, o.seconds());

        long rssStart = rss(connector.pid());
        AtomicLong rssMax = new AtomicLong(rssStart);
        Health health = new Health(uri, connector.pid(), rssMax);
        Thread healthThread = new Thread(health, "overload-health");
        healthThread.start();
        Phase load = new Phase(http, uri, o, o.clients(), intervalNanos, acked, o.warmupClients());
        load.start();
        Thread.sleep(o.seconds() * 1000L);
        if (Boolean.getBoolean("overload.diagnose")) {
            diagnose(connector.pid());
        }
        load.stopSending();
        long stoppedAt = System.nanoTime();
        long recoveryMs = -1;
        // recovery: a fresh client's write answered 2xx within twice the unloaded median (at least 100 ms)
        Phase probe = new Phase(http, uri, o, 1, 0, acked, o.warmupClients() + o.clients());
        long deadline = stoppedAt + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            int status = probe.sendOne(0);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (status / 100 == 2 && ms <= Math.max(100, 2 * baselineMs)) {
                recoveryMs = (System.nanoTime() - stoppedAt) / 1_000_000;
                break;
            }
            Thread.sleep(100);
        }
        load.join();
        health.stop.set(true);
        healthThread.join();
        boolean alive = connector.isAlive();

        long ackedSamples = 0;
        for (BitSet b : acked.values()) {
            ackedSamples += (long) b.cardinality() * o.samplesPerRequest();
        }
        long missing = missing(accepted, acked, o);
        long[] all = load.latencies();
        return new Result(sustainable, offered, load.attempts.sum(), load.ok.sum(), load.s503.sum(), load.s503NoRetryAfter.sum(),
                load.other.sum(), load.resets.sum(), load.timeouts.sum(), percentile(all, 50), percentile(all, 99),
                percentile(all, 100), rssStart, rssMax.get(), health.checks.get(), health.failures.get(),
                health.maxNanos.get() / 1_000_000, recoveryMs, ackedSamples, missing, alive, new TreeMap<>(load.resetKinds),
                summary(load.latencies(true)), summary(load.latencies(false)));
    }

    /** Acknowledged samples the fake's engine does not hold. */
    private static long toMillis(long time, String unit) {
        switch (unit == null ? "MILLISECONDS" : unit) {
            case "SECONDS": return time * 1000;
            case "MICROSECONDS": return time / 1000;
            case "NANOSECONDS": return time / 1_000_000;
            default: return time;
        }
    }

    /** Acknowledged samples the fake did not accept (client {@code c}'s series {@code s} at T0 + offset). */
    private static long missing(Map<String, BitSet> stored, Map<Integer, BitSet> acked, Options o) {
        long missing = 0;
        for (Map.Entry<Integer, BitSet> e : acked.entrySet()) {
            for (int k = e.getValue().nextSetBit(0); k >= 0; k = e.getValue().nextSetBit(k + 1)) {
                for (int s = 0; s < o.seriesPerRequest(); s++) {
                    BitSet b = stored.getOrDefault(e.getKey() + "/" + s, new BitSet());
                    for (int i = 0; i < o.samplesPerSeries(); i++) {
                        if (!b.get(k * o.samplesPerSeries() + i)) {
                            missing++;
                        }
                    }
                }
            }
        }
        return missing;
    }

    /** Clients of one phase; client {@code c}'s request {@code k} holds the samples at T0 + k * samplesPerSeries + i. */
    private static final class Phase {
        final LongAdder attempts = new LongAdder();
        final LongAdder ok = new LongAdder();
        final LongAdder okSamples = new LongAdder();
        final LongAdder s503 = new LongAdder();
        final LongAdder s503NoRetryAfter = new LongAdder();
        final LongAdder other = new LongAdder();
        final LongAdder resets = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        /** What the client saw instead of an answer, by exception class and message: where a reset came from. */
        final Map<String, Long> resetKinds = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<long[]> latencyChunks = new ConcurrentLinkedQueue<>();
        /** Latencies of the 2xx answers and of the 503s, apart. */
        final ConcurrentLinkedQueue<long[]> okChunks = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<long[]> refusedChunks = new ConcurrentLinkedQueue<>();
        private final HttpClient http;
        private final URI uri;
        private final Options o;
        private final int clients;
        private final long intervalNanos;
        private final Map<Integer, BitSet> acked;
        private final int firstClient;
        private final int[] next;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Phase(HttpClient http, URI uri, Options o, int clients, long intervalNanos, Map<Integer, BitSet> acked,
              int firstClient) {
            this.http = http;
            this.uri = uri;
            this.o = o;
            this.clients = clients;
            this.intervalNanos = intervalNanos;
            this.acked = acked;
            this.firstClient = firstClient;
            this.next = new int[clients];
            synchronized (acked) {
                for (int c = 0; c < clients; c++) {
                    acked.put(firstClient + c, new BitSet());
                }
            }
        }

        void runFor(int seconds) throws InterruptedException {
            start();
            Thread.sleep(seconds * 1000L);
            stopSending();
            join();
        }

        void start() {
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread t = new Thread(() -> loop(client), "overload-client");
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        void stopSending() {
            stop.set(true);
        }

        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join();
            }
        }

        private void loop(int client) {
            long[] lat = new long[1024];
            int n = 0;
            long[] okLat = new long[1024];
            int okN = 0;
            long[] refusedLat = new long[1024];
            int refusedN = 0;
            long nextAt = System.nanoTime() + (intervalNanos == 0 ? 0 : (long) (Math.random() * intervalNanos));
            while (!stop.get()) {
                long wait = nextAt - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    continue;
                }
                nextAt = System.nanoTime() + intervalNanos;
                long t0 = System.nanoTime();
                int status = sendOne(client);
                if (status > 0) {
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    long took = System.nanoTime() - t0;
                    lat[n++] = took;
                    if (status / 100 == 2) {
                        if (okN == okLat.length) {
                            okLat = Arrays.copyOf(okLat, okN * 2);
                        }
                        okLat[okN++] = took;
                    } else if (status == 503) {
                        if (refusedN == refusedLat.length) {
                            refusedLat = Arrays.copyOf(refusedLat, refusedN * 2);
                        }
                        refusedLat[refusedN++] = took;
                    }
                }
            }
            latencyChunks.add(Arrays.copyOf(lat, n));
            okChunks.add(Arrays.copyOf(okLat, okN));
            refusedChunks.add(Arrays.copyOf(refusedLat, refusedN));
        }

        /** Sends the client's next request; the status, or -1 for a reset and -2 for a timeout. */
        int sendOne(int client) {
            int k;
            synchronized (next) {
                k = next[client]++;
            }
            int id = firstClient + client;
            byte[] body = Snappy.compress(request(id, k).toByteArray());
            HttpRequest request = HttpRequest.newBuilder(uri.resolve("/write")).timeout(REQUEST_TIMEOUT)
                    .header("Content-Encoding", "snappy").header("Content-Type", "application/x-protobuf")
                    .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            attempts.increment();
            try {
                HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                int status = r.statusCode();
                if (status / 100 == 2) {
                    ok.increment();
                    okSamples.add(o.samplesPerRequest());
                    BitSet b;
                    synchronized (acked) {
                        b = acked.get(id);
                    }
                    synchronized (b) {
                        b.set(k);
                    }
                } else if (status == 503) {
                    s503.increment();
                    if (r.headers().firstValue("Retry-After").isEmpty()) {
                        s503NoRetryAfter.increment();
                    }
                } else {
                    other.increment();
                }
                return status;
            } catch (HttpTimeoutException e) {
                timeouts.increment();
                return -2;
            } catch (IOException e) {
                resets.increment();
                resetKinds.merge(describe(e), 1L, Long::sum);
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        private static String describe(Throwable e) {
            StringBuilder b = new StringBuilder();
            for (Throwable t = e; t != null && b.length() < 300; t = t.getCause()) {
                b.append(b.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            }
            return b.toString();
        }

        private WriteRequest request(int client, int k) {
            WriteRequest.Builder w = WriteRequest.newBuilder();
            for (int s = 0; s < o.seriesPerRequest(); s++) {
                io.tsconnector.proto.prometheus.TimeSeries.Builder ts = io.tsconnector.proto.prometheus.TimeSeries.newBuilder()
                        .addLabels(FuzzRequests.label(FuzzStores.DATABASE_LABEL, DEST.database()))
                        .addLabels(FuzzRequests.label(FuzzStores.TABLE_LABEL, DEST.table()))
                        .addLabels(FuzzRequests.label("__name__", "overload"))
                        .addLabels(FuzzRequests.label("client", Integer.toString(client)))
                        .addLabels(FuzzRequests.label("s", Integer.toString(s)));
                for (int i = 0; i < o.samplesPerSeries(); i++) {
                    ts.addSamples(io.tsconnector.proto.prometheus.Sample.newBuilder()
                            .setTimestamp(T0 + (long) k * o.samplesPerSeries() + i).setValue(k));
                }
                w.addTimeseries(ts);
            }
            return w.build();
        }

        /** Sorted latencies (nanoseconds) of the 2xx answers ({@code ok}) or of the 503s. */
        long[] latencies(boolean ok) {
            long[] all = (ok ? okChunks : refusedChunks).stream().flatMapToLong(Arrays::stream).toArray();
            Arrays.sort(all);
            return all;
        }

        long[] latencies() {
            long[] all = latencyChunks.stream().flatMapToLong(Arrays::stream).toArray();
            Arrays.sort(all);
            return all;
        }

        long latencyPercentile(int p) {
            return percentile(latencies(), p);
        }
    }

    /** Polls {@code /-/healthy} with a 1 s timeout every 250 ms and samples the connector's RSS. */
    private static final class Health implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong checks = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong maxNanos = new AtomicLong();
        private final HttpClient http;
        private final URI uri;
        private final long pid;
        private final AtomicLong rssMax;

        Health(URI uri, long pid, AtomicLong rssMax) {
            // a client of its own: the load's connection pool must not delay the health checks
            this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            this.uri = uri;
            this.pid = pid;
            this.rssMax = rssMax;
        }

        @Override
        public void run() {
            HttpRequest request = HttpRequest.newBuilder(uri.resolve("/-/healthy")).timeout(Duration.ofSeconds(1)).build();
            while (!stop.get()) {
                long t0 = System.nanoTime();
                try {
                    if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                        failures.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
                checks.incrementAndGet();
                maxNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                rssMax.accumulateAndGet(rss(pid), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Heap, class histogram and native memory of the connector at the end of the load, in target/. */
    private static void diagnose(long pid) throws IOException, InterruptedException {
        Path out = Path.of("target", "overload-diagnosis.txt");
        Files.deleteIfExists(out);
        for (String cmd : List.of("GC.heap_info", "VM.native_memory summary", "GC.class_histogram")) {
            List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid)));
            c.addAll(Arrays.asList(cmd.split(" ")));
            Process p = new ProcessBuilder(c).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
            p.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** p50, p99 and max in ms of sorted nanoseconds; zeros when there are none. */
    static long[] summary(long[] sorted) {
        return sorted.length == 0 ? new long[3] : new long[] {percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100)};
    }

    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1_000_000;
    }

    static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static void awaitReady(URI uri, Process connector) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(uri.resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !connector.isAlive()) {
                    throw new IllegalStateException("the connector did not start; see target/overload-connector.log", e);
                }
            }
            Thread.sleep(100);
        }
    }
}
