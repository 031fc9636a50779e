package io.tsconnector.it.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tsconnector.it.e2e.ProcessLifecycleTest;
import io.tsconnector.it.support.PrometheusServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (prints): a real Prometheus 2.42 scraping node_exporter and itself, remote-writing into local mode
 * started with the README's command (the shaded jar, its JVM options), for {@code -Dbench.scrapeMinutes}
 * (default 15): disk of the connector's directory beside Prometheus' own data directory, and the connector's
 * RSS, printed every minute and after a clean stop. Run with
 * {@code mvn -B -pl tests-integration -am verify -Dtest=LocalModeScrapeBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * {@link LocalModeScrapeTest} runs the same for a few seconds in CI.
 */
class LocalModeScrapeBenchmark {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The JVM options of the README's local-mode command. */
    static final List<String> README_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");

    @TempDir
    Path dir;

    /** Figures of one run. */
    record Figures(long samplesSent, long connectorBytes, long prometheusBytes, long peakRssKb, String connectorLog) {
    }

    @Test
    void realScrapeIntoLocalMode() throws Exception {
        Figures f = run(dir, Duration.ofMinutes(Long.getLong("bench.scrapeMinutes", 15)),
                System.getProperty("bench.scrapeInterval", "15s"), true);
        assertTrue(f.samplesSent() > 0, "Prometheus sent nothing");
    }

    static Figures run(Path dir, Duration length, String scrapeInterval, boolean print) throws Exception {
        Path prometheus = PrometheusServer.findBinary().orElse(null);
        Path nodeExporter = Path.of("/usr/bin/prometheus-node-exporter");
        assumeTrue(prometheus != null && Files.isExecutable(nodeExporter), "prometheus and prometheus-node-exporter are needed");
        int connectorPort = PrometheusServer.freePort();
        int exporterPort = PrometheusServer.freePort();
        Path data = dir.resolve("data");
        List<Process> processes = new ArrayList<>();
        PrometheusServer prom = null;
        try {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(README_JVM_OPTIONS);
            command.addAll(List.of("-jar", ProcessLifecycleTest.jar().toString(), "--storage=local",
                    "--database-label=PrometheusDatabaseLabel", "--table-label=PrometheusTableLabel",
                    "--local.path=" + data, "--web.listen-address=127.0.0.1:" + connectorPort));
            Process connector = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("connector.log").toFile()).start();
            processes.add(connector);
            processes.add(new ProcessBuilder(nodeExporter.toString(), "--web.listen-address=127.0.0.1:" + exporterPort)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("node-exporter.log").toFile()).start());
            LocalStoreBenchmark.awaitOk(connector, URI.create("http://127.0.0.1:" + connectorPort + "/-/ready"));
            Path promDir = dir.resolve("prometheus");
            prom = PrometheusServer.start(prometheus, "scraping", promDir, prometheusPort -> String.join("\n",
                    "global:", "  scrape_interval: " + scrapeInterval,
                    "scrape_configs:",
                    "  - job_name: prometheus", "    static_configs: [{targets: ['127.0.0.1:" + prometheusPort + "']}]",
                    "  - job_name: node", "    static_configs: [{targets: ['127.0.0.1:" + exporterPort + "']}]",
                    "remote_write:",
                    "  - url: http://127.0.0.1:" + connectorPort + "/write",
                    "    write_relabel_configs:",
                    "      - {target_label: PrometheusDatabaseLabel, replacement: prometheusDatabase}",
                    "      - {target_label: PrometheusTableLabel, replacement: prometheusTable}", ""));
            URI sentQuery = prom.uri().resolve("/api/v1/query?query=sum(prometheus_remote_storage_samples_total)");
            long start = System.nanoTime();
            long peakRss = 0;
            long lastPrint = start;
            while (System.nanoTime() - start < length.toNanos()) {
                Thread.sleep(1000);
                peakRss = Math.max(peakRss, rssKb(connector.pid()));
                if (print && System.nanoTime() - lastPrint >= Duration.ofMinutes(1).toNanos()) {
                    lastPrint = System.nanoTime();
                    System.out.printf(Locale.ROOT, "  %4.1f min: sent %,d samples; disk: connector %,d B, Prometheus %,d B; connector RSS %,d MB%n",
                            (lastPrint - start) / 6e10, sent(sentQuery), du(data), du(promDir.resolve("data")), rssKb(connector.pid()) / 1024);
                }
            }
            long sent = sent(sentQuery);
            long connectorRunning = du(data);
            long prometheusRunning = du(promDir.resolve("data"));
            long rssNow = rssKb(connector.pid());
            prom.close();
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                p.waitFor();
            }
            long connectorBytes = du(data);
            long prometheusBytes = du(promDir.resolve("data"));
            if (print) {
                System.out.printf(Locale.ROOT, "LocalModeScrapeBenchmark: %s, scrape interval %s, %,d samples sent by Prometheus%n",
                        length, scrapeInterval, sent);
                System.out.printf(Locale.ROOT, "  running: connector %,d B, Prometheus %,d B (%.2f x); connector RSS %,d MB, peak %,d MB (JVM %s)%n",
                        connectorRunning, prometheusRunning, connectorRunning / (double) prometheusRunning, rssNow / 1024,
                        peakRss / 1024, String.join(" ", README_JVM_OPTIONS));
                System.out.printf(Locale.ROOT, "  after a clean stop: connector %,d B (%.1f B/sample), Prometheus %,d B: %.2f x (target <= 3)%n",
                        connectorBytes, connectorBytes / (double) Math.max(1, sent), prometheusBytes, connectorBytes / (double) prometheusBytes);
            }
            return new Figures(sent, connectorBytes, prometheusBytes, peakRss, Files.readString(dir.resolve("connector.log")));
        } finally {
            if (prom != null) {
                prom.close();
            }
            for (Process p : processes) {
                if (p.isAlive()) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
    }

    private static long sent(URI query) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(query).build(), HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9.e+]+)\"\\]").matcher(body);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            return 0; // exited
        }
        return 0;
    }

    static long du(Path p) throws java.io.IOException {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(p)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
