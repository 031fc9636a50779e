package io.tsconnector.application.port.out;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract of the outbound ports {@link SeriesWriter} and {@link SeriesReader}: every store (in-memory,
 * local engine, Timestream through the SDK) passes these tests.
 */
public abstract class SeriesStoreContract {
    /** The two destinations the tests use; a store must accept writes to them. */
    protected static final Destination MAIN = new Destination("contractdb", "metrics");
    protected static final Destination OTHER = new Destination("otherdb", "other");

    private static final long T0 = 1_795_595_300_000L;

    /** A fresh, empty store that serves as writer and reader. */
    public record Store(SeriesWriter writer, SeriesReader reader) {
    }

    protected abstract Store createStore() throws Exception;

    private Store store;

    @BeforeEach
    void setUpStore() throws Exception {
        store = createStore();
    }

    private StoreResult write(Destination d, TimeSeries... series) {
        return store.writer().write(Map.of(d, List.of(series)));
    }

    private List<TimeSeries> read(Destination d, long start, long end, Matcher... matchers) {
        List<TimeSeries> out = new ArrayList<>();
        store.reader().read(d, SeriesQuery.of(start, end, matchers), out::add);
        return out;
    }

    private static TimeSeries seriesAt(Labels labels, long... timesAndBits) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < timesAndBits.length; i += 2) {
            samples.add(new Sample(timesAndBits[i], Double.longBitsToDouble(timesAndBits[i + 1])));
        }
        return new TimeSeries(labels, samples);
    }

    private static TimeSeries series(Labels labels, double... values) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            samples.add(new Sample(T0 + i * 1000L, values[i]));
        }
        return new TimeSeries(labels, samples);
    }

    @Test
    void valuesComeBackBitForBit() {
        double[] values = {1e-9, 1e300, 0.0, Double.MIN_VALUE, Double.MAX_VALUE, 9_007_199_254_740_993.0,
            123456789012345.0, 0.1 + 0.2, -42.5};
        Labels labels = Labels.of("__name__", "precision", "job", "contract");
        StoreResult result = write(MAIN, series(labels, values));
        assertEquals(values.length, result.written(), "written");
        List<TimeSeries> got = read(MAIN, T0, T0 + 1_000_000, Matcher.eq("__name__", "precision"));
        assertEquals(1, got.size());
        assertEquals(labels, got.get(0).labels());
        for (int i = 0; i < values.length; i++) {
            Sample s = got.get(0).samples().get(i);
            assertEquals(T0 + i * 1000L, s.timestampMs());
            assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(s.value()),
                    "bits of value " + values[i]);
        }
    }

    @Test
    void negativeZeroKeepsItsSign() {
        Labels labels = Labels.of("__name__", "signed_zero", "job", "contract");
        assertEquals(1, write(MAIN, series(labels, -0.0)).written(), "written");
        Sample s = read(MAIN, T0, T0, Matcher.eq("__name__", "signed_zero")).get(0).samples().get(0);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(s.value()), "bits of -0.0");
    }

    @Test
    void identicalSampleIsAcceptedAgainWithoutDuplicate() {
        TimeSeries s = series(Labels.of("__name__", "again", "a", "1"), 1.5, 2.5);
        assertEquals(2, write(MAIN, s).written());
        StoreResult second = write(MAIN, s);
        assertEquals(0, second.rejected(), "rejected on retry");
        assertTrue(second.failures().isEmpty(), "failures on retry");
        List<TimeSeries> got = read(MAIN, T0, T0 + 10_000, Matcher.eq("__name__", "again"));
        assertEquals(2, got.get(0).samples().size());
    }

    @Test
    void differentValueAtStoredTimestampIsRejectedAndOriginalKeptOrReplacesItAsTheStoreDeclares() {
        Labels labels = Labels.of("__name__", "conflict", "a", "1");
        write(MAIN, series(labels, 1.0));
        StoreResult result = write(MAIN, series(labels, 2.0));
        if (store.writer().keepsLastValue()) {
            assertEquals(0, result.rejected(), "rejected");
            assertEquals(1, result.written(), "written");
            assertEquals(2.0, read(MAIN, T0, T0, Matcher.eq("__name__", "conflict")).get(0).samples().get(0).value());
            return;
        }
        assertEquals(1, result.rejected(), "rejected");
        assertTrue(!result.rejections().isEmpty(), "a reason is given");
        assertEquals(1.0, read(MAIN, T0, T0, Matcher.eq("__name__", "conflict")).get(0).samples().get(0).value());
    }

    @Test
    void matchersFollowPrometheusSemantics() {
        write(MAIN,
                series(Labels.of("__name__", "m", "job", "api", "env", "prod"), 1),
                series(Labels.of("__name__", "m", "job", "api"), 2),
                series(Labels.of("__name__", "m", "job", "db", "env", "dev"), 3),
                series(Labels.of("__name__", "other", "job", "api"), 4));
        assertEquals(List.of(2.0), values(read(MAIN, T0, T0, Matcher.eq("__name__", "m"), Matcher.eq("env", ""))));
        // label order: {env="dev", job="db"} < {env="prod", job="api"} < {job="api"}
        assertEquals(List.of(3.0, 1.0), values(read(MAIN, T0, T0, Matcher.eq("__name__", "m"), Matcher.neq("env", ""))));
        assertEquals(List.of(3.0, 2.0), values(read(MAIN, T0, T0, Matcher.eq("__name__", "m"), Matcher.neq("env", "prod"))));
        assertEquals(List.of(1.0, 2.0), values(read(MAIN, T0, T0, Matcher.re("job", "a.*"), Matcher.eq("__name__", "m"))));
        assertEquals(List.of(), values(read(MAIN, T0, T0, Matcher.re("job", "p"))), "regex is anchored");
        assertEquals(List.of(1.0, 2.0), values(read(MAIN, T0, T0, Matcher.eq("__name__", "m"), Matcher.re("env", "prod|"))),
                "a regex matching the empty string matches the absent label");
        assertEquals(List.of(3.0), values(read(MAIN, T0, T0, Matcher.eq("__name__", "m"), Matcher.nre("env", "prod|"))));
        assertEquals(List.of(4.0), values(read(MAIN, T0, T0, Matcher.re("__name__", "oth.*"))));
        assertEquals(List.of(), values(read(MAIN, T0, T0, Matcher.eq("__name__", "m"), Matcher.eq("nosuchlabel", "x"))),
                "a label no series has is absent");
        assertEquals(3, read(MAIN, T0, T0, Matcher.eq("__name__", "m"), Matcher.eq("nosuchlabel", "")).size());
    }

    @Test
    void rangeIsInclusiveAndSeriesWithoutSamplesInRangeAreLeftOut() {
        write(MAIN, series(Labels.of("__name__", "r"), 1, 2, 3, 4));
        assertEquals(List.of(2.0, 3.0), values(read(MAIN, T0 + 1000, T0 + 2000, Matcher.eq("__name__", "r"))));
        assertEquals(List.of(), read(MAIN, T0 + 3001, T0 + 9000, Matcher.eq("__name__", "r")));
        assertEquals(List.of(), read(MAIN, T0 - 9000, T0 - 1, Matcher.eq("__name__", "r")));
    }

    @Test
    void seriesInLabelOrderAndSamplesInTimeOrder() {
        Labels b = Labels.of("__name__", "o", "i", "b");
        Labels a = Labels.of("__name__", "o", "i", "a");
        write(MAIN, seriesAt(b, T0 + 2000, Double.doubleToRawLongBits(3), T0, Double.doubleToRawLongBits(1)));
        write(MAIN, series(a, 7), seriesAt(b, T0 + 1000, Double.doubleToRawLongBits(2)));
        List<TimeSeries> got = read(MAIN, T0, T0 + 5000, Matcher.eq("__name__", "o"));
        assertEquals(List.of(a, b), got.stream().map(TimeSeries::labels).toList());
        assertEquals(List.of(T0, T0 + 1000, T0 + 2000),
                got.get(1).samples().stream().map(Sample::timestampMs).toList());
    }

    @Test
    void destinationsAreIsolated() {
        Map<Destination, List<TimeSeries>> batch = Map.of(
                MAIN, List.of(series(Labels.of("__name__", "d", "x", "main"), 1)),
                OTHER, List.of(series(Labels.of("__name__", "d", "x", "other"), 2)));
        assertEquals(2, store.writer().write(batch).written());
        assertEquals(List.of(1.0), values(read(MAIN, T0, T0, Matcher.eq("__name__", "d"))));
        assertEquals(List.of(2.0), values(read(OTHER, T0, T0, Matcher.eq("__name__", "d"))));
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        int writers = 8;
        int perWriter = 250;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<StoreResult>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                results.add(pool.submit(() -> {
                    List<Sample> samples = new ArrayList<>();
                    for (int i = 0; i < perWriter; i++) {
                        samples.add(new Sample(T0 + i, id * 1000 + i));
                    }
                    return store.writer().write(Map.of(MAIN, List.of(
                            new TimeSeries(Labels.of("__name__", "conc", "w", "w" + id), samples),
                            new TimeSeries(Labels.of("__name__", "conc", "shared", "yes"), samples.subList(0, 1)
                                    .stream().map(s -> new Sample(s.timestampMs(), 0.5)).toList()))));
                }));
            }
            long written = 0;
            for (Future<StoreResult> f : results) {
                StoreResult r = f.get(60, TimeUnit.SECONDS);
                assertTrue(r.failures().isEmpty(), "failures: " + r.failures());
                written += r.written();
            }
            assertTrue(written >= (long) writers * perWriter + 1, "written " + written);
        } finally {
            pool.shutdownNow();
        }
        List<TimeSeries> got = read(MAIN, T0, T0 + perWriter, Matcher.eq("__name__", "conc"));
        assertEquals(writers + 1, got.size());
        long samples = got.stream().mapToLong(s -> s.samples().size()).sum();
        assertEquals((long) writers * perWriter + 1, samples);
    }

    private static List<Double> values(List<TimeSeries> series) {
        List<Double> out = new ArrayList<>();
        for (TimeSeries s : series) {
            for (Sample x : s.samples()) {
                out.add(x.value());
            }
        }
        return out;
    }
}
