package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A read from a server that names no version, against a stand-in that answers as InfluxDB 3 does where it
 * differs from 1.x: a condition on a tag key the table does not have selects nothing, a regex is read by another
 * engine (here: one that selects every series), no {@code X-Influxdb-Version}, and the chunks of an answer one
 * after another. The connector must still answer what Prometheus answers, and send neither such conditions nor
 * such regexes, and no statement longer than a day.
 */
class InfluxDb3ReadTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final Destination DEST = new Destination("db", "m");

    private HttpServer server;
    private final List<String> statements = new CopyOnWriteArrayList<>();
    /** The query strings of writes and the forms of queries, as sent. */
    private final List<String> sent = new CopyOnWriteArrayList<>();
    /** What {@code /ping} names as the version (InfluxDB 3 names it only there), or null: no {@code /ping}. */
    private volatile String pingVersion;
    /** What {@code /write} names as the version, or null. */
    private volatile String writeVersion;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/query", this::query);
        server.createContext("/ping", ex -> {
            try (ex) {
                if (pingVersion != null) {
                    ex.getResponseHeaders().add("X-Influxdb-Version", pingVersion);
                }
                ex.sendResponseHeaders(pingVersion == null ? 404 : 204, -1);
            }
        });
        server.createContext("/write", ex -> {
            try (ex) {
                sent.add(ex.getRequestURI().getQuery());
                ex.getRequestBody().readAllBytes();
                if (writeVersion != null) {
                    ex.getResponseHeaders().add("X-Influxdb-Version", writeVersion);
                }
                ex.sendResponseHeaders(204, -1);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void query(HttpExchange ex) throws IOException {
        String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        sent.add(form);
        String q = null;
        for (String pair : form.split("&")) {
            if (pair.startsWith("q=")) {
                q = URLDecoder.decode(pair.substring(2), StandardCharsets.UTF_8);
            }
        }
        StringBuilder answer = new StringBuilder();
        String[] all = q.split(";");
        for (int i = 0; i < all.length; i++) {
            statements.add(all[i]);
            answer.append(answer(all[i]).replace("\"statement_id\":0", "\"statement_id\":" + i));
        }
        byte[] body = answer.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** The table has the tag keys measure_name, job and zone; two series: up{job=api} and up{job=web,zone=a}. */
    private static String answer(String statement) {
        if (statement.startsWith("SHOW TAG KEYS")) {
            return "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\",\"columns\":[\"tagKey\"],"
                    + "\"values\":[[\"job\"],[\"measure_name\"],[\"zone\"]]}]}]}";
        }
        if (statement.contains("\"nosuch\"")) {
            return "{\"results\":[{\"statement_id\":0}]}"; // a key the table lacks: NULL, nothing selected
        }
        java.util.regex.Matcher range = java.util.regex.Pattern.compile("time >= (-?\\d+)ms AND time <= (-?\\d+)ms")
                .matcher(statement);
        if (range.find() && (T0 < Long.parseLong(range.group(1)) || T0 > Long.parseLong(range.group(2)))) {
            return "{\"results\":[{\"statement_id\":0}]}"; // the points are at T0
        }
        String column = statement.startsWith("SELECT first(") ? "first" : "measure_value::double";
        // any regex is taken to select everything: what the connector decides itself must not be left to it
        return "{\"results\":[{\"statement_id\":0,\"series\":["
                + "{\"name\":\"m\",\"tags\":{\"job\":\"api\",\"measure_name\":\"up\",\"zone\":\"\"},\"columns\":[\"time\",\""
                + column + "\"],\"values\":[[" + T0 + ",1.5]]},"
                + "{\"name\":\"m\",\"tags\":{\"job\":\"web\",\"measure_name\":\"up\",\"zone\":\"a\"},\"columns\":[\"time\",\""
                + column + "\"],\"values\":[[" + T0 + ",2.5]]}]}]}";
    }

    private InfluxSettings settings() {
        return InfluxSettings.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), InfluxCredentials.none());
    }

    private List<TimeSeries> read(long start, long end, Matcher... matchers) {
        return read(new InfluxHttp(settings()), start, end, matchers);
    }

    private static List<TimeSeries> read(InfluxHttp http, long start, long end, Matcher... matchers) {
        List<TimeSeries> out = new ArrayList<>();
        new InfluxSeriesReader(http).read(DEST, SeriesQuery.of(start, end, matchers), out::add);
        return out;
    }

    private static final TimeSeries API = new TimeSeries(Labels.of("__name__", "up", "job", "api"),
            List.of(new Sample(T0, 1.5)));
    private static final TimeSeries WEB = new TimeSeries(Labels.of("__name__", "up", "job", "web", "zone", "a"),
            List.of(new Sample(T0, 2.5)));

    @Test
    void aMatcherOnAKeyTheTableLacksIsLeftOutWhenItMatchesAnAbsentLabel() {
        assertEquals(List.of(API, WEB), read(T0, T0, Matcher.eq("__name__", "up"), Matcher.neq("nosuch", "x")));
        assertEquals(List.of(API, WEB), read(T0, T0, Matcher.eq("__name__", "up"), Matcher.eq("nosuch", "")));
        assertEquals(List.of(API, WEB), read(T0, T0, Matcher.eq("__name__", "up"), Matcher.nre("nosuch", "x.*")));
        assertTrue(statements.stream().noneMatch(s -> s.contains("nosuch")), statements.toString());
        statements.clear();
        assertEquals(List.of(), read(T0, T0, Matcher.eq("__name__", "up"), Matcher.eq("nosuch", "x")));
        assertEquals(List.of("SHOW TAG KEYS FROM \"m\""), statements, "nothing can match: no SELECT");
    }

    @Test
    void aRegexInfluxDb3ReadsOtherwiseIsDecidedByTheConnector() {
        assertEquals(List.of(API), read(T0, T0, Matcher.eq("__name__", "up"), Matcher.re("job", "a\\w+\\b")));
        assertEquals(List.of(WEB), read(T0, T0, Matcher.eq("__name__", "up"), Matcher.nre("job", "\\Aa.*")));
        assertTrue(statements.stream().noneMatch(s -> s.contains("=~") || s.contains("!~")), statements.toString());
        // one InfluxDB 3 reads as RE2 does is asked, and its answer checked again
        statements.clear();
        assertEquals(List.of(API), read(T0, T0, Matcher.eq("__name__", "up"), Matcher.re("job", "ap.")));
        assertTrue(statements.stream().anyMatch(s -> s.contains("\"job\" =~ /^(?:ap.)$/")), statements.toString());
    }

    @Test
    void aRetentionPolicyIsNotSentToInfluxDb3ButToOtherServers() {
        // InfluxDB 3 would write into a database "db/weekly" and read "db"
        pingVersion = "3.2.0";
        InfluxHttp http = new InfluxHttp(settings().withRetentionPolicy("weekly"));
        try (InfluxSeriesWriter writer = new InfluxSeriesWriter(http)) {
            assertEquals(1, writer.write(java.util.Map.of(DEST, List.of(API))).written());
        }
        assertEquals(List.of(API), read(http, T0, T0, Matcher.eq("__name__", "up"), Matcher.eq("job", "api")));
        assertTrue(sent.size() >= 3, sent.toString());
        assertTrue(sent.stream().noneMatch(s -> s.contains("rp=")), sent.toString());
        // a server that names no version gets it
        sent.clear();
        pingVersion = null;
        read(new InfluxHttp(settings().withRetentionPolicy("weekly")), T0, T0, Matcher.eq("__name__", "up"));
        assertTrue(!sent.isEmpty() && sent.stream().allMatch(s -> s.contains("rp=weekly")), sent.toString());
    }

    @Test
    void aVersionOfInfluxDb1IsForgottenOnceAnAnswerNamesNone() {
        // the server behind the URL was an InfluxDB 1.8 and is now one that names no version in its answers
        writeVersion = "1.8.10";
        InfluxHttp http = new InfluxHttp(settings());
        try (InfluxSeriesWriter writer = new InfluxSeriesWriter(http)) {
            assertEquals(1, writer.write(java.util.Map.of(DEST, List.of(API))).written());
        }
        assertEquals("1.8.10", http.knownVersion());
        read(http, T0, T0, Matcher.eq("__name__", "up"));
        assertEquals(null, http.knownVersion(), "a /query answer without a version");
        statements.clear();
        assertEquals(List.of(API, WEB), read(http, T0, T0, Matcher.eq("__name__", "up"), Matcher.neq("nosuch", "x")));
        assertEquals("SHOW TAG KEYS FROM \"m\"", statements.get(0), "read as a server that names no version");
    }

    @Test
    void noStatementCoversMoreThanADay() {
        long week = 7 * 24 * 3_600_000L;
        assertEquals(List.of(API, WEB), read(T0 - week, T0, Matcher.eq("__name__", "up")));
        List<String> selects = statements.stream().filter(s -> s.startsWith("SELECT")).toList();
        assertTrue(selects.size() >= 14, "7 days of discovery and of points: " + selects);
        for (String s : selects) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("time >= (-?\\d+)ms AND time <= (-?\\d+)ms").matcher(s);
            assertTrue(m.find(), s);
            assertTrue(Long.parseLong(m.group(2)) - Long.parseLong(m.group(1)) < InfluxSeriesReader.SLICE_MS, s);
        }
        assertFalse(statements.stream().anyMatch(s -> s.contains("SLIMIT")), "InfluxDB 3 has no SLIMIT");
    }
}
