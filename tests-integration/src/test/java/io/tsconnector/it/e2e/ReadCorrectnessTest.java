package io.tsconnector.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.influxdb.InfluxCredentials;
import io.tsconnector.adapters.influxdb.InfluxHttp;
import io.tsconnector.adapters.influxdb.InfluxSeriesReader;
import io.tsconnector.adapters.influxdb.InfluxSeriesWriter;
import io.tsconnector.adapters.influxdb.InfluxServer;
import io.tsconnector.adapters.influxdb.InfluxSettings;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.timestream.TimestreamClients;
import io.tsconnector.adapters.timestream.TimestreamSeriesReader;
import io.tsconnector.adapters.timestream.TimestreamSeriesWriter;
import io.tsconnector.adapters.timestreamlocal.LocalTimestream;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.it.support.RemoteCalls;
import io.tsconnector.proto.prometheus.ReadRequest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Read correctness: one table of (data set, matchers, range) run through the outbound port against the
 * in-memory store (Prometheus semantics by construction), local mode, local mode answering every query
 * first with an empty page, the fake Timestream endpoint through the real SDK, and a real influxd through the
 * v1 API. Every store must return exactly the series and samples the in-memory store returns, less the series
 * the store declares it cannot hold ({@code SeriesWriter.checkLabels}: InfluxDB, a newline in a value); a
 * few cases are also checked by hand.
 */
class ReadCorrectnessTest {
    private static final Destination DEST = new Destination("readdb", "series");
    private static final long T0 = 1_795_595_300_000L;
    private static final int SAMPLES = 10;
    /** Rows of each "paged" series: more than one 1,000-row page, so a series spans pages. */
    private static final int PAGED_SAMPLES = 1_500;

    /** INFLUXDB_AS_ANY_SERVER: the same influxd, read as a server that names no version (the way for InfluxDB 3). */
    enum Kind { MEMORY, LOCAL, LOCAL_EMPTY_FIRST_PAGE, FAKE_TIMESTREAM_SDK, INFLUXDB, INFLUXDB_AS_ANY_SERVER }

    private record Opened(SeriesWriter writer, SeriesReader reader, AutoCloseable resources) {
        /** Whether the store holds the series unaltered; the others it refuses and never returns. */
        boolean holds(TimeSeries s) {
            return writer.checkLabels(s.labels()) == null;
        }
    }

    private static final Map<Kind, Opened> STORES = new EnumMap<>(Kind.class);

    /**
     * A row of the table: a name, the query, and for some cases the ids of the expected series, checked by hand.
     * Series come in Prometheus' label order: label by label, name before value, so "Code" &lt; "__name__" &lt; "code".
     */
    private record Case(String name, SeriesQuery query, List<String> handChecked) {
    }

    @BeforeAll
    static void openAndLoad() {
        InMemorySeriesStore memory = new InMemorySeriesStore();
        STORES.put(Kind.MEMORY, new Opened(memory, memory, () -> { }));
        STORES.put(Kind.LOCAL, local("mem:read-correctness", false));
        STORES.put(Kind.LOCAL_EMPTY_FIRST_PAGE, local("mem:read-correctness-empty-first-page", true));
        FakeTimestreamEndpoint fake = new FakeTimestreamEndpoint().start();
        TimestreamSeriesWriter fakeWriter = new TimestreamSeriesWriter(TimestreamClients.write("us-east-1", fake.uri(), 1), 4);
        STORES.put(Kind.FAKE_TIMESTREAM_SDK, new Opened(fakeWriter,
                new TimestreamSeriesReader(TimestreamClients.query("us-east-1", fake.uri(), 1, null)), () -> {
                    fakeWriter.close();
                    fake.close();
                }));
        InfluxServer server = InfluxServer.start();
        server.createDatabase(DEST.database());
        InfluxHttp http = new InfluxHttp(InfluxSettings.of(server.uri(), InfluxCredentials.none()));
        InfluxSeriesWriter writer = new InfluxSeriesWriter(http);
        STORES.put(Kind.INFLUXDB, new Opened(writer, new InfluxSeriesReader(http), () -> {
            writer.close();
            server.close();
        }));
        // the same data written again is kept once
        STORES.put(Kind.INFLUXDB_AS_ANY_SERVER, new Opened(writer, InfluxSeriesReader.readingAsAnyServer(http), () -> { }));
        List<TimeSeries> data = dataSet();
        long samples = data.stream().mapToLong(s -> s.samples().size()).sum();
        for (Map.Entry<Kind, Opened> e : STORES.entrySet()) {
            StoreResult r = e.getValue().writer().write(Map.of(DEST, data));
            long held = data.stream().filter(e.getValue()::holds).mapToLong(s -> s.samples().size()).sum();
            assertEquals(held, r.written(), e.getKey() + " wrote " + r);
            assertEquals(samples - held, r.rejected(), e.getKey() + " refused " + r);
        }
        assertEquals(SAMPLES, samples - data.stream().filter(STORES.get(Kind.INFLUXDB)::holds)
                .mapToLong(s -> s.samples().size()).sum(), "InfluxDB refuses exactly the series with a newline");
    }

    private static Opened local(String path, boolean emptyFirstPage) {
        LocalTimestream engine = LocalTimestream.open(path, true);
        engine.forceEmptyFirstPage(emptyFirstPage);
        TimestreamSeriesWriter writer = new TimestreamSeriesWriter(engine.writeClient(), 4);
        return new Opened(writer, new TimestreamSeriesReader(engine.queryClient()), () -> {
            writer.close();
            engine.close();
        });
    }

    @AfterAll
    static void close() throws Exception {
        for (Opened o : STORES.values()) {
            o.resources().close();
        }
        STORES.clear();
    }

    private static TimeSeries series(String id, String... namesAndValues) {
        String[] all = Arrays.copyOf(namesAndValues, namesAndValues.length + 2);
        all[all.length - 2] = "id";
        all[all.length - 1] = id;
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            samples.add(new Sample(T0 + i * 1000L, id.hashCode() % 97 + i * 0.25));
        }
        return new TimeSeries(Labels.of(all), samples);
    }

    static List<TimeSeries> dataSet() {
        List<TimeSeries> data = new ArrayList<>(List.of(
                series("h1", "__name__", "http_requests_total", "job", "api", "code", "200", "path", "/a"),
                series("h2", "__name__", "http_requests_total", "job", "api", "code", "500"),
                series("h3", "__name__", "http_requests_total", "job", "db"),
                series("h4", "__name__", "http_requests_total", "job", "API", "code", "200"),
                series("h5", "__name__", "http_requests_total", "job", "Api", "Code", "201"),
                series("u1", "__name__", "up", "job", "api"),
                series("u2", "__name__", "up", "job", "db", "code", "200"),
                series("q1", "__name__", "quoting", "v", "it's \"quoted\""),
                series("q2", "__name__", "quoting", "v", "back\\slash"),
                series("q3", "__name__", "quoting", "v", "a.b*c"),
                series("q4", "__name__", "quoting", "v", "line\nbreak"),
                series("q5", "__name__", "quoting", "v", "' OR '1'='1"),
                series("q6", "__name__", "quoting", "v", "%_"),
                series("c1", "__name__", "unicode", "city", "Zürich"),
                series("c2", "__name__", "unicode", "city", "zürich"),
                series("c3", "__name__", "unicode", "city", "東京"),
                series("c4", "__name__", "unicode", "city", "🙂"),
                series("c5", "__name__", "unicode", "city", "ΣΊΣΥΦΟΣ"),
                series("k1", "__name__", "keywords", "select", "from", "order", "by", "group", "1")));
        // values whose text is tricky: signed zero, extremes, many digits
        data.add(new TimeSeries(Labels.of("__name__", "values", "id", "v1"), List.of(new Sample(T0, -0.0),
                new Sample(T0 + 1, 0.0), new Sample(T0 + 2, Double.MIN_VALUE), new Sample(T0 + 3, -Double.MAX_VALUE),
                new Sample(T0 + 4, 0.1 + 0.2), new Sample(T0 + 999, 9_007_199_254_740_993.0))));
        for (int s = 0; s < 3; s++) {
            List<Sample> samples = new ArrayList<>(PAGED_SAMPLES);
            for (int i = 0; i < PAGED_SAMPLES; i++) {
                samples.add(new Sample(T0 + i * 10L, s * 10_000 + i));
            }
            data.add(new TimeSeries(Labels.of("__name__", "paged", "id", "p" + s, "shard", Integer.toString(s % 2)), samples));
        }
        return data;
    }

    private static final long END = T0 + (SAMPLES - 1) * 1000L;

    private static Case of(String name, Matcher... matchers) {
        return new Case(name, SeriesQuery.of(T0, END + 20_000, matchers), null);
    }

    private static Case hand(String name, List<String> ids, Matcher... matchers) {
        return new Case(name, SeriesQuery.of(T0, END + 20_000, matchers), ids);
    }

    private static Case range(String name, long start, long end, Matcher... matchers) {
        return new Case(name, SeriesQuery.of(start, end, matchers), null);
    }

    private static final Matcher HTTP = Matcher.eq("__name__", "http_requests_total");

    static List<Case> cases() {
        return List.of(
                // equality and inequality, empty and non-empty values
                hand("name equals", List.of("h5", "h1", "h4", "h2", "h3"), HTTP),
                hand("label equals", List.of("h1", "h2"), HTTP, Matcher.eq("job", "api")),
                of("label equals without metric name", Matcher.eq("job", "api")),
                hand("empty name matches nothing", List.of(), Matcher.eq("__name__", "")),
                of("name not equal", Matcher.neq("__name__", "http_requests_total"), Matcher.eq("job", "api")),
                of("name not empty", Matcher.neq("__name__", ""), Matcher.eq("job", "db")),
                of("label not equal keeps absent", HTTP, Matcher.neq("code", "200")),
                hand("equals empty is absent", List.of("h5", "h3"), HTTP, Matcher.eq("code", "")),
                of("not equal empty is present", HTTP, Matcher.neq("code", "")),
                of("equals on a label of other series only", Matcher.eq("__name__", "up"), Matcher.eq("path", "/a")),
                of("not equal on a label of other series only", Matcher.eq("__name__", "up"), Matcher.neq("path", "/a")),
                // labels that are no column of the table
                hand("absent column equals empty", List.of("h5", "h1", "h4", "h2", "h3"), HTTP, Matcher.eq("nosuch", "")),
                hand("absent column equals value", List.of(), HTTP, Matcher.eq("nosuch", "x")),
                of("absent column not equal value", HTTP, Matcher.neq("nosuch", "x")),
                of("absent column not empty", HTTP, Matcher.neq("nosuch", "")),
                of("absent column regex matching empty", HTTP, Matcher.re("nosuch", "x|")),
                of("absent column regex not matching empty", HTTP, Matcher.re("nosuch", "x+")),
                of("absent column negative regex matching empty", HTTP, Matcher.nre("nosuch", "x*")),
                of("absent column negative regex", HTTP, Matcher.nre("nosuch", "x")),
                // case
                hand("label values are case sensitive", List.of("h4"), HTTP, Matcher.eq("job", "API")),
                hand("label names are case sensitive", List.of("h5"), HTTP, Matcher.eq("Code", "201")),
                of("lower-case name does not see the upper-case label", HTTP, Matcher.re("code", "2.*")),
                of("case-insensitive regex", HTTP, Matcher.re("job", "(?i)api")),
                of("case-insensitive group", HTTP, Matcher.re("job", "A(?i:pi)")),
                of("case-insensitive unicode", Matcher.re("city", "(?i)ZÜRICH")),
                of("case-insensitive final sigma", Matcher.re("city", "(?i)σίσυφοσ")),
                // regexes
                hand("regex is anchored", List.of(), HTTP, Matcher.re("job", "ap")),
                of("explicit anchors", HTTP, Matcher.re("job", "^api$")),
                of("alternation", HTTP, Matcher.re("job", "api|db")),
                of("alternation with groups", HTTP, Matcher.re("job", "a(pi|x)|d.?b")),
                of("name regex alternation", Matcher.re("__name__", "http_requests_total|up"), Matcher.eq("job", "db")),
                of("name regex", Matcher.re("__name__", "u.*")),
                of("name negative regex", Matcher.nre("__name__", "h.*|q.*|un.*|k.*|p.*")),
                hand("regex matching empty includes absent", List.of("h5", "h1", "h4", "h3"), HTTP, Matcher.re("code", "2.*|")),
                of("empty regex", HTTP, Matcher.re("code", "")),
                of("empty group regex", HTTP, Matcher.re("code", "(?:)")),
                of("star regex matches empty", HTTP, Matcher.re("code", "5*")),
                of("dot star matches all", HTTP, Matcher.re("path", ".*")),
                of("dot plus needs a value", HTTP, Matcher.re("path", ".+")),
                of("negative regex matching empty excludes absent", HTTP, Matcher.nre("code", "2.*|")),
                of("negative regex keeps absent", HTTP, Matcher.nre("code", "5.*")),
                of("negative dot star matches nothing", HTTP, Matcher.nre("code", ".*")),
                of("character class and repetition", HTTP, Matcher.re("code", "[2-5]0{2}")),
                of("perl classes", HTTP, Matcher.re("code", "\\d\\d\\d")),
                of("dot does not match newline", Matcher.eq("__name__", "quoting"), Matcher.re("v", "line.*")),
                of("flag s lets dot match newline", Matcher.eq("__name__", "quoting"), Matcher.re("v", "(?s)line.*")),
                of("escaped newline", Matcher.eq("__name__", "quoting"), Matcher.re("v", "line\\nbreak")),
                // quotes, backslashes, SQL and LIKE metacharacters
                hand("quotes in value", List.of("q1"), Matcher.eq("v", "it's \"quoted\"")),
                of("quotes in regex", Matcher.re("v", "it's \".*\"")),
                hand("backslash in value", List.of("q2"), Matcher.eq("v", "back\\slash")),
                of("backslash in regex", Matcher.re("v", "back\\\\slash")),
                of("backslash class in regex", Matcher.re("v", "[a-z]+[\\\\][a-z]+")),
                of("regex metacharacters as literals", Matcher.re("v", "a\\.b\\*c")),
                of("regex metacharacters unescaped", Matcher.re("v", "a.b*c")),
                of("quoted literal", Matcher.re("v", "\\Qa.b*c\\E")),
                hand("SQL injection is a value", List.of("q5"), Matcher.eq("v", "' OR '1'='1")),
                of("LIKE wildcards are literals", Matcher.eq("v", "%_")),
                of("negative regex on quoted values", Matcher.eq("__name__", "quoting"), Matcher.nre("v", ".*'.*")),
                // unicode
                hand("unicode equals", List.of("c1"), Matcher.eq("city", "Zürich")),
                of("unicode regex", Matcher.re("city", "z.rich")),
                of("dot is one code point", Matcher.re("city", ".")),
                of("two code points", Matcher.re("city", "..")),
                of("unicode script", Matcher.re("city", "\\p{Han}+")),
                of("unicode category", Matcher.re("city", "\\p{Lu}.*")),
                of("unicode not equal", Matcher.eq("__name__", "unicode"), Matcher.neq("city", "東京")),
                // label names that are SQL keywords
                of("keyword label names", Matcher.eq("select", "from"), Matcher.eq("order", "by")),
                of("keyword label regex", Matcher.re("group", "1|2")),
                // values and ranges
                of("values bit for bit", Matcher.eq("__name__", "values")),
                range("range inside", T0 + 2000, T0 + 5000, HTTP),
                range("range is one instant", T0 + 3000, T0 + 3000, HTTP),
                range("range ends at the first sample", T0 - 1000, T0, HTTP),
                range("range starts at the last sample", END, END + 60_000, HTTP),
                range("range after the last sample", END + 1, END + 60_000, HTTP),
                range("range before the first sample", T0 - 60_000, T0 - 1, HTTP),
                range("range between samples", T0 + 1001, T0 + 1999, HTTP),
                range("millisecond edges", T0 + 1, T0 + 3, Matcher.eq("__name__", "values")),
                // several pages
                of("series spanning pages", Matcher.eq("__name__", "paged")),
                of("series spanning pages, filtered", Matcher.eq("__name__", "paged"), Matcher.eq("shard", "0")),
                range("series spanning pages, edges", T0 + 990, T0 + 13_000, Matcher.eq("__name__", "paged"),
                        Matcher.nre("id", "p1")));
    }

    private static SeriesQuery query(String caseName) {
        return cases().stream().filter(c -> c.name().equals(caseName)).findFirst().orElseThrow().query();
    }

    private static List<TimeSeries> read(Kind kind, SeriesQuery query) {
        List<TimeSeries> out = new ArrayList<>();
        STORES.get(kind).reader().read(DEST, query, out::add);
        return out;
    }

    private static List<String> ids(List<TimeSeries> series) {
        return series.stream().map(s -> s.labels().get("id")).toList();
    }

    @TestFactory
    Stream<DynamicNode> everyCaseOnEveryStoreGivesPrometheusAnswer() {
        return Arrays.stream(Kind.values()).map(kind -> DynamicContainer.dynamicContainer(kind.name(),
                cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    List<TimeSeries> expected = read(Kind.MEMORY, c.query());
                    if (c.handChecked() != null) {
                        assertEquals(c.handChecked(), ids(expected), "hand-checked series of " + c.query());
                    }
                    expected = expected.stream().filter(STORES.get(kind)::holds).toList();
                    List<TimeSeries> got = read(kind, c.query());
                    assertEquals(ids(expected), ids(got), "series of " + c.query());
                    assertEquals(expected, got, "labels and samples of " + c.query());
                }))));
    }

    @Test
    void tableCoversNonEmptyAndEmptyAnswers() {
        long empty = cases().stream().filter(c -> read(Kind.MEMORY, c.query()).isEmpty()).count();
        assertTrue(empty >= 5 && empty <= cases().size() / 3, empty + " of " + cases().size() + " cases have no series");
        List<TimeSeries> paged = read(Kind.MEMORY, SeriesQuery.of(T0, END + 20_000, Matcher.eq("__name__", "paged")));
        assertEquals(3 * PAGED_SAMPLES, paged.stream().mapToInt(s -> s.samples().size()).sum());
    }

    private static Connector connectorOnLocal(Kind kind) {
        Opened local = STORES.get(kind);
        ConnectorSettings settings = ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDefaultDestination(DEST.database(), DEST.table());
        return Connector.start(settings, local.writer(), local.reader());
    }

    @Test
    void severalQueriesInOneRequestAnswerOneResultEachInOrder() {
        List<SeriesQuery> queries = List.of(query("label equals"), query("empty name matches nothing"),
                query("equals empty is absent"), query("quotes in value"), query("series spanning pages"),
                query("label equals without metric name"));
        List<List<TimeSeries>> expected = new ArrayList<>();
        for (SeriesQuery q : queries) {
            expected.add(read(Kind.MEMORY, q));
        }
        for (Kind kind : List.of(Kind.LOCAL, Kind.LOCAL_EMPTY_FIRST_PAGE, Kind.INFLUXDB, Kind.INFLUXDB_AS_ANY_SERVER)) {
            try (Connector connector = connectorOnLocal(kind)) {
                assertEquals(expected, RemoteCalls.samples(RemoteCalls.read(connector.uri(), RemoteCalls.readRequest(queries))),
                        kind + " SAMPLES");
                assertEquals(expected, RemoteCalls.streamed(RemoteCalls.read(connector.uri(),
                        RemoteCalls.readRequest(queries, ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)), queries.size()),
                        kind + " STREAMED_XOR_CHUNKS");
            }
        }
    }

    @Test
    void regexJavaCannotRunIsRejectedWith400NamingTheConstruct() {
        try (Connector connector = connectorOnLocal(Kind.LOCAL)) {
            RemoteCalls.Answer answer = RemoteCalls.read(connector.uri(), RemoteCalls.readRequest(List.of(
                    SeriesQuery.of(T0, END, HTTP), SeriesQuery.of(T0, END, HTTP, Matcher.re("job", "api|\\P{Any}")))));
            assertEquals(400, answer.status(), answer.text());
            assertTrue(answer.text().contains("\\P{Any}"), answer.text());
        }
    }
}
