package io.tsconnector.adapters.influxdb;

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
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * Test helper: one real {@code influxd} (Debian's influxdb 1.6) on free loopback ports, with a temporary
 * configuration, data, meta and WAL directory, reporting off; an InfluxQL client for test set-up and checks.
 */
public final class InfluxServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int START_ATTEMPTS = 3;

    /** HTTPS for influxd's API: its certificate and key (PEM files) and a client context that trusts it. */
    public record Tls(Path certificate, Path key, SSLContext trust) {
    }

    private final Process process;
    private final Path dir;
    private final int port;
    private final HttpClient http;
    private final String scheme;
    private final Thread killOnExit;

    private InfluxServer(Process process, Path dir, int port, Tls tls) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.http = tls == null ? HTTP
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls.trust()).build();
        this.scheme = tls == null ? "http" : "https";
        // a test JVM that ends without closing this must not leave influxd running
        this.killOnExit = new Thread(process::destroyForcibly, "kill-influxd");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** The {@code influxd} binary on PATH, else a skipped test outside CI and a failure on CI (which installs it). */
    public static Path requireBinary() {
        Optional<Path> binary = findBinary();
        if (binary.isEmpty()) {
            String message = "influxd is not on PATH; install it with 'apt-get install -y influxdb' (Debian, 1.6)";
            if ("true".equals(System.getenv("CI"))) {
                org.junit.jupiter.api.Assertions.fail("CI=true and " + message);
            }
            org.junit.jupiter.api.Assumptions.abort("skipped outside CI: " + message);
        }
        return binary.get();
    }

    static Optional<Path> findBinary() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "influxd"))) {
                return Optional.of(Path.of(d, "influxd"));
            }
        }
        return Optional.empty();
    }

    /** Starts influxd and waits until {@code /ping} answers; retries on another port if one was taken meanwhile. */
    public static InfluxServer start() {
        return start(null);
    }

    /** The same, serving its API over HTTPS when {@code tls} is given. */
    public static InfluxServer start(Tls tls) {
        Path binary = requireBinary();
        IOException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("influxd-test");
                int http = freePort();
                Path conf = dir.resolve("influxdb.conf");
                Files.writeString(conf, config(dir, http, freePort(), tls), UTF_8);
                Process p = new ProcessBuilder(binary.toString(), "run", "-config", conf.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("influxd.log").toFile()).start();
                InfluxServer server = new InfluxServer(p, dir, http, tls);
                if (server.awaitReady(Duration.ofSeconds(30))) {
                    return server;
                }
                last = new IOException("influxd did not answer /ping on port " + http + ": " + server.log());
                server.close();
            } catch (IOException e) {
                last = e;
                deleteQuietly(dir);
            }
        }
        throw new IllegalStateException("influxd did not start", last);
    }

    private static String config(Path dir, int http, int rpc, Tls tls) {
        return """
                reporting-disabled = true
                bind-address = "127.0.0.1:%2$d"
                [meta]
                  dir = "%1$s/meta"
                  logging-enabled = false
                [data]
                  dir = "%1$s/data"
                  wal-dir = "%1$s/wal"
                  query-log-enabled = false
                  wal-fsync-delay = "0s"
                [monitor]
                  store-enabled = false
                [http]
                  bind-address = "127.0.0.1:%3$d"
                  log-enabled = false
                  flux-enabled = false
                  %4$s
                [ifql]
                  enabled = false
                [logging]
                  level = "warn"
                  suppress-logo = true
                [continuous_queries]
                  enabled = false
                [retention]
                  enabled = false
                """.formatted(dir, rpc, http, tls == null ? "" : "https-enabled = true\n  https-certificate = \""
                + tls.certificate() + "\"\n  https-private-key = \"" + tls.key() + "\"");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri().resolve("/ping"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 204) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    public URI uri() {
        return URI.create(scheme + "://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** The process id, to read its CPU time. */
    public long pid() {
        return process.pid();
    }

    /** Runs an InfluxQL statement ({@code db} may be null) and returns the JSON answer; fails on a non-200. */
    public String query(String db, String influxQl) {
        String form = (db == null ? "" : "db=" + URLEncoder.encode(db, UTF_8) + "&") + "q=" + URLEncoder.encode(influxQl, UTF_8);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri().resolve("/query"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
                throw new IllegalStateException("InfluxQL " + influxQl + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("InfluxQL " + influxQl + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void createDatabase(String db) {
        query(null, "CREATE DATABASE " + InfluxQl.identifier(db));
    }

    public void dropDatabase(String db) {
        query(null, "DROP DATABASE " + InfluxQl.identifier(db));
    }

    /** The end of influxd's log, for failure messages. */
    public String log() {
        try {
            String text = Files.readString(dir.resolve("influxd.log"), UTF_8);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already
        }
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
