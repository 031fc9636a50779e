package io.tsconnector.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.Collector;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.it.support.Json;
import io.tsconnector.it.support.PrometheusServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code prometheus.yml} the README shows, fed to a real Prometheus with only the ports changed: it is
 * valid for promtool, plain PromQL ({@code up}) answers without warnings and without a remote read, and a
 * query naming the destination reads the connector's data back, also without warnings.
 */
class ReadmePrometheusExampleTest {
    private static final String RESOURCE = "/readme/prometheus.yml";
    private static final Duration BOUND = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    static String example() throws IOException {
        try (InputStream in = ReadmePrometheusExampleTest.class.getResourceAsStream(RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theReadmeShowsExactlyThisFile() throws IOException {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        assertTrue(readme.contains("```yaml\n" + example() + "```\n"),
                "README.md's complete prometheus.yml must be tests-integration/src/test/resources" + RESOURCE);
    }

    @Test
    void aRealPrometheusRunsItWithoutWarnings() throws Exception {
        Path binary = PrometheusServer.requireBinary("ReadmePrometheusExampleTest");
        InMemorySeriesStore store = new InMemorySeriesStore();
        try (Connector connector = Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels("PrometheusDatabaseLabel", "PrometheusTableLabel"), store, store);
             PrometheusServer prometheus = PrometheusServer.start(binary, "readme", dir.resolve("prometheus"),
                     port -> adapted(port, connector.port()))) {
            checkConfig(binary, dir.resolve("prometheus/prometheus.yml"));

            List<Object> up = awaitResult(prometheus, "up", 2);
            assertEquals(2, up.size(), "both scrape jobs: " + up);
            assertEquals(0.0, readRequests(connector), "required_matchers: plain PromQL never asks the connector");

            List<Object> remote = awaitResult(prometheus,
                    "up{PrometheusDatabaseLabel=\"prometheusDatabase\", PrometheusTableLabel=\"prometheusTable\"}", 1);
            assertFalse(remote.isEmpty());
            assertTrue(readRequests(connector) > 0, "the query naming the destination is a remote read");
            assertFalse(prometheus.logText().contains("level=warn"), prometheus.logTail(20));
        }
    }

    /** The README's file with only the ports of the connector and of Prometheus itself changed. */
    private static String adapted(int prometheusPort, int connectorPort) {
        try {
            return example().replace("localhost:9201", "127.0.0.1:" + connectorPort)
                    .replace("localhost:9090", "127.0.0.1:" + prometheusPort);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void checkConfig(Path prometheus, Path config) throws IOException, InterruptedException {
        Path promtool = prometheus.resolveSibling("promtool");
        if (!Files.isExecutable(promtool)) {
            return; // the Debian package installs both; a PROMETHEUS_BINARY elsewhere may come alone
        }
        Process p = new ProcessBuilder(promtool.toString(), "check", "config", config.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.toLowerCase(java.util.Locale.ROOT).contains("warn"), out);
    }

    /** Polls an instant query (whose answers PrometheusServer.api checks for warnings) until it has {@code min} series. */
    private static List<Object> awaitResult(PrometheusServer prometheus, String query, int min) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            Map<String, Object> data = prometheus.api("/api/v1/query", Map.of("query", query));
            List<Object> result = Json.array(data.get("result"));
            if (result.size() >= min || System.nanoTime() > deadline) {
                assertTrue(result.size() >= min, query + " has " + result.size() + " series after " + BOUND + ":\n"
                        + prometheus.logTail(20));
                return result;
            }
            Thread.sleep(500);
        }
    }

    private static double readRequests(Connector connector) {
        double sum = 0;
        for (Collector.MetricFamilySamples family : Collections.list(connector.registry().metricFamilySamples())) {
            for (Collector.MetricFamilySamples.Sample s : family.samples) {
                if (s.name.equals("timestream_connector_read_requests_total")) {
                    sum += s.value;
                }
            }
        }
        return sum;
    }
}
