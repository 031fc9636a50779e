package io.tsconnector.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.it.support.Json;
import io.tsconnector.it.support.PrometheusServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end with real Prometheus servers: a source server scrapes itself and remote-writes to a connector
 * on an in-memory store; a reader server without scrape targets answers PromQL through the connector's
 * remote read, and must answer like the source.
 */
class RealPrometheusTest {
    private static final String DB_LABEL = "PrometheusDatabaseLabel";
    private static final String TABLE_LABEL = "PrometheusTableLabel";
    private static final Destination DESTINATION = new Destination("promDB", "promTable");
    private static final String DESTINATION_MATCHERS = DB_LABEL + "=\"promDB\"," + TABLE_LABEL + "=\"promTable\"";
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration AGREEMENT_TIMEOUT = Duration.ofSeconds(30);
    private static final int MIN_METRIC_NAMES = 20;

    @TempDir
    static Path dir;

    private static InMemorySeriesStore store;
    private static Connector connector;
    private static PrometheusServer source;
    private static PrometheusServer reader;
    /** Evaluation time of the instant queries: the time of a stored sample of {@code up}, in milliseconds. */
    private static long evalMs;

    @RegisterExtension
    static final TestWatcher LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            printLogs();
        }
    };

    @BeforeAll
    static void start() throws Exception {
        Path binary = prometheusBinary();
        long started = System.nanoTime();
        store = new InMemorySeriesStore();
        connector = Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels(DB_LABEL, TABLE_LABEL), store, store);
        try {
            source = PrometheusServer.start(binary, "source", dir.resolve("source"),
                    port -> sourceConfig(port, connector.uri()));
            reader = PrometheusServer.start(binary, "reader", dir.resolve("reader"),
                    port -> readerConfig(connector.uri()));
            evalMs = awaitStoredScrapes();
            System.out.printf("Prometheus data reached the connector after %d ms; evaluating at %d%n",
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), evalMs);
        } catch (Throwable t) {
            printLogs();
            throw t;
        }
    }

    private static Path prometheusBinary() {
        return PrometheusServer.requireBinary("RealPrometheusTest");
    }

    static String sourceConfig(int ownPort, URI connector) {
        return """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 15s
                scrape_configs:
                  - job_name: prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: %s/write
                    write_relabel_configs:
                      - target_label: PrometheusDatabaseLabel
                        replacement: promDB
                      - target_label: PrometheusTableLabel
                        replacement: promTable
                    queue_config:
                      batch_send_deadline: 1s
                      min_backoff: 30ms
                      max_backoff: 1s
                """.formatted(ownPort, connector);
    }

    static String readerConfig(URI connector) {
        return """
                global:
                  scrape_interval: 15s
                  evaluation_interval: 15s
                remote_read:
                  - url: %s/read
                    read_recent: true
                """.formatted(connector);
    }

    /**
     * Waits until the store holds several scrapes of {@code up} and many metrics of the job, and returns the
     * time of the second-newest stored {@code up} sample.
     */
    private static long awaitStoredScrapes() throws InterruptedException {
        long deadline = System.nanoTime() + DATA_TIMEOUT.toNanos();
        TreeSet<String> names = new TreeSet<>();
        List<Long> upTimes = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            names.clear();
            upTimes.clear();
            store.read(DESTINATION, SeriesQuery.of(0, Long.MAX_VALUE, Matcher.eq("job", "prometheus")), series -> {
                String name = series.labels().get(Labels.METRIC_NAME);
                names.add(name);
                if ("up".equals(name)) {
                    series.samples().stream().map(Sample::timestampMs).forEach(upTimes::add);
                }
            });
            if (upTimes.size() >= 3 && names.size() >= MIN_METRIC_NAMES) {
                return upTimes.get(upTimes.size() - 2);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("after " + DATA_TIMEOUT + " the store holds " + upTimes.size()
                + " samples of up and " + names.size() + " metric names for job=prometheus: " + names);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            for (PrometheusServer server : new PrometheusServer[] {reader, source}) {
                if (server != null) {
                    server.close();
                }
            }
        } finally {
            if (connector != null) {
                connector.close();
            }
        }
    }

    private static void printLogs() {
        for (PrometheusServer server : new PrometheusServer[] {source, reader}) {
            if (server != null) {
                System.err.println("----- " + server.name() + " Prometheus (port " + server.port() + ") log tail -----");
                System.err.println(server.logTail(60));
            }
        }
    }

    @Test
    void upReadThroughTheConnectorIsOne() throws Exception {
        List<Map<String, Object>> result = instant(reader,
                "up{" + DESTINATION_MATCHERS + ",job=\"prometheus\"}");

        assertEquals(1, result.size(), () -> "series: " + result);
        Map<String, String> labels = metric(result.get(0));
        assertEquals("up", labels.get("__name__"));
        assertEquals("prometheus", labels.get("job"));
        assertEquals("127.0.0.1:" + source.port(), labels.get("instance"));
        assertEquals("promDB", labels.get(DB_LABEL));
        assertEquals("promTable", labels.get(TABLE_LABEL));
        assertEquals("1", value(result.get(0)));
    }

    @Test
    void regexMatcherOnTheNameSelectsOnlyMatchingSeries() throws Exception {
        List<Map<String, Object>> result = instant(reader,
                "{__name__=~\"prometheus_tsdb_head_.*\"," + DESTINATION_MATCHERS + "}");

        assertTrue(result.size() >= 3, () -> "expected several series, got " + result);
        Pattern regex = Pattern.compile("prometheus_tsdb_head_.*");
        for (Map<String, Object> series : result) {
            String name = metric(series).get("__name__");
            assertTrue(regex.matcher(name).matches(), () -> name + " does not match the regex");
        }
        assertTrue(result.stream().map(s -> metric(s).get("__name__")).distinct().count() >= 3,
                () -> "expected several metric names, got " + result);
    }

    @Test
    void negativeMatcherExcludesOnlyTheNamedValue() throws Exception {
        assertFalse(instant(reader, "up{" + DESTINATION_MATCHERS + ",job!=\"nope\"}").isEmpty());
        assertEquals(List.of(), instant(reader, "up{" + DESTINATION_MATCHERS + ",job!=\"prometheus\"}"));
    }

    @Test
    void destinationMatchersThatNameAnotherTableFindNothing() throws Exception {
        assertEquals(List.of(), instant(reader,
                "up{" + DB_LABEL + "=\"promDB\"," + TABLE_LABEL + "=\"otherTable\",job=\"prometheus\"}"));
    }

    /**
     * The reader must give the source's own answer: same series and values. Series whose value is not finite
     * at the source (e.g. summary quantiles without observations are NaN) are left out: Timestream cannot
     * store such values, so the connector drops them by design.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "up{job=\"prometheus\"}",
            "{__name__=~\"prometheus_tsdb_head_.*\"}",
            "prometheus_http_requests_total{job=\"prometheus\",code=~\"2..\"}",
            "{__name__=~\"go_.*|process_.*\",job!=\"nope\"}"})
    void readerAnswersLikeTheSource(String selector) throws Exception {
        List<Map<String, Object>> sourceAnswer = instant(source, selector);
        Map<Map<String, String>, String> expected = finiteSeries(sourceAnswer);
        assertFalse(expected.isEmpty(), () -> "the source has no finite series for " + selector);
        System.out.printf("%s: comparing %d series (%d with a non-finite value left out)%n",
                selector, expected.size(), sourceAnswer.size() - expected.size());
        String throughConnector = withDestination(selector);

        long deadline = System.nanoTime() + AGREEMENT_TIMEOUT.toNanos();
        Map<Map<String, String>, String> actual;
        do {
            actual = new TreeMap<>(RealPrometheusTest::compareLabels);
            for (Map<String, Object> series : instant(reader, throughConnector)) {
                Map<String, String> labels = new TreeMap<>(metric(series));
                assertEquals("promDB", labels.remove(DB_LABEL), () -> "series " + series);
                assertEquals("promTable", labels.remove(TABLE_LABEL), () -> "series " + series);
                actual.put(labels, value(series));
            }
            if (actual.equals(expected)) {
                return;
            }
            // samples of one scrape can reach the connector in several requests: wait for the stragglers
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        assertEquals(expected, actual, "reader answer for " + throughConnector + " at " + evalMs
                + " differs from the source's answer for " + selector);
    }

    /** Evaluated up to now rather than at the instant queries' time, so that the rate has samples to use. */
    @Test
    void rangeQueryOfARateReturnsData() throws Exception {
        String query = "rate(prometheus_http_requests_total{" + DESTINATION_MATCHERS
                + ",job=\"prometheus\",handler=\"/metrics\"}[30s])";
        long deadline = System.nanoTime() + AGREEMENT_TIMEOUT.toNanos();
        List<Double> rates = new ArrayList<>();
        List<Object> result;
        do {
            long end = System.currentTimeMillis();
            Map<String, Object> data = reader.api("/api/v1/query_range", Map.of(
                    "query", query,
                    "start", seconds(end - 30_000),
                    "end", seconds(end),
                    "step", "1"));
            assertEquals("matrix", data.get("resultType"));
            result = Json.array(data.get("result"));
            rates.clear();
            for (Object series : result) {
                for (Object point : Json.array(Json.object(series).get("values"))) {
                    rates.add(Double.valueOf((String) Json.array(point).get(1)));
                }
            }
            if (rates.stream().anyMatch(r -> r > 0)) {
                return;
            }
            // a rate needs two scrapes in its window: wait for the next ones
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        fail("no positive rate of scrapes for " + query + " within " + AGREEMENT_TIMEOUT + ": " + result);
    }

    private static List<Map<String, Object>> instant(PrometheusServer server, String query) throws Exception {
        Map<String, Object> data = server.api("/api/v1/query", Map.of("query", query, "time", seconds(evalMs)));
        assertEquals("vector", data.get("resultType"), () -> "answer to " + query + ": " + data);
        return Json.array(data.get("result")).stream().map(Json::object).toList();
    }

    private static Map<Map<String, String>, String> finiteSeries(List<Map<String, Object>> result) {
        Map<Map<String, String>, String> out = new TreeMap<>(RealPrometheusTest::compareLabels);
        for (Map<String, Object> series : result) {
            String v = value(series);
            if (Double.isFinite(Double.parseDouble(v))) {
                out.put(new TreeMap<>(metric(series)), v);
            }
        }
        return out;
    }

    private static int compareLabels(Map<String, String> a, Map<String, String> b) {
        return a.toString().compareTo(b.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> metric(Map<String, Object> series) {
        return (Map<String, String>) (Map<String, ?>) Json.object(series.get("metric"));
    }

    private static String value(Map<String, Object> series) {
        return (String) Json.array(series.get("value")).get(1);
    }

    /** Adds the destination matchers to a selector such as {@code up{job="x"}} or {@code {__name__=~"x"}}. */
    private static String withDestination(String selector) {
        int brace = selector.indexOf('{');
        return selector.substring(0, brace + 1) + DESTINATION_MATCHERS + "," + selector.substring(brace + 1);
    }

    /** Prometheus API time: seconds with millisecond precision. */
    private static String seconds(long ms) {
        return String.format("%d.%03d", ms / 1000, ms % 1000);
    }
}
