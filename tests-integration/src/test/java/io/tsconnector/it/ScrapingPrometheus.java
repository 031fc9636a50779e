package io.tsconnector.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus server run as a child process on 127.0.0.1: it scrapes itself every second and
 * remote-writes to a connector with the destination labels added by {@code write_relabel_configs}.
 */
final class ScrapingPrometheus implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Process process;
    private final Path log;
    private final int port;

    private ScrapingPrometheus(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Skips the calling test when the binary is absent, except in CI ({@code CI=true}) where its absence is
     * a failure: CI installs it.
     */
    static void requireBinary() {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(BINARY + " is missing; CI must install the Debian package prometheus");
        }
        Assumptions.assumeTrue(false, BINARY + " is not installed");
    }

    /** Starts Prometheus with its TSDB, config and log under {@code dir}, writing to {@code connector}/write. */
    static ScrapingPrometheus start(Path dir, URI connector, String database, String table) {
        int port = freePort();
        String config = String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: prometheus",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + port + "']",
                "remote_write:",
                "  - url: " + connector.resolve("/write"),
                "    write_relabel_configs:",
                "      - target_label: " + RemoteWriteClient.DATABASE_LABEL,
                "        replacement: " + database,
                "      - target_label: " + RemoteWriteClient.TABLE_LABEL,
                "        replacement: " + table,
                "    queue_config:",
                "      batch_send_deadline: 1s",
                "");
        try {
            Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config, StandardCharsets.UTF_8);
            Path log = dir.resolve("prometheus.log");
            Process p = new ProcessBuilder(List.of(BINARY.toString(),
                    "--config.file=" + configFile,
                    "--web.listen-address=127.0.0.1:" + port,
                    "--storage.tsdb.path=" + dir.resolve("tsdb")))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new ScrapingPrometheus(p, log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code instance} label of its self-scrape. */
    String instance() {
        return "127.0.0.1:" + port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines of its log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
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
    }
}
