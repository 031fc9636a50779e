package io.tsconnector.it.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.it.e2e.ProcessLifecycleTest;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.it.support.PrometheusServer;
import io.tsconnector.it.support.RemoteWriteClient;
import io.tsconnector.proto.prometheus.TimeSeries;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Benchmark program (not a test: surefire's default includes skip the name): client threads post remote-write
 * requests of 2,000 samples (500 series x 4 samples) through the connector's HTTP server, into the fake
 * Timestream endpoint with a per-call latency, or into the in-memory store; prints samples/s, request
 * latency p50/p99 and CPU seconds per million samples.
 *
 * <p>Run: {@code mvn -B -pl tests-integration -am verify -Dtest=IngestBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbench.storage=timestream -Dbench.latencyMs=20 -Dbench.clients=8 -Dbench.seconds=20}; or {@code main} with
 * {@code --storage=memory --latency-ms=0 --clients=8 --seconds=20 --warmup-seconds=5 --write-concurrency=64 --discard=false}.
 * The fake endpoint and the clients run in the same JVM, so the process CPU includes them; the connector's
 * own share is measured on its threads (HTTP workers and Timestream write pool) and printed apart.
 */
public final class IngestBenchmark {
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};
    private static final String[] CODES = {"200", "201", "404", "500", "503"};

    /** Benchmark parameters. */
    record Options(String storage, int latencyMs, int clients, int seconds, int warmupSeconds, int writeConcurrency,
                   boolean discard, int series, int samples, boolean process) {
        static Options parse(String[] args) {
            Map<String, String> given = new HashMap<>();
            for (String a : args) {
                String[] kv = a.replaceFirst("^--", "").split("=", 2);
                given.put(kv[0], kv.length > 1 ? kv[1] : "true");
            }
            return new Options(
                    value(given, "storage", "bench.storage", "timestream"),
                    Integer.parseInt(value(given, "latency-ms", "bench.latencyMs", "20")),
                    Integer.parseInt(value(given, "clients", "bench.clients", "8")),
                    Integer.parseInt(value(given, "seconds", "bench.seconds", "20")),
                    Integer.parseInt(value(given, "warmup-seconds", "bench.warmupSeconds", "5")),
                    Integer.parseInt(value(given, "write-concurrency", "bench.writeConcurrency", "128")),
                    Boolean.parseBoolean(value(given, "discard", "bench.discard", "false")),
                    Integer.parseInt(value(given, "series", "bench.series", "500")),
                    Integer.parseInt(value(given, "samples", "bench.samples", "4")),
                    Boolean.parseBoolean(value(given, "process", "bench.process", "true")));
        }

        private static String value(Map<String, String> given, String arg, String property, String fallback) {
            String v = given.get(arg);
            return v != null ? v : System.getProperty(property, fallback);
        }

        boolean memory() {
            return storage.equals("memory");
        }

        /** Local mode, always as a process (the README's command): its data in a fresh directory. */
        boolean local() {
            return storage.equals("local");
        }

        int samplesPerRequest() {
            return series * samples;
        }
    }

    /** Entry point for surefire: {@code -Dtest=IngestBenchmark} with {@code -Dbench.*} properties. */
    @Test
    void run() throws Exception {
        Result r = run(Options.parse(new String[0]), System.out);
        assertTrue(r.ok > 0, "no request succeeded");
    }

    public static void main(String[] args) throws Exception {
        run(Options.parse(args), System.out);
    }

    record Result(long ok, long failed) {
    }

    static Result run(Options o, PrintStream out) throws Exception {
        if (!o.memory() && !o.storage.equals("timestream") && !o.local()) {
            throw new IllegalArgumentException("storage must be timestream, local or memory, got " + o.storage);
        }
        if (o.process || o.local()) {
            return runProcess(o, out);
        }
        ConnectorSettings settings = ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels(RemoteWriteClient.DATABASE_LABEL, RemoteWriteClient.TABLE_LABEL);
        FakeTimestreamEndpoint fake = null;
        Connector connector;
        if (o.memory()) {
            InMemorySeriesStore store = new InMemorySeriesStore();
            connector = Connector.start(settings, store, store);
        } else {
            fake = new FakeTimestreamEndpoint().start();
            fake.delayEachCall(Duration.ofMillis(o.latencyMs));
            fake.discardWrites(o.discard);
            connector = Connector.start(settings.withStorage(new StorageSettings(Storage.TIMESTREAM, "us-east-1",
                    fake.uri(), fake.uri(), 3, 3, o.writeConcurrency, "./data", true)));
        }
        try {
            return measure(o, connector, out);
        } finally {
            connector.close();
            if (fake != null) {
                fake.close();
            }
        }
    }

    /**
     * The connector as a process of its own (the shaded jar, as users run it), the fake endpoint and the clients in
     * this JVM: the connector's CPU is that of its whole process (GC and JIT included), read from the OS.
     */
    private static Result runProcess(Options o, PrintStream out) throws Exception {
        FakeTimestreamEndpoint fake = null;
        java.util.List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String jvmArgs = System.getProperty("bench.connectorJvmArgs", "");
        if (!jvmArgs.isBlank()) {
            command.addAll(List.of(jvmArgs.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", ProcessLifecycleTest.jar().toString()));
        int port = PrometheusServer.freePort();
        command.addAll(List.of("--web.listen-address=127.0.0.1:" + port, "--log.level=warn",
                "--database-label=" + RemoteWriteClient.DATABASE_LABEL, "--table-label=" + RemoteWriteClient.TABLE_LABEL,
                "--storage=" + o.storage, "--write.concurrency=" + o.writeConcurrency));
        if (o.local()) {
            command.add("--local.path=" + Files.createTempDirectory("ingest-benchmark-local"));
        } else if (!o.memory()) {
            fake = new FakeTimestreamEndpoint().start();
            fake.delayEachCall(Duration.ofMillis(o.latencyMs));
            fake.answerWithoutParsing(o.discard);
            command.addAll(List.of("--region=us-east-1", "--write-base-endpoint=" + fake.uri(), "--query-base-endpoint=" + fake.uri()));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "ingest-benchmark-connector.log").toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", "AKIDBENCHMARK");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "benchmark-secret");
        Process connector = pb.start();
        try {
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                try {
                    if (http.send(java.net.http.HttpRequest.newBuilder(uri.resolve("/-/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    if (System.nanoTime() > deadline || !connector.isAlive()) {
                        throw new IllegalStateException("the connector did not start; see target/ingest-benchmark-connector.log", e);
                    }
                }
                Thread.sleep(100);
            }
            String profile = System.getProperty("bench.profile", "");
            Runnable[] phases = profile.isBlank() ? new Runnable[] {() -> { }, () -> { }}
                    : new Runnable[] {() -> profiler(connector.pid(), "start,event=itimer,interval=1ms,threads"),
                        () -> profiler(connector.pid(), "stop,collapsed,file=" + profile)};
            return measure(o, uri, () -> connector.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L),
                    phases[0], phases[1], out);
        } finally {
            connector.destroy();
            connector.waitFor(20, TimeUnit.SECONDS);
            if (fake != null) {
                fake.close();
            }
        }
    }

    /**
     * Sends a command to async-profiler in the connector process ({@code -Dbench.profile=FILE} with
     * {@code -Dbench.profilerLib=.../libasyncProfiler.so}, from {@code tools.profiler:async-profiler}): the profile
     * covers the measured seconds only, after warm-up.
     */
    private static void profiler(long pid, String command) {
        try {
            com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid));
            try {
                vm.loadAgentPath(System.getProperty("bench.profilerLib"), command);
            } finally {
                vm.detach();
            }
        } catch (Exception e) {
            throw new IllegalStateException("async-profiler command '" + command + "' failed: " + e, e);
        }
    }

    private static Result measure(Options o, Connector connector, PrintStream out) throws Exception {
        return measure(o, connector.uri(), null, () -> { }, () -> { }, out);
    }

    private static Result measure(Options o, java.net.URI target, java.util.function.LongSupplier connectorProcessCpu,
                                  Runnable onMeasuring, Runnable onMeasured, PrintStream out) throws Exception {
        RemoteWriteClient client = new RemoteWriteClient(target);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        long startTime = 1_795_595_300_000L;
        ExecutorService pool = Executors.newFixedThreadPool(o.clients, r -> new Thread(r, "bench-client"));
        List<Future<long[]>> futures = new ArrayList<>();
        for (int c = 0; c < o.clients; c++) {
            int id = c;
            futures.add(pool.submit(() -> {
                long[] latencies = new long[1 << 16];
                int n = 0;
                long failed = 0;
                for (long seq = 0; !stop.get(); seq++) {
                    byte[] body = RemoteWriteClient.body(request(id, startTime + seq * o.samples * 15_000L, o.series, o.samples));
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = client.write(body);
                    long nanos = System.nanoTime() - t0;
                    if (!measuring.get()) {
                        continue;
                    }
                    if (r.statusCode() != 204) {
                        failed++;
                        continue;
                    }
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = nanos;
                }
                long[] result = Arrays.copyOf(latencies, n + 1);
                result[n] = -failed - 1; // last element: failures, negative so it sorts first and is told apart
                return result;
            }));
        }
        Thread.sleep(o.warmupSeconds * 1000L);
        onMeasuring.run();
        Map<Long, Long> cpuBefore = threadCpu(threads);
        long processBefore = os.getProcessCpuTime();
        long connectorBefore = connectorProcessCpu == null ? 0 : connectorProcessCpu.getAsLong();
        long wallBefore = System.nanoTime();
        measuring.set(true);
        Thread.sleep(o.seconds * 1000L);
        measuring.set(false);
        long wall = System.nanoTime() - wallBefore;
        long process = os.getProcessCpuTime() - processBefore;
        long connectorProcess = connectorProcessCpu == null ? 0 : connectorProcessCpu.getAsLong() - connectorBefore;
        onMeasured.run();
        Map<String, Long> byGroup = cpuByGroup(threads, cpuBefore);
        stop.set(true);
        List<Long> all = new ArrayList<>();
        long failed = 0;
        for (Future<long[]> f : futures) {
            long[] r = f.get(120, TimeUnit.SECONDS);
            failed += -r[r.length - 1] - 1;
            for (int i = 0; i < r.length - 1; i++) {
                all.add(r[i]);
            }
        }
        pool.shutdownNow();
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        long ok = sorted.length;
        double seconds = wall / 1e9;
        double samples = (double) ok * o.samplesPerRequest();
        double millions = samples / 1e6;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "IngestBenchmark storage=%s latency-ms=%d clients=%d write-concurrency=%d "
                        + "discard=%s seconds=%d warmup-seconds=%d cores=%d request=%dx%d process=%s%n", o.storage, o.memory() ? 0 : o.latencyMs, o.clients,
                o.writeConcurrency, o.discard, o.seconds, o.warmupSeconds, Runtime.getRuntime().availableProcessors(),
                o.series, o.samples, o.process));
        sb.append(String.format(Locale.ROOT, "requests: %d answered 204, %d other (%d samples each)%n", ok, failed,
                o.samplesPerRequest()));
        sb.append(String.format(Locale.ROOT, "throughput: %.0f samples/s%n", samples / seconds));
        if (ok > 0) {
            sb.append(String.format(Locale.ROOT, "request latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, sorted[sorted.length - 1] / 1e6));
            if (connectorProcessCpu != null) {
                sb.append(String.format(Locale.ROOT, "connector process CPU: %.2f s per million samples = %.0f samples per "
                        + "connector CPU-second (whole process: GC and JIT included)%n", connectorProcess / 1e9 / millions,
                        samples / (connectorProcess / 1e9)));
                sb.append(String.format(Locale.ROOT, "benchmark process CPU (clients%s): %.2f s per million samples%n",
                        o.memory() ? "" : " and the fake endpoint", process / 1e9 / millions));
            } else {
                sb.append(String.format(Locale.ROOT, "CPU per million samples: process %.2f s (includes clients%s, GC, JIT)%n",
                        process / 1e9 / millions, o.memory() ? "" : " and the fake endpoint"));
                long connectorThreads = byGroup.getOrDefault("connector", 0L);
                sb.append(String.format(Locale.ROOT, "  connector threads (http-worker, timestream-write, sdk): %.2f s = %.0f samples "
                        + "per connector-thread CPU-second%n", connectorThreads / 1e9 / millions, samples / (connectorThreads / 1e9)));
            }
            sb.append(String.format(Locale.ROOT, "  client threads: %.2f s; fake endpoint threads: %.2f s; other threads: %.2f s%n",
                    byGroup.getOrDefault("client", 0L) / 1e9 / millions, byGroup.getOrDefault("fake", 0L) / 1e9 / millions,
                    byGroup.getOrDefault("other", 0L) / 1e9 / millions));
        }
        out.print(sb);
        out.flush();
        try {
            Path file = Path.of("target", "ingest-benchmark-" + o.storage + "-" + o.series + "x" + o.samples + ".txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            out.println("(result not saved: " + e.getMessage() + ")");
        }
        return new Result(ok, failed);
    }

    /**
     * One request: {@code seriesCount} series of a realistic service (4 methods x 5 codes x a handler per 20
     * series) with {@code samplesPerSeries} samples each, 15 s apart.
     */
    static List<TimeSeries> request(int client, long firstTimestamp, int seriesCount, int samplesPerSeries) {
        List<TimeSeries> out = new ArrayList<>(seriesCount);
        long[] times = new long[samplesPerSeries];
        for (int i = 0; i < samplesPerSeries; i++) {
            times[i] = firstTimestamp + i * 15_000L;
        }
        for (int s = 0; s < seriesCount; s++) {
            double[] values = new double[samplesPerSeries];
            for (int i = 0; i < samplesPerSeries; i++) {
                values[i] = (firstTimestamp / 1000.0) * 0.37 + s * 11 + i * 0.25;
            }
            out.add(RemoteWriteClient.series("benchdb", "benchtable", "http_requests_total", List.of(
                    "code", CODES[s % CODES.length],
                    "handler", "/api/v1/resource" + (s / (METHODS.length * CODES.length)),
                    "instance", "10.0." + client + ".17:9100",
                    "job", "api-server",
                    "method", METHODS[(s / CODES.length) % METHODS.length],
                    "region", "eu-west-1"), times, values));
        }
        return out;
    }

    private static double percentile(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static Map<Long, Long> threadCpu(ThreadMXBean threads) {
        Map<Long, Long> out = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long cpu = threads.getThreadCpuTime(id);
            if (cpu >= 0) {
                out.put(id, cpu);
            }
        }
        return out;
    }

    /** CPU since {@code before} by thread group: connector, client, fake (its pool threads), other. */
    private static Map<String, Long> cpuByGroup(ThreadMXBean threads, Map<Long, Long> before) {
        Map<String, Long> out = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long cpu = threads.getThreadCpuTime(id);
            ThreadInfo info = threads.getThreadInfo(id);
            if (cpu < 0 || info == null) {
                continue;
            }
            String name = info.getThreadName();
            String group = name.startsWith("http-worker-") || name.startsWith("timestream-write-") || name.startsWith("sdk-") ? "connector"
                    : name.startsWith("bench-client") || name.startsWith("HttpClient-") ? "client"
                    : name.startsWith("pool-") ? "fake" : "other";
            out.merge(group, cpu - before.getOrDefault(id, 0L), Long::sum);
        }
        return out;
    }
}
