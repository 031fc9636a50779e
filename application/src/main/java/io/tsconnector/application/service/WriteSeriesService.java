package io.tsconnector.application.service;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.cache.BoundedCache;
import io.tsconnector.application.port.in.WriteCommand;
import io.tsconnector.application.port.in.WriteOutcome;
import io.tsconnector.application.port.in.WriteSeriesUseCase;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.DestinationResolver;
import io.tsconnector.domain.DomainException;
import io.tsconnector.domain.ErrorName;
import io.tsconnector.domain.IgnoreReason;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SampleValidator;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.domain.Violation;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Service: validates the series of a write request, groups them by destination and hands them to the
 * {@link SeriesWriter}. Nothing is written when a fail-on option rejects the request.
 */
public final class WriteSeriesService implements WriteSeriesUseCase {
    private static final System.Logger LOG = System.getLogger(WriteSeriesService.class.getName());
    private static final int MAX_PROBLEMS = 10;
    /** Examples a summary line names per reason. */
    private static final int MAX_EXAMPLES = 3;

    /** Series whose checks are remembered by default; Prometheus sends the same series in every request. */
    public static final int DEFAULT_CACHE_ENTRIES = 200_000;

    /** Destinations kept as one instance each; labels decide them, so their number is bounded here. */
    private static final int MAX_CANONICAL_DESTINATIONS = 10_000;

    private final java.util.concurrent.ConcurrentHashMap<Destination, Destination> canonical =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final DestinationResolver destinations;
    private final WritePolicy policy;
    private final SeriesWriter writer;
    /** What each recently seen series' labels decide; Prometheus sends the same series in every request. */
    private final BoundedCache<Labels, Prepared> prepared;
    /** Per-series detail lines at debug, across requests: a flood of bad series must not flood the log. */
    private final LogRateLimit detailLog = new LogRateLimit(10, 1_000_000_000L);

    /** What one request lost for one reason: counts and the first few examples, for one summary line. */
    private static final class Tally {
        long samples;
        long series;
        final List<String> examples = new ArrayList<>(MAX_EXAMPLES);
    }

    /**
     * What the labels of a series decide, whatever its samples: where it goes, what is stored, or why it
     * cannot be stored.
     */
    private record Prepared(Destination destination, Labels stored, Violation violation) {
    }

    public WriteSeriesService(DestinationResolver destinations, WritePolicy policy, SeriesWriter writer) {
        this(destinations, policy, writer, DEFAULT_CACHE_ENTRIES);
    }

    /** @param cacheEntries series whose destination and checks are kept (0 disables the cache) */
    public WriteSeriesService(DestinationResolver destinations, WritePolicy policy, SeriesWriter writer,
                              int cacheEntries) {
        this.destinations = destinations;
        this.policy = policy;
        this.writer = writer;
        this.prepared = new BoundedCache<>(cacheEntries);
    }

    /** The cache of what each recent series' labels decide, for its hit and miss counts. */
    public BoundedCache<?, ?> cache() {
        return prepared;
    }

    @Override
    public WriteOutcome write(WriteCommand command) {
        Map<IgnoreReason, Long> ignored = new EnumMap<>(IgnoreReason.class);
        Map<IgnoreReason, Tally> tallies = new EnumMap<>(IgnoreReason.class);
        List<String> problems = new ArrayList<>();
        Map<Destination, List<TimeSeries>> batch = new LinkedHashMap<>();
        long received = 0;
        // series of one destination come in runs: the list of the previous series' destination is at hand
        Destination runDestination = null;
        List<TimeSeries> run = null;
        if (command.histograms() > 0) {
            note(ignored, tallies, problems, IgnoreReason.NATIVE_HISTOGRAM, command.histograms(), command.histograms()
                    + " native histogram samples cannot be stored in Timestream as float samples");
        }
        if (command.exemplars() > 0) {
            note(ignored, tallies, problems, IgnoreReason.EXEMPLAR, command.exemplars(), command.exemplars()
                    + " exemplars cannot be stored in Timestream");
        }
        for (TimeSeries series : command.series()) {
            List<Sample> samples = series.samples();
            if (samples.isEmpty()) {
                continue;
            }
            received += samples.size();
            Prepared p = prepare(series.labels());
            Violation violation = p.violation();
            if (violation != null) {
                if (violation.reason().policy() == IgnoreReason.Policy.LONG_LABEL && policy.failOnLongLabel()) {
                    throw new NeverRetryException(NeverRetryException.Kind.INVALID,
                            violation.describe() + " (fail-on-long-label is true: nothing from this request was written)");
                }
                note(ignored, tallies, problems, violation.reason(), samples.size(), violation.describe());
                continue;
            }
            List<Sample> kept = keepFinite(series, ignored, tallies);
            if (!kept.isEmpty()) {
                Labels stored = p.stored();
                if (p.destination() != runDestination) {
                    runDestination = p.destination();
                    run = batch.computeIfAbsent(runDestination, d -> new ArrayList<>());
                }
                run.add(kept == samples && stored == series.labels() ? series : new TimeSeries(stored, kept));
            }
        }
        StoreResult result = batch.isEmpty() ? StoreResult.written(0) : writer.write(batch);
        if (result.rejected() > 0) {
            ignored.merge(IgnoreReason.REJECTED_RECORDS, result.rejected(), Long::sum);
            for (String r : result.rejections()) {
                if (problems.size() < MAX_PROBLEMS) {
                    problems.add(r);
                }
            }
        }
        for (var f : result.failures()) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(f.getMessage());
            }
        }
        summarize(tallies);
        return new WriteOutcome(received, result.written(), ignored, problems, result.failures());
    }

    /**
     * One line per reason for the whole request, with counts and a few examples: warning for what is never
     * storable (the request answers 400), debug for what the skip options drop on purpose.
     */
    private static void summarize(Map<IgnoreReason, Tally> tallies) {
        for (Map.Entry<IgnoreReason, Tally> e : tallies.entrySet()) {
            IgnoreReason reason = e.getKey();
            Level level = reason.policy() == IgnoreReason.Policy.ALWAYS_REJECT ? Level.WARNING : Level.DEBUG;
            if (LOG.isLoggable(level)) {
                Tally t = e.getValue();
                LOG.log(level, "Ignored " + t.samples + " samples of " + t.series + " series in one request ("
                        + reason.metricLabel() + "), e.g. " + String.join("; ", t.examples));
            }
        }
    }

    private void detail(String message) {
        if (LOG.isLoggable(Level.DEBUG)) {
            long suppressed = detailLog.acquire();
            if (suppressed >= 0) {
                LOG.log(Level.DEBUG, "Ignored: " + message
                        + (suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : ""));
            }
        }
    }

    private static Tally tally(Map<IgnoreReason, Tally> tallies, IgnoreReason reason, long samples, String example) {
        Tally t = tallies.computeIfAbsent(reason, r -> new Tally());
        t.samples += samples;
        t.series++;
        if (t.examples.size() < MAX_EXAMPLES && example != null) {
            t.examples.add(example);
        }
        return t;
    }

    private Prepared prepare(Labels labels) {
        // the decoder hands the same instance for a series in every request: read what was decided from it
        if (prepared.enabled() && labels.derived(this) instanceof Prepared p) {
            prepared.hit();
            return p;
        }
        Prepared p = prepared.get(labels, this::decide);
        Destination d = p.destination();
        if (d != null) {
            // one instance per destination, so runs of series are told apart by identity
            Destination same = canonical.putIfAbsent(d, d);
            if (same != null && same != d) {
                p = new Prepared(same, p.stored(), p.violation());
            } else if (same == null && canonical.size() > MAX_CANONICAL_DESTINATIONS) {
                canonical.clear();
            }
        }
        if (prepared.enabled()) {
            labels.derive(this, p);
        }
        return p;
    }

    private Prepared decide(Labels labels) {
        Prepared p;
        try {
            Destination destination = destinations.forSeries(labels);
            Labels stored = destinations.storedLabels(labels);
            Violation violation = SampleValidator.checkLabels(stored);
            p = new Prepared(destination, stored, violation != null ? violation : writer.checkLabels(stored));
        } catch (DomainException e) {
            IgnoreReason reason = e.errorName() == ErrorName.MISSING_DATABASE_WITH_WRITE
                    ? IgnoreReason.MISSING_DATABASE : IgnoreReason.MISSING_TABLE;
            p = new Prepared(null, null, new Violation(reason, e.detail()));
        }
        return p;
    }

    /** The finite samples of a series; the same list when all are finite. */
    private List<Sample> keepFinite(TimeSeries series, Map<IgnoreReason, Long> ignored, Map<IgnoreReason, Tally> tallies) {
        List<Sample> samples = series.samples();
        List<Sample> kept = null;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            IgnoreReason reason = SampleValidator.checkValue(series.labels(), s.value());
            if (reason == null) {
                if (kept != null) {
                    kept.add(s);
                }
                continue;
            }
            if (policy.failOnInvalidSampleValue()) {
                throw new NeverRetryException(NeverRetryException.Kind.INVALID, ErrorName.INVALID_SAMPLE_VALUE.text()
                        + ": " + nonFinite(series, s) + " (fail-on-invalid-sample-value is true: nothing from this "
                        + "request was written)");
            }
            if (kept == null) {
                kept = new ArrayList<>(samples.subList(0, i));
            }
            ignored.merge(reason, 1L, Long::sum);
            // the message is built only where it is used: a request may carry millions of such samples
            Tally t = tallies.get(reason);
            boolean example = t == null || t.examples.size() < MAX_EXAMPLES;
            String message = example || LOG.isLoggable(Level.DEBUG) ? nonFinite(series, s) : null;
            tally(tallies, reason, 1, example ? message : null);
            if (message != null) {
                detail(message);
            }
        }
        return kept == null ? samples : kept;
    }

    private static String nonFinite(TimeSeries series, Sample s) {
        return "series " + series.labels() + " has the non-finite value " + describe(s.value()) + " at "
                + s.timestampMs() + "; Timestream only accepts finite IEEE 754 values";
    }

    private static String describe(double v) {
        if (Sample.isStaleMarker(v)) {
            return "NaN (staleness marker)";
        }
        return Double.isNaN(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
    }

    private void note(Map<IgnoreReason, Long> ignored, Map<IgnoreReason, Tally> tallies, List<String> problems,
                      IgnoreReason reason, long samples, String message) {
        ignored.merge(reason, samples, Long::sum);
        if (reason.policy() == IgnoreReason.Policy.ALWAYS_REJECT && problems.size() < MAX_PROBLEMS) {
            problems.add(message);
        }
        tally(tallies, reason, samples, message);
        detail(message);
    }
}
