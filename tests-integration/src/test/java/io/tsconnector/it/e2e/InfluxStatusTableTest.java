package io.tsconnector.it.e2e;

import static io.tsconnector.it.support.RemoteWriteClient.body;
import static io.tsconnector.it.support.RemoteWriteClient.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.influxdb.InfluxCredentials;
import io.tsconnector.adapters.influxdb.InfluxHttp;
import io.tsconnector.adapters.influxdb.InfluxSeriesReader;
import io.tsconnector.adapters.influxdb.InfluxSeriesWriter;
import io.tsconnector.adapters.influxdb.InfluxServer;
import io.tsconnector.adapters.influxdb.InfluxSettings;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.it.fake.InfluxFaultProxy;
import io.tsconnector.it.support.RemoteCalls;
import io.tsconnector.it.support.RemoteWriteClient;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The status table of {@code --storage=influxdb}, row by row, through the connector's HTTP server into a
 * real influxd: partial write -> 400 with counts, 401/403 -> 403, database not found -> 404, 413 -> the batch
 * is split and stored, 429, 5xx, timeouts and resets -> 503 with Retry-After. What influxd cannot be made to
 * answer is injected by a proxy in front of it.
 */
class InfluxStatusTableTest {
    private static final String DB = "promdb";
    private static final String SHORT_DB = "shortdb";
    private static final String TABLE = "metrics";
    private static final long NOW = System.currentTimeMillis() / 1000 * 1000;

    private static InfluxServer influx;
    private static InfluxFaultProxy proxy;
    private static InfluxSeriesWriter writer;
    private static Connector connector;
    private static RemoteWriteClient client;

    @BeforeAll
    static void start() throws Exception {
        influx = InfluxServer.start();
        influx.createDatabase(DB);
        // the shortest retention InfluxDB allows: older points are refused, the others stored (a partial write)
        influx.query(null, "CREATE DATABASE " + SHORT_DB + " WITH DURATION 1h");
        proxy = new InfluxFaultProxy(influx.uri());
        InfluxHttp http = new InfluxHttp(InfluxSettings.of(proxy.uri(), InfluxCredentials.token("t0ken-secret"))
                .withRetries(1, 1).withTimeout(Duration.ofMillis(800)).withBatchPoints(50).withGzipMinBytes(-1));
        writer = new InfluxSeriesWriter(http);
        connector = Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels(RemoteWriteClient.DATABASE_LABEL, RemoteWriteClient.TABLE_LABEL)
                .withWritePolicy(WritePolicy.DEFAULT), writer, new InfluxSeriesReader(http));
        client = new RemoteWriteClient(connector.uri());
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        if (writer != null) {
            writer.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (influx != null) {
            influx.close();
        }
    }

    @BeforeEach
    void heal() {
        proxy.heal();
        proxy.seen.clear();
    }

    private static byte[] samples(String db, String metric, long... times) {
        double[] values = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            values[i] = i + 0.5;
        }
        return body(List.of(series(db, TABLE, metric, List.of("job", "api"), times, values)));
    }

    private static long stored(String db, String metric) {
        String json = influx.query(db, "SELECT COUNT(\"measure_value::double\") FROM " + TABLE
                + " WHERE measure_name = '" + metric + "'");
        java.util.regex.Matcher m = Pattern.compile("\\[\\s*\"[^\"]+\",\\s*(\\d+)\\s*]").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void assertRetryLater(HttpResponse<String> r) {
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(null), "Retry-After");
    }

    @Test
    void storedAnswers204AndSendsTheTokenToInflux() {
        HttpResponse<String> r = client.write(samples(DB, "ok_total", NOW, NOW + 1000));
        assertEquals(204, r.statusCode(), r.body());
        assertEquals(2, stored(DB, "ok_total"));
        assertEquals("Token t0ken-secret", proxy.seen.get(0).authorization());
        assertEquals("/write", proxy.seen.get(0).path());
    }

    @Test
    void partialWriteAnswers400WithCounts() {
        HttpResponse<String> r = client.write(samples(SHORT_DB, "partial_total", NOW - 3 * 3_600_000L, NOW));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("refused 1 of 2 points"), r.body());
        assertTrue(r.body().contains("retention policy"), r.body());
        assertEquals("1", r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(null));
        assertEquals(1, stored(SHORT_DB, "partial_total"), "the point inside the retention is stored");
    }

    @Test
    void anInfluxDb2PartialWrite422AnswersLike400WithCounts() {
        proxy.influxDb2Unparsable = "\u0000never";
        HttpResponse<String> r = client.write(samples(SHORT_DB, "partial2_total", NOW - 3 * 3_600_000L, NOW));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("refused 1 of 2 points"), r.body());
        assertTrue(r.body().contains("retention policy"), r.body());
        assertEquals("1", r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(null));
        assertEquals(1, stored(SHORT_DB, "partial2_total"));
    }

    @Test
    void linesInfluxDb2CouldNotParseAreRefusedAndTheOthersOfTheirRequestStored() {
        // InfluxDB 2 stores nothing of a request with a line it cannot parse, and names every such line
        proxy.influxDb2Unparsable = "job=poison";
        assertOnlyThePoisonedSeriesIsRefused("good2_total", "invalid tag format", 2);
    }

    @Test
    void linesInfluxDb3CouldNotParseAreRefusedOneByOneAndTheOthersStored() {
        // InfluxDB 3 stores nothing of a request with a line it cannot parse, and names the first such line:
        // that line's series is left out of the next request
        proxy.influxDb3Unparsable = "job=poison";
        assertOnlyThePoisonedSeriesIsRefused("good3_total", "Expected at least one space character", 2);
    }

    @Test
    void anInfluxDb3ThatGoesOnRefusingIsSentABoundedNumberOfRequests() {
        proxy.influxDb3Unparsable = "job=poison";
        List<io.tsconnector.proto.prometheus.TimeSeries> many = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(series(DB, TABLE, "refused3_total", List.of("job", "poison" + i), new long[] {NOW}, new double[] {i}));
        }
        HttpResponse<String> r = client.write(body(many));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("could not parse"), r.body());
        assertEquals(InfluxSeriesWriter.MAX_RESENDS + 1, proxy.seen.stream().filter(s -> s.path().equals("/write")).count());
    }

    /** Three series of 3 samples in one request, the second of them refused: the other 6 samples are stored. */
    private static void assertOnlyThePoisonedSeriesIsRefused(String metric, String reason, int writes) {
        long[] times = {NOW, NOW + 1000, NOW + 2000};
        double[] values = {1, 2, 3};
        HttpResponse<String> r = client.write(body(List.of(
                series(DB, TABLE, metric, List.of("job", "api"), times, values),
                series(DB, TABLE, metric, List.of("job", "poison"), times, values),
                series(DB, TABLE, metric, List.of("job", "web"), times, values))));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains(reason), r.body());
        assertEquals("6", r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(null));
        assertEquals(6, stored(DB, metric), "the other series of the request are stored");
        assertEquals(writes, proxy.seen.stream().filter(s -> s.path().equals("/write")).count(), "write requests");
    }

    @Test
    void missingDatabaseAnswers404() {
        HttpResponse<String> r = client.write(samples("nosuchdb", "lost_total", NOW));
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("database not found"), r.body());
        assertTrue(r.body().contains("may not read and write the bucket"), "the InfluxDB 2 reading of it: " + r.body());
    }

    @Test
    void tooLargeBatchIsSplitUntilInfluxTakesItAndEverythingIsStored() {
        proxy.maxBodyBytes = 1500;
        long[] times = new long[200];
        for (int i = 0; i < times.length; i++) {
            times[i] = NOW + i;
        }
        HttpResponse<String> r = client.write(samples(DB, "split_total", times));
        assertEquals(204, r.statusCode(), r.body());
        assertEquals(200, stored(DB, "split_total"));
        assertTrue(proxy.seen.stream().anyMatch(s -> s.bodyBytes() > 1500), "some requests were too large");
        assertTrue(proxy.seen.stream().filter(s -> s.path().equals("/write")).count() > 4, "and were split");
    }

    static Stream<Arguments> injected() {
        return Stream.of(
                Arguments.of("401 unauthorized", (Consumer<InfluxFaultProxy>) p -> p.status = 401, 403),
                Arguments.of("403 forbidden", (Consumer<InfluxFaultProxy>) p -> p.status = 403, 403),
                Arguments.of("429 too many requests", (Consumer<InfluxFaultProxy>) p -> p.status = 429, 503),
                Arguments.of("500 internal error", (Consumer<InfluxFaultProxy>) p -> p.status = 500, 503),
                Arguments.of("503 unavailable", (Consumer<InfluxFaultProxy>) p -> p.status = 503, 503),
                Arguments.of("timeout", (Consumer<InfluxFaultProxy>) p -> p.delayMs = 3_000, 503),
                Arguments.of("connection reset", (Consumer<InfluxFaultProxy>) p -> p.reset = true, 503));
    }

    @ParameterizedTest(name = "write: {0} -> {2}")
    @MethodSource("injected")
    void injectedWriteFault(String name, Consumer<InfluxFaultProxy> fault, int expected) {
        fault.accept(proxy);
        HttpResponse<String> r = client.write(samples(DB, "fault_total", NOW));
        if (expected == 503) {
            assertRetryLater(r);
            assertEquals(2, proxy.seen.size(), "one retry after the first attempt");
        } else {
            assertEquals(expected, r.statusCode(), r.body());
            assertEquals(1, proxy.seen.size(), "no retry");
        }
    }

    private static RemoteCalls.Answer read(String db) {
        return RemoteCalls.read(connector.uri(), RemoteCalls.readRequest(List.of(SeriesQuery.of(NOW - 60_000, NOW + 60_000,
                Matcher.eq("__name__", "ok_total"), Matcher.eq(RemoteWriteClient.DATABASE_LABEL, db),
                Matcher.eq(RemoteWriteClient.TABLE_LABEL, TABLE)))));
    }

    @ParameterizedTest(name = "read: {0} -> {2}")
    @MethodSource("injected")
    void injectedReadFault(String name, Consumer<InfluxFaultProxy> fault, int expected) {
        fault.accept(proxy);
        RemoteCalls.Answer a = read(DB);
        assertEquals(expected, a.status(), a.text());
        assertEquals(expected == 503 ? 2 : 1, proxy.seen.size(), "attempts");
    }

    @Test
    void aReadWhoseAnswerWasCutWhereAPartEndsAnswers503() {
        assertEquals(204, client.write(samples(DB, "ok_total", NOW)).statusCode());
        proxy.dropLastQueryLine = true;
        RemoteCalls.Answer a = read(DB);
        assertEquals(503, a.status(), a.text());
        assertTrue(a.text().contains("ended before it was complete"), a.text());
        proxy.heal();
        assertEquals(200, read(DB).status());
    }

    @Test
    void readOfMissingDatabaseAnswers404AndOfAnEmptyOneAnswers200() {
        RemoteCalls.Answer missing = read("nosuchdb");
        assertEquals(404, missing.status(), missing.text());
        assertEquals(200, read(DB).status());
    }
}
