package io.tsconnector.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.port.in.WriteCommand;
import io.tsconnector.application.port.in.WriteOutcome;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.DestinationResolver;
import io.tsconnector.domain.IgnoreReason;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteSeriesServiceTest {
    private static final double STALE = Double.longBitsToDouble(Sample.STALE_NAN_BITS);
    private final DestinationResolver resolver = new DestinationResolver("db", "tbl", "", "");

    /** Records what it is asked to store; answers with a scripted result. */
    private static final class RecordingWriter implements SeriesWriter {
        final List<Map<Destination, List<TimeSeries>>> calls = new ArrayList<>();
        StoreResult answer;

        @Override
        public StoreResult write(Map<Destination, List<TimeSeries>> batch) {
            calls.add(new LinkedHashMap<>(batch));
            if (answer != null) {
                return answer;
            }
            long n = batch.values().stream().flatMap(List::stream).mapToLong(s -> s.samples().size()).sum();
            return StoreResult.written(n);
        }
    }

    private final RecordingWriter writer = new RecordingWriter();

    private WriteOutcome write(WritePolicy policy, TimeSeries... series) {
        return new WriteSeriesService(resolver, policy, writer).write(WriteCommand.of(List.of(series)));
    }

    private static TimeSeries ts(Labels labels, double... values) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            samples.add(new Sample(1000L * (i + 1), values[i]));
        }
        return new TimeSeries(labels, samples);
    }

    private static Labels labels(String metric, String db, String table) {
        return Labels.of("__name__", metric, "db", db, "tbl", table, "job", "x");
    }

    @Test
    void groupsByDestinationAndStripsDestinationLabels() {
        WriteOutcome o = write(WritePolicy.DEFAULT, ts(labels("a", "d1", "t1"), 1), ts(labels("b", "d2", "t2"), 2, 3),
                ts(labels("c", "d1", "t1"), 4));
        assertEquals(4, o.received());
        assertEquals(4, o.written());
        assertTrue(o.isComplete());
        Map<Destination, List<TimeSeries>> batch = writer.calls.get(0);
        assertEquals(2, batch.get(new Destination("d1", "t1")).size());
        assertEquals(Labels.of("__name__", "b", "job", "x"), batch.get(new Destination("d2", "t2")).get(0).labels());
    }

    @Test
    void nonFiniteSamplesAreSkippedAndCountedByDefault() {
        WriteOutcome o = write(WritePolicy.DEFAULT, ts(labels("a", "d", "t"), 1, Double.NaN, STALE, Double.POSITIVE_INFINITY, 5));
        assertEquals(5, o.received());
        assertEquals(2, o.written());
        assertEquals(2, o.ignored(IgnoreReason.INVALID_SAMPLE_VALUE));
        assertEquals(1, o.ignored(IgnoreReason.STALE_MARKER));
        assertTrue(o.isComplete(), "skipping by option is not a failure");
        List<Sample> stored = writer.calls.get(0).values().iterator().next().get(0).samples();
        assertEquals(List.of(1.0, 5.0), stored.stream().map(Sample::value).toList());
    }

    @Test
    void theNanOfAnEmptySummaryIsCountedApartFromOtherNonFiniteValues() {
        Labels quantile = Labels.of("__name__", "rpc_seconds", "quantile", "0.9", "db", "d", "tbl", "t");
        WriteOutcome o = write(WritePolicy.DEFAULT, ts(quantile, Double.NaN, STALE, 0.5), ts(labels("a", "d", "t"), Double.NaN));
        assertEquals(1, o.ignored(IgnoreReason.SUMMARY_NAN));
        assertEquals(1, o.ignored(IgnoreReason.STALE_MARKER));
        assertEquals(1, o.ignored(IgnoreReason.INVALID_SAMPLE_VALUE));
        assertEquals(1, o.written());
    }

    @Test
    void failOnInvalidSampleValueRejectsWholeRequestAndWritesNothing() {
        NeverRetryException e = assertThrows(NeverRetryException.class, () -> write(new WritePolicy(false, true),
                ts(labels("a", "d", "t"), 1), ts(labels("b", "d", "t"), Double.NaN)));
        assertEquals(NeverRetryException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().startsWith("InvalidSampleValueError: "), e.getMessage());
        assertTrue(writer.calls.isEmpty(), "nothing written");
    }

    @Test
    void longLabelsAreSkippedByDefaultAndRejectTheRequestWhenAsked() {
        TimeSeries longName = ts(labels("m".repeat(300), "d", "t"), 1);
        TimeSeries ok = ts(labels("ok", "d", "t"), 2);
        WriteOutcome o = write(WritePolicy.DEFAULT, longName, ok);
        assertEquals(1, o.written());
        assertEquals(1, o.ignored(IgnoreReason.LONG_METRIC_NAME));
        assertTrue(o.isComplete());
        writer.calls.clear();
        NeverRetryException e = assertThrows(NeverRetryException.class, () -> write(new WritePolicy(true, false), ok, longName));
        assertTrue(e.getMessage().startsWith("LongLabelNameError: "), e.getMessage());
        assertTrue(writer.calls.isEmpty());
    }

    @Test
    void labelsTheStoreCannotHoldAreSkippedWithTheirReasonOrRejectTheRequestWhenAsked() {
        SeriesWriter picky = new SeriesWriter() {
            @Override
            public StoreResult write(Map<Destination, List<TimeSeries>> batch) {
                return writer.write(batch);
            }

            @Override
            public io.tsconnector.domain.Violation checkLabels(Labels stored) {
                return "bad".equals(stored.metricName())
                        ? new io.tsconnector.domain.Violation(IgnoreReason.UNSTORABLE_LABEL, "cannot hold " + stored) : null;
            }
        };
        TimeSeries bad = ts(labels("bad", "d", "t"), 1, 2);
        TimeSeries ok = ts(labels("ok", "d", "t"), 3);
        WriteOutcome o = new WriteSeriesService(resolver, WritePolicy.DEFAULT, picky).write(WriteCommand.of(List.of(bad, ok)));
        assertEquals(1, o.written());
        assertEquals(2, o.ignored(IgnoreReason.UNSTORABLE_LABEL));
        assertEquals("unstorable_label", IgnoreReason.UNSTORABLE_LABEL.metricLabel());
        assertTrue(o.isComplete(), "skipped by the fail-on-long-label option");
        writer.calls.clear();
        NeverRetryException e = assertThrows(NeverRetryException.class, () -> new WriteSeriesService(resolver,
                new WritePolicy(true, false), picky).write(WriteCommand.of(List.of(ok, bad))));
        assertTrue(e.getMessage().contains("cannot hold"), e.getMessage());
        assertTrue(writer.calls.isEmpty(), "nothing written");
    }

    @Test
    void missingDestinationIsCountedTheRestIsWrittenAndTheLossIsReported() {
        WriteOutcome o = write(WritePolicy.DEFAULT, ts(Labels.of("__name__", "a", "tbl", "t"), 1, 2),
                ts(labels("b", "d", "t"), 3));
        assertEquals(1, o.written());
        assertEquals(2, o.ignored(IgnoreReason.MISSING_DATABASE));
        assertEquals(2, o.rejected());
        assertFalse(o.isComplete());
        assertTrue(o.problems().get(0).startsWith("MissingDatabaseWithWriteError"), o.problems().toString());
    }

    @Test
    void histogramsAndExemplarsAreReportedAsNotStored() {
        WriteOutcome o = new WriteSeriesService(resolver, WritePolicy.DEFAULT, writer)
                .write(new WriteCommand(List.of(ts(labels("a", "d", "t"), 1)), 5, 2));
        assertEquals(5, o.ignored(IgnoreReason.NATIVE_HISTOGRAM));
        assertEquals(2, o.ignored(IgnoreReason.EXEMPLAR));
        assertEquals(7, o.rejected());
    }

    @Test
    void storeFailuresAndRejectionsReachTheOutcome() {
        writer.answer = new StoreResult(3, 1, List.of("conflict"), List.of(new RetryLaterException("throttled")));
        WriteOutcome o = write(WritePolicy.DEFAULT, ts(labels("a", "d", "t"), 1, 2, 3, 4, 5));
        assertEquals(3, o.written());
        assertEquals(1, o.ignored(IgnoreReason.REJECTED_RECORDS));
        assertTrue(o.isRetryable());
        assertTrue(o.problems().contains("throttled"));
    }

    @Test
    void metadataOnlyRequestWritesNothingAndIsComplete() {
        WriteOutcome o = write(WritePolicy.DEFAULT);
        assertEquals(0, o.received());
        assertTrue(o.isComplete());
        assertTrue(writer.calls.isEmpty());
    }

    @Test
    void logLinesPerRequestAreBoundedWhateverTheNumberOfBadSeries() {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(WriteSeriesService.class.getName());
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Level saved = jul.getLevel();
        jul.addHandler(capture);
        jul.setLevel(java.util.logging.Level.ALL);
        try {
            List<TimeSeries> series = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                series.add(ts(Labels.of("job", "j" + i, "db", "d", "tbl", "t"), 1.0));
                series.add(ts(labels("m" + i, "d", "t"), Double.NaN));
            }
            WriteOutcome outcome = new WriteSeriesService(resolver, WritePolicy.DEFAULT, writer)
                    .write(WriteCommand.of(series));
            assertEquals(20_000L, outcome.ignored().get(IgnoreReason.MISSING_METRIC_NAME));
            assertEquals(20_000L, outcome.ignored().get(IgnoreReason.INVALID_SAMPLE_VALUE));
            long warnings = records.stream().filter(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
                    .count();
            assertEquals(1, warnings, "one summary line for the never-storable reason");
            java.util.logging.LogRecord summary = records.stream()
                    .filter(r -> r.getLevel() == java.util.logging.Level.WARNING).findFirst().orElseThrow();
            assertTrue(summary.getMessage().contains("Ignored 20000 samples of 20000 series"), summary.getMessage());
            assertTrue(summary.getMessage().contains("MissingMetricNameError"), summary.getMessage());
            assertTrue(records.size() <= 2 + 20, "summaries plus rate-limited detail lines: " + records.size());
            assertTrue(outcome.problems().size() <= 10, "the answer names a few problems, not all");
        } finally {
            jul.removeHandler(capture);
            jul.setLevel(saved);
        }
    }
}
