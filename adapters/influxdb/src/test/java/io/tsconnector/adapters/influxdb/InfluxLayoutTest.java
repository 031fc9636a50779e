package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.IgnoreReason;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.domain.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stored layout, checked with InfluxQL's SHOW statements on a real influxd, and label values that line
 * protocol must escape written and read back unaltered, or refused when it cannot carry them.
 */
class InfluxLayoutTest {
    private static final long T0 = 1_795_595_300_000L;
    private static InfluxServer server;
    private static InfluxHttp http;
    private static InfluxSeriesWriter writer;

    @BeforeAll
    static void start() {
        server = InfluxServer.start();
        http = new InfluxHttp(InfluxSettings.of(server.uri(), InfluxCredentials.none()).withGzipMinBytes(0));
        writer = new InfluxSeriesWriter(http);
    }

    @AfterAll
    static void stop() {
        if (writer != null) {
            writer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static StoreResult write(Destination d, TimeSeries... series) {
        return writer.write(Map.of(d, List.of(series)));
    }

    private static List<TimeSeries> read(Destination d, Matcher... matchers) {
        List<TimeSeries> out = new ArrayList<>();
        new InfluxSeriesReader(http).read(d, SeriesQuery.of(T0 - 1000, T0 + 1000, matchers), out::add);
        return out;
    }

    @Test
    void layoutIsTheOneOfAwsLiveAnalyticsMigration() {
        server.createDatabase("layoutdb");
        Destination d = new Destination("layoutdb", "node_metrics");
        StoreResult r = write(d, new TimeSeries(Labels.of("__name__", "up", "job", "node", "instance", "h:9100"),
                List.of(new Sample(T0 + 123, 1))));
        assertEquals(1, r.written(), r.toString());
        assertEquals("{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"measurements\",\"columns\":[\"name\"],"
                + "\"values\":[[\"node_metrics\"]]}]}]}\n", server.query("layoutdb", "SHOW MEASUREMENTS"));
        assertEquals("{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"node_metrics\",\"columns\":[\"tagKey\"],"
                + "\"values\":[[\"instance\"],[\"job\"],[\"measure_name\"]]}]}]}\n", server.query("layoutdb", "SHOW TAG KEYS"));
        assertEquals("{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"node_metrics\",\"columns\":[\"fieldKey\","
                + "\"fieldType\"],\"values\":[[\"measure_value::double\",\"float\"]]}]}]}\n",
                server.query("layoutdb", "SHOW FIELD KEYS"));
        assertEquals("{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"node_metrics\",\"columns\":[\"key\",\"value\"],"
                + "\"values\":[[\"measure_name\",\"up\"]]}]}]}\n",
                server.query("layoutdb", "SHOW TAG VALUES WITH KEY = \"measure_name\""));
        assertTrue(server.query("layoutdb", "SELECT * FROM node_metrics").contains("[\"2026-11-25T08:28:20.123Z\",\"h:9100\",\"node\",\"up\",1]"),
                "millisecond time, tags and field in one point");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a,b", "a=b", "a b", " lead", "trail ", "a\\b", "C:\\Windows\\x", "\"q\"", "it's", "#x",
        "cr\rand", "Zürich 東京 🙂", "a\\,", "=,= ,", "/slash/", "*?[]{}()^$|+."})
    void escapedValueComesBackUnaltered(String value) {
        server.createDatabase("escdb");
        Destination d = new Destination("escdb", "esc table,1");
        Labels labels = Labels.of("__name__", "esc metric", "v", value, "key with space,comma=eq", value);
        Violation v = LineProtocol.check(labels);
        if (value.equals("a\\,")) {
            assertNotNull(v, "a backslash before a comma is refused");
            return;
        }
        assertNull(v, "storable");
        assertEquals(1, write(d, new TimeSeries(labels, List.of(new Sample(T0, 7)))).written());
        List<TimeSeries> got = read(d, Matcher.eq("__name__", "esc metric"), Matcher.eq("v", value));
        assertEquals(1, got.size(), "read back by equality: " + got);
        assertEquals(labels, got.get(0).labels());
        assertEquals(List.of(), read(d, Matcher.eq("__name__", "esc metric"),
                Matcher.eq("key with space,comma=eq", value), Matcher.neq("v", value)), "not equal");
        assertEquals(1, read(d, Matcher.eq("__name__", "esc metric"), Matcher.re("v", java.util.regex.Pattern.quote(value)))
                .size(), "read back by a quoted regex");
        assertEquals(1, read(d, Matcher.eq("__name__", "esc metric"), Matcher.re("v", InfluxQl.exactRegex(value)
                .replace("\\/", "/"))).size(), "read back by an escaped regex");
    }

    @Test
    void aLabelNamedTimeInAnotherCaseIsMatchedAndReadBack() {
        // InfluxQL reads "Time" in a condition as the time column
        server.createDatabase("timedb");
        Destination d = new Destination("timedb", "t");
        TimeSeries a = new TimeSeries(Labels.of("__name__", "tm", "Time", "a"), List.of(new Sample(T0, 1)));
        TimeSeries b = new TimeSeries(Labels.of("__name__", "tm", "Time", "b", "x", "1"), List.of(new Sample(T0, 2)));
        assertEquals(2, write(d, a, b).written());
        assertEquals(List.of(a), read(d, Matcher.eq("__name__", "tm"), Matcher.eq("Time", "a")));
        assertEquals(List.of(b), read(d, Matcher.eq("__name__", "tm"), Matcher.neq("Time", "a")));
        assertEquals(List.of(a, b), read(d, Matcher.eq("__name__", "tm"), Matcher.re("TIME", "")));
        assertEquals(List.of(), read(d, Matcher.eq("__name__", "tm"), Matcher.re("TIME", ".+")));
        // the plan of a statement per series cannot name these series: one SELECT, no sample twice
        List<TimeSeries> got = new ArrayList<>();
        new InfluxSeriesReader(http, 0, true).read(d, SeriesQuery.of(T0 - 1000, T0 + 1000, Matcher.eq("__name__", "tm")),
                got::add);
        assertEquals(List.of(a, b), got);
    }

    @Test
    void valuesLineProtocolCannotCarryAreRefusedNotAltered() {
        for (String bad : List.of("line\nbreak", "tab\tx", "ends\\", "a\\\\b", "a\\ b", "a\\=b")) {
            Violation v = LineProtocol.check(Labels.of("__name__", "m", "v", bad));
            assertNotNull(v, bad);
            assertEquals(IgnoreReason.UNSTORABLE_LABEL, v.reason());
            assertTrue(v.message().contains("label 'v'"), v.message());
        }
        assertNotNull(LineProtocol.check(Labels.of("__name__", "m\nx")), "metric name with a newline");
        assertNotNull(LineProtocol.check(Labels.of("__name__", "m", "a\nb", "x")), "label name with a newline");
        assertNotNull(LineProtocol.check(Labels.of("__name__", "m", "v", "x".repeat(70_000))), "series key over 64 KiB");
        server.createDatabase("refusedb");
        Destination d = new Destination("refusedb", "t");
        StoreResult r = write(d, new TimeSeries(Labels.of("__name__", "m", "v", "line\nbreak"), List.of(new Sample(T0, 1))),
                new TimeSeries(Labels.of("__name__", "m", "v", "fine"), List.of(new Sample(T0, 2))));
        assertEquals(1, r.written());
        assertEquals(1, r.rejected());
        assertEquals(List.of(Labels.of("__name__", "m", "v", "fine")), read(d, Matcher.eq("__name__", "m")).stream()
                .map(TimeSeries::labels).toList());
    }

    @Test
    void retentionPolicyIsWhereWritesGoAndReadsLook() {
        server.createDatabase("rpdb");
        server.query("rpdb", "CREATE RETENTION POLICY \"short\" ON \"rpdb\" DURATION 1000d REPLICATION 1");
        InfluxHttp withRp = new InfluxHttp(InfluxSettings.of(server.uri(), InfluxCredentials.none()).withRetentionPolicy("short"));
        Destination d = new Destination("rpdb", "t");
        TimeSeries s = new TimeSeries(Labels.of("__name__", "kept"), List.of(new Sample(T0, 3)));
        try (InfluxSeriesWriter w = new InfluxSeriesWriter(withRp)) {
            assertEquals(1, w.write(Map.of(d, List.of(s))).written());
        }
        assertTrue(server.query("rpdb", "SELECT COUNT(*) FROM \"short\".\"t\"").contains(",1]"), "stored in the policy");
        List<TimeSeries> got = new ArrayList<>();
        new InfluxSeriesReader(withRp).read(d, SeriesQuery.of(T0, T0, Matcher.eq("__name__", "kept")), got::add);
        assertEquals(List.of(s), got);
        assertEquals(List.of(), read(d, Matcher.eq("__name__", "kept")), "not in the default policy");
    }

    @Test
    void tableThatWouldBeACommentLineOrASystemSourceFailsTheDestination() {
        server.createDatabase("commentdb");
        for (String table : List.of("#t", "_series", "_tagKeys")) {
            StoreResult r = write(new Destination("commentdb", table), new TimeSeries(Labels.of("__name__", "m"),
                    List.of(new Sample(T0, 1))));
            assertEquals(0, r.written(), table);
            assertEquals(1, r.failures().size(), table);
            assertEquals(NeverRetryException.Kind.INVALID, ((NeverRetryException) r.failures().get(0)).kind(), table);
        }
        // what influxd says of a SELECT from such a name
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> server.query("commentdb", "SELECT * FROM \"_series\""));
        assertTrue(refused.getMessage().contains("unable to use system source"), refused.getMessage());
    }
}
