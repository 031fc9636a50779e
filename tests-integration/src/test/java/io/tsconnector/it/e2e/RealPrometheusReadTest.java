package io.tsconnector.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.net.httpserver.HttpServer;
import io.tsconnector.adapters.influxdb.InfluxServer;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.InfluxOptions;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.it.support.Json;
import io.tsconnector.it.support.PrometheusServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PromQL through local mode gives Prometheus' own answers: Prometheus #1 scrapes itself and a small target
 * (one label only on some series) and remote-writes to the connector on local storage; Prometheus #2 has
 * nothing but {@code remote_read} from the connector. Both answer the same instant and range queries at
 * fixed times inside the stored range, and the answers must be identical. The same runs on a real influxd.
 */
class RealPrometheusReadTest {
    private static final List<String> INSTANT_QUERIES = List.of(
            "demo_requests_total",
            "rate(demo_requests_total[10s])",
            "sum by (job) (rate(demo_requests_total[10s]))",
            "sum by (job) (rate(prometheus_tsdb_head_samples_appended_total[10s]))",
            "demo_requests_total{path=~\"/a|/c\"}",
            "{__name__=~\"demo_.*\"}",
            "demo_requests_total{path!=\"/a\"}",
            "demo_requests_total{path!~\"/b\"}",
            "up{job!=\"demo\"}",
            "demo_requests_total{code=\"\"}",
            "demo_requests_total{code!=\"200\"}",
            "demo_requests_total{code=~\"2..|\"}",
            "count by (code) (demo_requests_total)",
            "sum by (code) (rate(demo_requests_total{code!~\"5..\"}[10s]))",
            "demo_temperature_celsius * 2",
            "go_goroutines{job=\"prometheus\"}",
            "count by (job) ({job=~\"prom.*|demo\", __name__=~\"scrape_.*\"})");
    private static final List<String> RANGE_QUERIES = List.of(
            "rate(demo_requests_total[10s])",
            "sum by (job) (rate(demo_requests_total{code!=\"200\"}[5s]))",
            "demo_temperature_celsius",
            "count by (code) (demo_requests_total)");

    @TempDir
    Path dir;

    /** A target whose counters grow with each scrape; {@code code} exists on only some series. */
    private static HttpServer demoTarget() throws java.io.IOException {
        AtomicLong scrapes = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/metrics", exchange -> {
            long n = scrapes.incrementAndGet();
            String body = "# HELP demo_requests_total Requests handled.\n"
                    + "# TYPE demo_requests_total counter\n"
                    + "demo_requests_total{path=\"/a\",code=\"200\"} " + 3 * n + "\n"
                    + "demo_requests_total{path=\"/a\",code=\"500\"} " + n / 2 + "\n"
                    + "demo_requests_total{path=\"/b\"} " + 7 * n + "\n"
                    + "# HELP demo_temperature_celsius Temperature.\n"
                    + "# TYPE demo_temperature_celsius gauge\n"
                    + "demo_temperature_celsius{room=\"lab\"} " + (20 + (n % 5) * 0.3) + "\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    @Test
    void remoteReadAnswersPromqlLikeThePrometheusThatScrapedTheData() throws Exception {
        roundTrip(StorageSettings.DEFAULT.withStorage(Storage.LOCAL).withLocalPath(dir.resolve("local").toString()));
    }

    /** The same round trip with the connector on a real influxd ({@code --storage=influxdb}). */
    @Test
    void remoteReadFromInfluxdbAnswersPromqlLikeThePrometheusThatScrapedTheData() throws Exception {
        PrometheusServer.requireBinary("RealPrometheusReadTest");
        try (InfluxServer influx = InfluxServer.start()) {
            influx.createDatabase("promDB");
            roundTrip(StorageSettings.DEFAULT.withInfluxdb(InfluxOptions.of(influx.uri())));
        }
    }

    private void roundTrip(StorageSettings storage) throws Exception {
        Path binary = PrometheusServer.requireBinary("RealPrometheusReadTest");
        HttpServer target = demoTarget();
        ConnectorSettings settings = ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels("PrometheusDatabaseLabel", "PrometheusTableLabel")
                .withDefaultDestination("promDB", "promTable")
                .withStorage(storage);
        try (Connector connector = Connector.start(settings)) {
            String scraper = """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: prometheus
                        static_configs:
                          - targets: ['127.0.0.1:{{PORT}}']
                      - job_name: demo
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    remote_write:
                      - url: %s/write
                        queue_config:
                          batch_send_deadline: 1s
                        write_relabel_configs:
                          - target_label: PrometheusDatabaseLabel
                            replacement: promDB
                          - target_label: PrometheusTableLabel
                            replacement: promTable
                    """.formatted(target.getAddress().getPort(), connector.uri());
            String reader = """
                    global:
                      scrape_interval: 1m
                    remote_read:
                      - url: %s/read
                        read_recent: true
                    """.formatted(connector.uri());
            double started = System.currentTimeMillis() / 1000.0;
            try (PrometheusServer one = PrometheusServer.start(binary, "scraping", dir.resolve("one"),
                        port -> scraper.replace("{{PORT}}", Integer.toString(port)));
                 PrometheusServer two = PrometheusServer.start(binary, "reading", dir.resolve("two"), port -> reader)) {
                Thread.sleep(22_000);
                double[] times = {Math.floor(started) + 10.5, Math.floor(started) + 14, Math.floor(started) + 18.25};
                awaitSent(one, times[times.length - 1] + 1);
                for (String q : INSTANT_QUERIES) {
                    for (double t : times) {
                        List<String> expected = canonical(one.query(q, t));
                        assertFalse(expected.isEmpty(), q + " at " + t + " has a result in the scraping Prometheus");
                        assertEquals(expected, canonical(two.query(q, t)), q + " at " + t + "\nconnector-side Prometheus log:\n" + two.logText());
                    }
                }
                for (String q : RANGE_QUERIES) {
                    List<String> expected = canonical(one.queryRange(q, times[0], times[2], 1));
                    assertFalse(expected.isEmpty(), q + " has a result in the scraping Prometheus");
                    assertEquals(expected, canonical(two.queryRange(q, times[0], times[2], 1)), "range query " + q);
                }
            }
        } finally {
            target.stop(0);
        }
    }

    /** Waits until Prometheus #1 has sent everything up to {@code seconds} to the connector. */
    private static void awaitSent(PrometheusServer prometheus, double seconds) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        double sent = 0;
        while (System.nanoTime() < deadline) {
            List<String> r = canonical(prometheus.query("min(prometheus_remote_storage_queue_highest_sent_timestamp_seconds)",
                    System.currentTimeMillis() / 1000.0));
            if (!r.isEmpty()) {
                sent = Double.parseDouble(r.get(0).substring(r.get(0).lastIndexOf(' ') + 1));
                if (sent >= seconds) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus sent samples up to " + sent + " only, not " + seconds + ":\n" + prometheus.logText());
    }

    /** One line per series and point, {@code {labels} time value}, values as parsed doubles, sorted. */
    static List<String> canonical(Map<String, Object> data) {
        List<String> out = new ArrayList<>();
        for (Object result : Json.array(data.get("result"))) {
            Map<String, Object> element = Json.object(result);
            Map<String, Object> metric = new TreeMap<>(Json.object(element.getOrDefault("metric", Map.of())));
            if (element.containsKey("value")) {
                out.add(point(metric, element.get("value")));
            }
            if (element.containsKey("values")) {
                Json.array(element.get("values")).forEach(v -> out.add(point(metric, v)));
            }
        }
        out.sort(null);
        return out;
    }

    private static String point(Map<String, Object> metric, Object pair) {
        List<Object> p = Json.array(pair);
        return metric + " " + p.get(0) + " " + Double.parseDouble((String) p.get(1));
    }
}
