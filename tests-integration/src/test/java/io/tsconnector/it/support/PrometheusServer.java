package io.tsconnector.it.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Test helper: one real Prometheus process on a free loopback port, with its own data directory,
 * configuration file and log, and a client for its HTTP API.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int START_ATTEMPTS = 3;

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private final Thread killOnExit;

    private PrometheusServer(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
        // a test JVM that ends without running @AfterAll must not leave Prometheus running
        this.killOnExit = new Thread(process::destroyForcibly, "kill-prometheus-" + name);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * The binary, or a skipped test outside CI when Prometheus is not installed; on CI ({@code CI=true}) its
     * absence is a failure, since CI installs it.
     */
    public static Path requireBinary(String test) {
        Optional<Path> binary = findBinary();
        if (binary.isEmpty()) {
            String message = "the prometheus binary is neither on PATH nor named by PROMETHEUS_BINARY; "
                    + "install it with 'apt-get install -y prometheus' (Debian package, 2.42)";
            if ("true".equals(System.getenv("CI"))) {
                org.junit.jupiter.api.Assertions.fail("CI=true and " + message);
            }
            System.err.println(test + " skipped outside CI: " + message);
            org.junit.jupiter.api.Assumptions.abort("skipped outside CI: " + message);
        }
        return binary.get();
    }

    /** The {@code prometheus} binary: {@code $PROMETHEUS_BINARY} if set, else the first one on {@code PATH}. */
    public static Optional<Path> findBinary() {
        String explicit = System.getenv("PROMETHEUS_BINARY");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "prometheus");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Starts Prometheus in {@code dir} with the configuration the function builds for the chosen port, and
     * waits until it is ready. A port taken between choosing and binding costs another attempt.
     */
    public static PrometheusServer start(Path binary, String name, Path dir, IntFunction<String> config)
            throws IOException, InterruptedException {
        return start(binary, name, dir, config, List.of());
    }

    /**
     * Starts Prometheus like {@link #start(Path, String, Path, IntFunction)} with more flags, e.g.
     * {@code --web.enable-remote-write-receiver}. Its TSDB is {@code dir/data}, which may hold blocks already.
     */
    public static PrometheusServer start(Path binary, String name, Path dir, IntFunction<String> config,
                                         List<String> extraFlags) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            Path configFile = dir.resolve("prometheus.yml");
            Files.writeString(configFile, config.apply(port));
            Path log = dir.resolve("prometheus-" + attempt + ".log");
            List<String> command = new java.util.ArrayList<>(List.of(binary.toString(),
                    "--config.file=" + configFile,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port));
            command.addAll(extraFlags);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(name, process, port, log);
            try {
                server.awaitReady(Duration.ofSeconds(30));
                return server;
            } catch (IllegalStateException e) {
                server.close();
                failure = e;
                if (!server.logText().contains("address already in use")) {
                    break;
                }
            }
        }
        throw failure;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " Prometheus exited with status " + process.exitValue()
                        + " before it was ready:\n" + logTail(40));
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(uri().resolve("/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // retried below
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " Prometheus not ready after " + timeout + ":\n" + logTail(40));
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Calls an API endpoint such as {@code /api/v1/query} and returns its {@code data} object. */
    public Map<String, Object> api(String path, Map<String, String> params) throws IOException, InterruptedException {
        String query = params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), UTF_8) + "=" + URLEncoder.encode(e.getValue(), UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(uri().resolve(path + "?" + query))
                .timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        Map<String, Object> body;
        try {
            body = Json.object(Json.parse(response.body()));
        } catch (RuntimeException e) {
            throw new AssertionError(name + " Prometheus answered " + response.statusCode() + " to " + path
                    + " " + params + " with a body that is not JSON: " + response.body(), e);
        }
        if (response.statusCode() != 200 || !"success".equals(body.get("status"))) {
            throw new AssertionError(name + " Prometheus answered " + response.statusCode() + " to " + path
                    + " " + params + ": " + response.body());
        }
        if (body.containsKey("warnings")) {
            throw new AssertionError(name + " Prometheus warns about " + path + " " + params + ": "
                    + body.get("warnings"));
        }
        return Json.object(body.get("data"));
    }

    /** The {@code data} of an instant query at a time in seconds (warnings fail, as in {@link #api}). */
    public Map<String, Object> query(String promql, double timeSeconds) throws IOException, InterruptedException {
        return api("/api/v1/query", Map.of("query", promql, "time", Double.toString(timeSeconds)));
    }

    /** The {@code data} of a range query. */
    public Map<String, Object> queryRange(String promql, double start, double end, double step)
            throws IOException, InterruptedException {
        return api("/api/v1/query_range", Map.of("query", promql, "start", Double.toString(start),
                "end", Double.toString(end), "step", Double.toString(step)));
    }

    /** The process, for benchmarks that measure it (memory, disk). */
    public Process process() {
        return process;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String name() {
        return name;
    }

    /** Asks Prometheus to stop, and kills it if it has not stopped after ten seconds. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway and finds the process gone
        }
    }

    /**
     * A configuration that scrapes this Prometheus ({@code selfPort}, job {@code prometheus}) and the given
     * targets (job name to host:port) every second, and remote-writes through {@code connector} with the
     * destination labels set to {@code database}/{@code table}; {@code extraQueue} and {@code tail} are added to
     * the queue configuration and after the remote_write block (remote_read, say).
     */
    public static String everySecondWritingTo(int selfPort, java.util.Map<String, String> targets, java.net.URI connector,
                                              String database, String table, List<String> extraQueue, List<String> tail) {
        List<String> lines = new java.util.ArrayList<>(List.of(
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: prometheus",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + selfPort + "']"));
        for (java.util.Map.Entry<String, String> t : targets.entrySet()) {
            lines.addAll(List.of("  - job_name: " + t.getKey(), "    static_configs:", "      - targets: ['" + t.getValue() + "']"));
        }
        lines.addAll(List.of(
                "remote_write:",
                "  - url: " + connector.resolve("/write"),
                "    write_relabel_configs:",
                "      - target_label: " + RemoteWriteClient.DATABASE_LABEL,
                "        replacement: " + database,
                "      - target_label: " + RemoteWriteClient.TABLE_LABEL,
                "        replacement: " + table,
                "    queue_config:",
                "      batch_send_deadline: 1s"));
        extraQueue.forEach(q -> lines.add("      " + q));
        lines.addAll(tail);
        lines.add("");
        return String.join("\n", lines);
    }
}
