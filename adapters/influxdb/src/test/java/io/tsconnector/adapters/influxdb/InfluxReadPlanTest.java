package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two ways a read is asked of a real influxd (a statement per series, one SELECT of all), each answered in
 * MessagePack and in JSON, give exactly what the query selects of the written data, with one request or several
 * at once, split by time or not: on series whose tag sets contain each other, tag values InfluxQL must escape,
 * series without points in range.
 */
class InfluxReadPlanTest {
    private static final Destination DEST = new Destination("plan", "m");
    private static final long T0 = 1_795_595_300_000L;
    private static final long HOUR = 3_600_000L;
    private static InfluxServer server;
    private static InfluxSettings settings;
    private static final List<TimeSeries> WRITTEN = new ArrayList<>();

    @BeforeAll
    static void load() {
        server = InfluxServer.start();
        server.createDatabase(DEST.database());
        settings = InfluxSettings.of(server.uri(), InfluxCredentials.none());
        add(Labels.of("__name__", "up", "job", "api"), 0, 300);
        add(Labels.of("__name__", "up", "job", "api", "instance", "a:1"), 1, 300);
        add(Labels.of("__name__", "up", "job", "api", "instance", "a:1", "zone", "z 1"), 2, 300);
        add(Labels.of("__name__", "up", "job", "db", "instance", "b,2=x"), 3, 5);
        add(Labels.of("__name__", "up", "job", "it's \"q\"", "instance", "c\rd"), 4, 70);
        add(Labels.of("__name__", "up", "zone", "z 1"), 5, 1);
        add(Labels.of("__name__", "other", "job", "api"), 6, 300);
        InfluxSeriesWriter writer = new InfluxSeriesWriter(new InfluxHttp(settings));
        try {
            long samples = WRITTEN.stream().mapToLong(s -> s.samples().size()).sum();
            assertEquals(samples, writer.write(Map.of(DEST, WRITTEN)).written());
        } finally {
            writer.close();
        }
        // a series that has points only outside the ranges read below
        TimeSeries late = new TimeSeries(Labels.of("__name__", "up", "job", "late"), List.of(new Sample(T0 + 100 * HOUR, 1)));
        writer = new InfluxSeriesWriter(new InfluxHttp(settings));
        try {
            assertEquals(1, writer.write(Map.of(DEST, List.of(late))).written());
        } finally {
            writer.close();
        }
        WRITTEN.add(late);
    }

    /** A series with one point every {@code 5 h / n}, from T0 to T0 + 5 h. */
    private static void add(Labels labels, int seed, int n) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(new Sample(T0 + i * (5 * HOUR / n) + seed, seed * 1000 + i * 0.5));
        }
        WRITTEN.add(new TimeSeries(labels, samples));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Stream<Arguments> queries() {
        List<SeriesQuery> queries = List.of(
                SeriesQuery.of(T0, T0 + 5 * HOUR, Matcher.eq("__name__", "up")),
                SeriesQuery.of(T0, T0 + 5 * HOUR, Matcher.eq("__name__", "up"), Matcher.eq("instance", "")),
                SeriesQuery.of(T0, T0 + 5 * HOUR, Matcher.eq("__name__", "up"), Matcher.neq("zone", "z 1")),
                SeriesQuery.of(T0, T0 + 5 * HOUR, Matcher.re("__name__", "up|other"), Matcher.re("job", "a.*|it.*")),
                SeriesQuery.of(T0, T0 + 5 * HOUR, Matcher.nre("job", "api")),
                SeriesQuery.of(T0 + HOUR + 1, T0 + 3 * HOUR, Matcher.eq("job", "api")),
                SeriesQuery.of(T0, T0 + 5 * HOUR, Matcher.eq("instance", "c\rd")),
                SeriesQuery.of(T0, T0 + 5 * HOUR, Matcher.eq("instance", "a:1"), Matcher.eq("zone", "")),
                SeriesQuery.of(T0, T0 + 5 * HOUR, Matcher.eq("instance", "b,2=x")),
                SeriesQuery.of(T0 + 200 * HOUR, T0 + 201 * HOUR, Matcher.eq("__name__", "up")),
                SeriesQuery.of(Long.MIN_VALUE, Long.MAX_VALUE, Matcher.re("job", ".+")));
        List<Arguments> out = new ArrayList<>();
        for (SeriesQuery q : queries) {
            for (long threshold : new long[] {0, Long.MAX_VALUE}) {
                for (int parallelism : new int[] {1, 4}) {
                    for (boolean messagePack : new boolean[] {true, false}) {
                        out.add(Arguments.of(q, threshold, parallelism, messagePack));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} min-points={1} parallelism={2} messagePack={3}")
    @MethodSource("queries")
    void bothWaysAnswerWhatTheQuerySelects(SeriesQuery query, long minPointsPerStatement, int parallelism,
                                           boolean messagePack) {
        InfluxSeriesReader reader = new InfluxSeriesReader(new InfluxHttp(settings.withReadParallelism(parallelism)),
                minPointsPerStatement, messagePack);
        List<TimeSeries> got = new ArrayList<>();
        reader.read(DEST, query, got::add);
        assertEquals(expected(query), got);
    }

    private static List<TimeSeries> expected(SeriesQuery query) {
        List<TimeSeries> out = new ArrayList<>();
        for (TimeSeries s : WRITTEN) {
            List<Sample> in = s.samples().stream().filter(x -> query.inRange(x.timestampMs())).toList();
            if (query.matches(s.labels()) && !in.isEmpty()) {
                out.add(new TimeSeries(s.labels(), in));
            }
        }
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return out;
    }

    @Test
    void influxdNamesEveryStatementOfAnAnswerInBothFormats() {
        InfluxHttp http = new InfluxHttp(settings);
        String two = "SELECT \"measure_value::double\" FROM \"m\" WHERE \"job\" = 'none' GROUP BY *;"
                + "SELECT \"measure_value::double\" FROM \"m\" WHERE \"job\" = 'api' GROUP BY *";
        for (boolean packed : new boolean[] {false, true}) {
            InfluxSeriesReader.Accumulator a = new InfluxSeriesReader.Accumulator("q", LineProtocol.FIELD, null, 4);
            http.query(DEST.database(), two, "q", io.tsconnector.application.ReadDeadline.NONE, packed, a::parse);
            a.checkComplete(2);
            // had the answer stopped after two of three statements, the reader would know
            org.junit.jupiter.api.Assertions.assertThrows(io.tsconnector.application.RetryLaterException.class,
                    () -> a.checkComplete(3), packed ? "MessagePack" : "JSON");
        }
    }

    @Test
    void manySeriesAreReadInSeveralRequestsOfBoundedStatements() {
        Destination many = new Destination(DEST.database(), "many");
        List<TimeSeries> series = new ArrayList<>();
        // more series than the requests wanted at parallelism 1 may hold, so the statement limit cuts them
        int n = InfluxSeriesReader.MAX_STATEMENTS * InfluxSeriesReader.REQUESTS_PER_WORKER * 2 + 7;
        for (int s = 0; s < n; s++) {
            series.add(new TimeSeries(Labels.of("__name__", "wide", "i", String.format("%04d", s)),
                    List.of(new Sample(T0 + s, s), new Sample(T0 + HOUR + s, -s))));
        }
        InfluxSeriesWriter writer = new InfluxSeriesWriter(new InfluxHttp(settings));
        try {
            assertEquals(2L * n, writer.write(Map.of(many, series)).written());
        } finally {
            writer.close();
        }
        AtomicInteger queries = new AtomicInteger();
        InfluxCallObserver counting = new InfluxCallObserver() {
            @Override
            public void called(String operation, long nanos) {
                queries.incrementAndGet();
            }
        };
        List<TimeSeries> got = new ArrayList<>();
        new InfluxSeriesReader(new InfluxHttp(settings.withReadParallelism(1), counting), 0, true)
                .read(many, SeriesQuery.of(T0, T0 + 2 * HOUR, Matcher.eq("__name__", "wide")), got::add);
        assertEquals(series, got);
        int max = InfluxSeriesReader.MAX_STATEMENTS;
        assertEquals(2 + (n + max - 1) / max, queries.get(),
                "first(), the count of a sample, then " + n + " statements in requests of at most " + max);
    }

    @Test
    void onlyInfluxdb1And2GetAStatementPerSeries() {
        assertTrue(InfluxSeriesReader.isInfluxDb1or2("1.6.7~rc0"));
        assertTrue(InfluxSeriesReader.isInfluxDb1or2("1.8.10"));
        assertTrue(InfluxSeriesReader.isInfluxDb1or2("v2.7.12"));
        assertTrue(InfluxSeriesReader.isInfluxDb1or2("2.7.1"));
        assertFalse(InfluxSeriesReader.isInfluxDb1or2("3.4.0"));
        assertFalse(InfluxSeriesReader.isInfluxDb1or2("v3.0.0"));
        assertFalse(InfluxSeriesReader.isInfluxDb1or2(""));
        assertFalse(InfluxSeriesReader.isInfluxDb1or2(null));
    }

    @Test
    void aSeriesNamesAsAbsentTheKeysOfSeriesWithMoreKeysThatContainItsOwn() {
        Set<String> job = Set.of("job");
        Set<String> jobInstance = Set.of("job", "instance");
        Set<String> all = Set.of("job", "instance", "zone");
        Set<String> other = Set.of("zone", "x");
        Map<Set<String>, List<String>> absent = InfluxSeriesReader.absentKeys(Set.of(job, jobInstance, all, other));
        assertEquals(List.of("instance", "zone"), absent.get(job));
        assertEquals(List.of("zone"), absent.get(jobInstance));
        assertEquals(List.of(), absent.get(all));
        assertEquals(List.of(), absent.get(other));
    }

    @Test
    void anAnswerKeepsOnlyTheExpectedSeries() throws Exception {
        Labels wanted = Labels.of("__name__", "up", "job", "api");
        InfluxSeriesReader.Accumulator a = new InfluxSeriesReader.Accumulator("test", LineProtocol.FIELD, Set.of(wanted), 4);
        String answer = "{\"results\":[{\"statement_id\":0,\"series\":["
                + "{\"name\":\"m\",\"tags\":{\"job\":\"api\",\"measure_name\":\"up\",\"zone\":\"\"},"
                + "\"columns\":[\"time\",\"measure_value::double\"],\"values\":[[1,1.5],[2,2.5]]},"
                + "{\"name\":\"m\",\"tags\":{\"job\":\"api\",\"measure_name\":\"up\",\"zone\":\"new\"},"
                + "\"columns\":[\"time\",\"measure_value::double\"],\"values\":[[1,9]]}]}]}";
        a.parse(new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)), false);
        List<TimeSeries> got = new ArrayList<>();
        a.emitBefore(null, got::add);
        assertEquals(List.of(new TimeSeries(wanted, List.of(new Sample(1, 1.5), new Sample(2, 2.5)))), got);
    }
}
