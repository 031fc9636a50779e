package io.tsconnector.it.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.it.support.Json;
import io.tsconnector.it.support.PrometheusServer;
import io.tsconnector.it.support.RemoteWriteClient;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard shipped in the bootstrap jar answers: a real Prometheus 2.42 scrapes a connector on the
 * Timestream storage (fake endpoint) or in local mode while it remote-writes its own and the connector's metrics
 * into it, and every panel's PromQL, evaluated through that Prometheus' HTTP API, returns a number.
 */
class DashboardQueriesTest {
    static final String DASHBOARD = "/grafana/timestream-connector.json";
    private static final String DB = "promDB";
    private static final String TABLE = "promTable";
    private static final long WAIT_MS = 60_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Storage.class, names = {"TIMESTREAM", "LOCAL"})
    void everyPanelQueryReturnsData(Storage storage) throws Exception {
        Map<String, String> queries = panelQueries();
        assertTrue(queries.size() >= 15, "the dashboard's queries: " + queries.keySet());
        Path binary = PrometheusServer.requireBinary("DashboardQueriesTest");
        boolean timestream = storage == Storage.TIMESTREAM;
        try (FakeTimestreamEndpoint fake = new FakeTimestreamEndpoint().start();
             Connector connector = Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                     .withDestinationLabels(RemoteWriteClient.DATABASE_LABEL, RemoteWriteClient.TABLE_LABEL)
                     .withStorage(timestream
                             ? new StorageSettings(Storage.TIMESTREAM, "us-east-1", fake.uri(), fake.uri(), 1, 3, 16,
                                     "./data", true)
                             : StorageSettings.DEFAULT.withStorage(Storage.LOCAL).withLocalPath(dir.resolve("data").toString())));
             PrometheusServer prometheus = PrometheusServer.start(binary, "dashboard", dir,
                     port -> config(port, connector.uri()))) {
            // what a healthy connector does not do on its own: a throttled call (retried), a refused write and read
            if (timestream) {
                fake.throttleNext(2);
            }
            post(connector.uri().resolve("/write"), "not snappy");
            post(connector.uri().resolve("/read"), "not snappy");
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (timestream && fake.writeCalls() < 3 && System.currentTimeMillis() < deadline && prometheus.isAlive()) {
                Thread.sleep(200); // the throttles go to the first writes, never to the reads below
            }
            while (!stored(connector.uri()) && System.currentTimeMillis() < deadline && prometheus.isAlive()) {
                Thread.sleep(200); // the read panels want samples read back, so the first write must have landed
            }

            Map<String, String> empty = new LinkedHashMap<>(queries);
            while (!empty.isEmpty() && System.currentTimeMillis() < deadline && prometheus.isAlive()) {
                Thread.sleep(1000);
                // a remote read through Prometheus, so the read panels have data
                prometheus.api("/api/v1/query", Map.of("query", "up{" + RemoteWriteClient.DATABASE_LABEL + "=\"" + DB
                        + "\"," + RemoteWriteClient.TABLE_LABEL + "=\"" + TABLE + "\"}"));
                empty.entrySet().removeIf(e -> {
                    try {
                        return hasNumber(result(prometheus, e.getValue()));
                    } catch (Exception x) {
                        throw new AssertionError(x);
                    }
                });
            }
            assertEquals(Map.of(), empty, storage + ": panel queries with no number (no series, or only NaN) after "
                    + WAIT_MS / 1000 + " s; Prometheus log:\n" + prometheus.logTail(30));

            // Prometheus' own summaries with no observations send NaN quantiles: counted apart
            List<Object> summaryNan = result(prometheus,
                    "timestream_connector_ignored_samples_total{reason=\"summary_nan\"} > 0");
            assertTrue(!summaryNan.isEmpty(), "the NaN quantiles of Prometheus' empty summaries are counted as summary_nan");
            assertEquals(2, result(prometheus, "timestream_connector_storage_call_duration_seconds_count"
                    + "{operation=~\"WriteRecords|Query\"} > 0").size(), storage + ": storage calls timed by operation");
            if (timestream) {
                assertTrue(!result(prometheus, "timestream_connector_storage_throttles_total{operation=\"WriteRecords\"} > 0")
                        .isEmpty(), "the injected ThrottlingException is counted");
            }
        }
    }

    /** Whether the connector has stored a sample. */
    private static boolean stored(URI connector) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(connector.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().anyMatch(l -> l.startsWith("timestream_connector_stored_samples_total{")
                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) > 0);
    }

    /** Whether a query result has a sample that is a number: the rate or quantile of nothing is NaN. */
    private static boolean hasNumber(List<Object> result) {
        for (Object series : result) {
            List<Object> value = Json.array(Json.object(series).get("value"));
            if (!"NaN".equals(value.get(1))) {
                return true;
            }
        }
        return false;
    }

    /** Every target expression of the dashboard, by panel title and refId, with Grafana's variables filled in. */
    static Map<String, String> panelQueries() throws Exception {
        String text;
        try (InputStream in = DashboardQueriesTest.class.getResourceAsStream(DASHBOARD)) {
            assertNotNull(in, DASHBOARD + " on the classpath");
            text = new String(in.readAllBytes(), UTF_8);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Object p : Json.array(Json.object(Json.parse(text)).get("panels"))) {
            Map<String, Object> panel = Json.object(p);
            for (Object t : Json.array(panel.get("targets"))) {
                Map<String, Object> target = Json.object(t);
                String expr = ((String) target.get("expr")).replace("$__rate_interval", "30s").replace("$job", ".+");
                assertTrue(!expr.contains("$"), "a Grafana variable the test does not know: " + expr);
                out.put(panel.get("title") + " " + target.get("refId"), expr);
            }
        }
        return out;
    }

    private static List<Object> result(PrometheusServer prometheus, String expr) throws Exception {
        return new ArrayList<>(Json.array(prometheus.api("/api/v1/query", Map.of("query", expr)).get("result")));
    }

    private static void post(URI uri, String body) throws Exception {
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Encoding", "snappy").build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(400, r.statusCode(), "a body that is not snappy is refused: " + uri);
    }

    /** Scrapes itself and the connector every second, remote-writes both into it and reads back the destination. */
    private static String config(int port, URI connector) {
        return PrometheusServer.everySecondWritingTo(port,
                java.util.Map.of("connector", connector.getHost() + ":" + connector.getPort()), connector, DB, TABLE, List.of(),
                List.of("remote_read:",
                        "  - url: " + connector.resolve("/read"),
                        "    read_recent: true",
                        "    required_matchers:",
                        "      " + RemoteWriteClient.DATABASE_LABEL + ": " + DB,
                        "      " + RemoteWriteClient.TABLE_LABEL + ": " + TABLE));
    }
}
