package io.tsconnector.it.e2e;

import static io.tsconnector.it.support.RemoteWriteClient.body;
import static io.tsconnector.it.support.RemoteWriteClient.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.timestream.TimestreamSeriesReader;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.it.support.RemoteWriteClient;
import io.tsconnector.proto.Captures;
import io.tsconnector.proto.prometheus.TimeSeries;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The write path as Prometheus uses it: HTTP remote write into a connector whose real AWS SDK clients talk
 * to the fake Timestream endpoint; each class of store error must reach Prometheus as the status that makes
 * it retry (503) or drop (4xx), and a retried request must store every sample exactly once.
 */
class WritePathEndToEndTest {
    private static final String DB = "promDB";
    private static final String TABLE = "promTable";
    private static final Destination PROM = new Destination(DB, TABLE);
    private static final long T0 = 1_795_595_300_000L;

    private final List<AutoCloseable> open = new ArrayList<>();
    private FakeTimestreamEndpoint fake;
    private RemoteWriteClient client;

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A fake endpoint and a connector writing to it with {@code retries} SDK retries per call. */
    private void start(boolean createTables, WritePolicy policy, int retries) {
        fake = new FakeTimestreamEndpoint(createTables).start();
        open.add(fake);
        StorageSettings storage = new StorageSettings(Storage.TIMESTREAM, "us-east-1", fake.uri(), fake.uri(), retries,
                retries, 16, "./data", true);
        Connector connector = Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels(RemoteWriteClient.DATABASE_LABEL, RemoteWriteClient.TABLE_LABEL)
                .withWritePolicy(policy)
                .withStorage(storage));
        open.add(connector);
        client = new RemoteWriteClient(connector.uri());
    }

    private void start() {
        start(true, WritePolicy.DEFAULT, 1);
    }

    private static byte[] oneSample(String metric, double value) {
        return body(List.of(series(DB, TABLE, metric, List.of("job", "api"), new long[] {T0}, new double[] {value})));
    }

    /** {@code seriesCount} series of {@code samplesEach} samples 1 s apart; value = series * 1000 + sample + 0.25. */
    private static List<TimeSeries> grid(String metric, int seriesCount, int samplesEach) {
        List<TimeSeries> out = new ArrayList<>();
        for (int s = 0; s < seriesCount; s++) {
            long[] times = new long[samplesEach];
            double[] values = new double[samplesEach];
            for (int i = 0; i < samplesEach; i++) {
                times[i] = T0 + i * 1000L;
                values[i] = s * 1000 + i + 0.25;
            }
            out.add(series(DB, TABLE, metric, List.of("instance", "host-" + s, "job", "node"), times, values));
        }
        return out;
    }

    /** What the request holds, by stored labels (destination labels dropped) and timestamp. */
    private static Map<Labels, Map<Long, Double>> expected(List<TimeSeries> sent) {
        Map<Labels, Map<Long, Double>> out = new HashMap<>();
        for (TimeSeries s : sent) {
            List<String> pairs = new ArrayList<>();
            s.getLabelsList().stream()
                    .filter(l -> !l.getName().equals(RemoteWriteClient.DATABASE_LABEL)
                            && !l.getName().equals(RemoteWriteClient.TABLE_LABEL))
                    .forEach(l -> {
                        pairs.add(l.getName());
                        pairs.add(l.getValue());
                    });
            Map<Long, Double> samples = out.computeIfAbsent(Labels.of(pairs.toArray(String[]::new)), k -> new HashMap<>());
            s.getSamplesList().forEach(x -> samples.put(x.getTimestamp(), x.getValue()));
        }
        return out;
    }

    /** Everything the fake stored for metrics matching {@code metricRegex}, read back through the engine. */
    private Map<Labels, List<Sample>> stored(String metricRegex) {
        Map<Labels, List<Sample>> out = new HashMap<>();
        new TimestreamSeriesReader(fake.local().queryClient()).read(PROM,
                SeriesQuery.of(T0 - 3_600_000, T0 + 3_600_000, Matcher.re("__name__", metricRegex)),
                s -> out.put(s.labels(), s.samples()));
        return out;
    }

    private static void assertStoredExactlyOnce(Map<Labels, Map<Long, Double>> expected, Map<Labels, List<Sample>> stored) {
        assertEquals(expected.keySet(), stored.keySet(), "series stored");
        for (Map.Entry<Labels, List<Sample>> e : stored.entrySet()) {
            Map<Long, Double> want = expected.get(e.getKey());
            assertEquals(want.size(), e.getValue().size(), "samples of " + e.getKey());
            for (Sample s : e.getValue()) {
                assertEquals(Double.doubleToRawLongBits(want.get(s.timestampMs())), Double.doubleToRawLongBits(s.value()),
                        "value of " + e.getKey() + " at " + s.timestampMs());
            }
        }
    }

    private static void assertRetryLater(HttpResponse<String> r) {
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(null), "Retry-After");
    }

    // ---- Prometheus captures -----------------------------------------------------------------

    @Test
    void capturedScrapeIsStoredAndNaNSamplesAreSkippedAndCounted() {
        start();
        assertEquals(204, client.write(Captures.read("rw1-scrape-self.bin")).statusCode());
        assertEquals(500 - 17, fake.storedRecordCount(), "every finite sample of the capture");
        // Prometheus' NaNs are the quantiles of its summaries with no observations
        assertEquals(17, client.counter("timestream_connector_ignored_samples_total", "summary_nan"));
        assertEquals(0, client.counter("timestream_connector_ignored_samples_total", "invalid_sample_value"));
        assertEquals(500, client.counter("timestream_connector_received_samples_total", null));

        HttpResponse<String> again = client.write(Captures.read("rw1-scrape-self.bin"));
        assertEquals(204, again.statusCode(), "a resent request is accepted: " + again.body());
        assertEquals(500 - 17, fake.storedRecordCount(), "and stores nothing twice");
    }

    @Test
    void capturedStaleMarkersAreSkippedAndMetadataOnlyRequestsAccepted() {
        start();
        assertEquals(204, client.write(Captures.read("rw1-stale-markers.bin")).statusCode());
        assertEquals(34 - 3, fake.storedRecordCount());
        assertEquals(3, client.counter("timestream_connector_ignored_samples_total", "stale_marker"));
        assertEquals(204, client.write(Captures.read("rw1-metadata-only.bin")).statusCode());
        assertEquals(34 - 3, fake.storedRecordCount());
    }

    // ---- store errors and their status -----------------------------------------------------

    @Test
    void throttlingThatOutlastsTheRetriesIs503WithRetryAfter() {
        start();
        fake.throttleNext(2);
        assertRetryLater(client.write(oneSample("up", 1)));
        assertEquals(2, fake.writeCalls(), "the call was retried once before giving up");
        assertEquals(0, fake.storedRecordCount());
        assertEquals(204, client.write(oneSample("up", 1)).statusCode(), "the resent request succeeds");
        assertEquals(1, fake.storedRecordCount());
    }

    @Test
    void throttlingThatClearsWithinTheRetriesIsInvisibleToPrometheus() {
        start();
        fake.throttleNext(1);
        assertEquals(204, client.write(oneSample("up", 1)).statusCode());
        assertEquals(1, fake.storedRecordCount());
    }

    @Test
    void internalServerErrorIs503() {
        start();
        fake.failNextWith500(2);
        assertRetryLater(client.write(oneSample("up", 1)));
        assertEquals(0, fake.storedRecordCount());
    }

    @Test
    void connectionResetIs503() {
        start();
        // the JDK client resends a POST once on a reset kept-alive connection, within each SDK attempt
        fake.resetConnectionNext(10);
        assertRetryLater(client.write(oneSample("up", 1)));
        assertEquals(0, fake.storedRecordCount());
    }

    @Test
    void accessDeniedIs403AndNotRetried() {
        start();
        fake.accessDeniedNext(1);
        HttpResponse<String> r = client.write(oneSample("up", 1));
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("AccessDenied"), r.body());
        assertEquals(1, fake.writeCalls(), "access denied is not retried");
    }

    @Test
    void missingTableIs404() {
        start(false, WritePolicy.DEFAULT, 1);
        HttpResponse<String> r = client.write(oneSample("up", 1));
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("does not exist"), r.body());
        assertEquals(1, fake.writeCalls(), "a missing table is not retried");
    }

    @Test
    void conflictingValueForAStoredRecordIs400WithTheCountAndTheMetric() {
        start();
        assertEquals(204, client.write(oneSample("temperature", 21.5)).statusCode());
        byte[] conflicting = body(List.of(
                series(DB, TABLE, "temperature", List.of("job", "api"), new long[] {T0, T0 + 1000}, new double[] {22.0, 23.0})));
        HttpResponse<String> r = client.write(conflicting);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("stored 1 of 2 samples"), r.body());
        assertTrue(r.body().contains("1 rejected for good"), r.body());
        assertEquals(1, client.counter("timestream_connector_ignored_samples_total", "rejected_records"));
        Map<Labels, List<Sample>> stored = stored("temperature");
        assertEquals(List.of(new Sample(T0, 21.5), new Sample(T0 + 1000, 23.0)), stored.values().iterator().next(),
                "the first value is kept, the other sample stored");
    }

    @Test
    void rejectedRecordsAre400AndCountedPerRecord() {
        start();
        fake.rejectNextWrites(1, "Measure value out of the table's retention (injected)");
        HttpResponse<String> r = client.write(body(grid("rejected", 5, 4)));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("20 rejected for good"), r.body());
        assertTrue(r.body().contains("retention (injected)"), "the reason reaches the body: " + r.body());
        assertEquals(20, client.counter("timestream_connector_ignored_samples_total", "rejected_records"));
        assertEquals(0, fake.storedRecordCount());
    }

    // ---- validation options -------------------------------------------------------------

    private static byte[] withLongLabelName() {
        String longName = "l".repeat(61);
        return body(List.of(
                series(DB, TABLE, "ok", List.of("job", "api"), new long[] {T0}, new double[] {1}),
                series(DB, TABLE, "bad", List.of(longName, "x"), new long[] {T0, T0 + 1000}, new double[] {1, 2})));
    }

    private static byte[] withNonFiniteValue() {
        return body(List.of(series(DB, TABLE, "ratio", List.of("job", "api"), new long[] {T0, T0 + 1000, T0 + 2000},
                new double[] {0.5, Double.POSITIVE_INFINITY, Double.NaN})));
    }

    @Test
    void longLabelsAreSkippedAndCountedByDefault() {
        start();
        assertEquals(204, client.write(withLongLabelName()).statusCode());
        assertEquals(1, fake.storedRecordCount(), "the valid series is stored");
        assertEquals(2, client.counter("timestream_connector_ignored_samples_total", "long_label_name"));
    }

    @Test
    void failOnLongLabelRejectsTheWholeRequestAndWritesNothing() {
        start(true, new WritePolicy(true, false), 1);
        HttpResponse<String> r = client.write(withLongLabelName());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("fail-on-long-label"), r.body());
        assertEquals(0, fake.writeCalls(), "nothing was sent to Timestream");
        assertEquals(0, fake.storedRecordCount());
    }

    @Test
    void nonFiniteValuesAreSkippedAndCountedByDefault() {
        start();
        assertEquals(204, client.write(withNonFiniteValue()).statusCode());
        assertEquals(1, fake.storedRecordCount());
        assertEquals(2, client.counter("timestream_connector_ignored_samples_total", "invalid_sample_value"));
    }

    @Test
    void failOnInvalidSampleValueRejectsTheWholeRequestAndWritesNothing() {
        start(true, new WritePolicy(false, true), 1);
        HttpResponse<String> r = client.write(withNonFiniteValue());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("fail-on-invalid-sample-value"), r.body());
        assertEquals(400, client.write(Captures.read("rw1-scrape-self.bin")).statusCode(), "the capture holds NaN samples");
        assertEquals(0, fake.writeCalls(), "nothing was sent to Timestream");
        assertEquals(0, fake.storedRecordCount());
    }

    @Test
    void garbageBodyIs400AndTheConnectorKeepsServing() {
        start();
        HttpResponse<String> r = client.write(new byte[] {1, 2, 3, 4, 5});
        assertEquals(400, r.statusCode(), r.body());
        assertEquals(204, client.write(oneSample("up", 1)).statusCode());
    }

    // ---- zero loss and concurrency ---------------------------------------------------------

    @Test
    void partlyFailedRequestIs503AndItsRetryStoresEverySampleExactlyOnce() {
        start(true, WritePolicy.DEFAULT, 0);
        List<TimeSeries> sent = grid("zero_loss", 500, 4);
        byte[] request = body(sent);
        fake.throttleNext(5);
        fake.failNextWith500(2);
        HttpResponse<String> first = client.write(request);
        assertRetryLater(first);
        assertTrue(fake.writeCalls() >= 20, "2,000 samples go out in calls of at most 100: " + fake.writeCalls());
        assertTrue(fake.recordsPerCall().stream().allMatch(n -> n <= 100), fake.recordsPerCall().toString());
        long afterFailure = fake.storedRecordCount();
        java.util.regex.Matcher stored = java.util.regex.Pattern.compile("stored (\\d+) of 2000 samples").matcher(first.body());
        assertTrue(stored.find(), first.body());
        assertEquals(afterFailure, Long.parseLong(stored.group(1)), "the answer says what the calls that succeeded stored");
        assertTrue(afterFailure > 0 && afterFailure <= 2000 - 7, "7 calls failed, the others stored: " + afterFailure);

        HttpResponse<String> retry = client.write(request);
        assertEquals(204, retry.statusCode(), "the resent request succeeds: " + retry.body());
        assertEquals(2000, fake.storedRecordCount(), "every sample once");
        assertStoredExactlyOnce(expected(sent), stored("zero_loss"));
        assertEquals(0, client.counter("timestream_connector_ignored_samples_total", "rejected_records"),
                "identical records sent again are not rejected");
    }

    @Test
    void concurrentRequestsLoseAndDuplicateNothing() throws Exception {
        start();
        int threads = 16;
        int requestsEach = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<TimeSeries> all = new ArrayList<>();
        List<Future<List<Integer>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                List<byte[]> bodies = new ArrayList<>();
                for (int r = 0; r < requestsEach; r++) {
                    long at = T0 + r * 1000L;
                    List<TimeSeries> request = new ArrayList<>();
                    for (int s = 0; s < 5; s++) {
                        // series of this thread only
                        request.add(series(DB, TABLE, "conc_own", List.of("thread", "t" + t, "series", "s" + s),
                                new long[] {at, at + 500}, new double[] {t * 1e6 + r * 10 + s, -(t * 1e6 + r * 10 + s + 1)}));
                    }
                    // series every thread writes with the same samples: stored once
                    request.add(series(DB, TABLE, "conc_shared", List.of("job", "shared"), new long[] {at},
                            new double[] {r + 0.5}));
                    all.addAll(request);
                    bodies.add(body(request));
                }
                results.add(pool.submit(() -> {
                    List<Integer> codes = new ArrayList<>();
                    for (byte[] b : bodies) {
                        codes.add(client.write(b).statusCode());
                    }
                    return codes;
                }));
            }
            for (Future<List<Integer>> f : results) {
                for (int code : f.get(120, TimeUnit.SECONDS)) {
                    assertEquals(204, code);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long distinct = (long) threads * requestsEach * 5 * 2 + requestsEach;
        assertEquals(distinct, fake.storedRecordCount());
        assertStoredExactlyOnce(expected(all), stored("conc_.*"));
    }
}
