package io.tsconnector.adapters.influxdb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.ReadDeadline;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesConsumer;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Adapter: answers remote-read queries from InfluxDB with InfluxQL SELECTs ({@link InfluxQl}), their chunked
 * JSON answers parsed as they arrive with a streaming parser, so the raw answer is never held; the points of a
 * series are merged across answers, series handed over in label order.
 *
 * <p>A {@code SELECT ... GROUP BY *} over many series costs InfluxDB (1.x, and the InfluxQL engine of 2.x) far
 * more per point than the points themselves: it merges the points of all series into one stream sorted by
 * series and time, comparing the series' tags at every step. So a read first asks how many points each
 * matching series has ({@code count()}, which needs no such merge), then, on those versions and where series
 * have enough points to pay for a statement each, reads each series with a statement of its own; statements
 * go in requests of about equal points, {@link InfluxSettings#readParallelism()} of them at once (each request
 * is one query on one InfluxDB core), and series are handed on as the requests before them are answered. A
 * query of few series is also split by time when long (at least {@value #MIN_PART_MS} ms per part); a query
 * of many short series, or to another server, stays one SELECT, split by time when long.
 */
public final class InfluxSeriesReader implements SeriesReader {
    /** A query is split only into parts at least this long: short ones cost more in round trips than they save. */
    static final long MIN_PART_MS = 30 * 60_000L;
    /**
     * Series with fewer points than this on average are read with one SELECT: a statement costs InfluxDB about
     * what merging this many points of a series costs.
     */
    static final long MIN_POINTS_PER_STATEMENT = 32;
    /**
     * Requests of a per-series plan per parallel worker: answers come back in order while later ones are still
     * being produced, so their series are handed over early.
     */
    static final int REQUESTS_PER_WORKER = 4;
    /** Statements in one request, and its query text: bounded so no server limit on a form is ever reached. */
    static final int MAX_STATEMENTS = 500;
    static final int MAX_QUERY_CHARS = 256 * 1024;
    /** The largest columns allocated ahead from a count; a series with more points grows its columns. */
    private static final int MAX_PRESIZE = 1 << 16;
    /** Jackson's fast double parser: correctly rounded like {@link Double#parseDouble}, at a fraction of its cost. */
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
    private static final String COUNT = "count";

    private final InfluxHttp http;
    private final int parallelism;
    private final long minPointsPerStatement;
    private final ExecutorService parts;

    public InfluxSeriesReader(InfluxHttp http) {
        this(http, MIN_POINTS_PER_STATEMENT);
    }

    /** With another threshold of average points per series for a statement per series (tests take both ways). */
    InfluxSeriesReader(InfluxHttp http, long minPointsPerStatement) {
        this.http = http;
        this.minPointsPerStatement = minPointsPerStatement;
        this.parallelism = http.settings().readParallelism();
        AtomicInteger threads = new AtomicInteger();
        this.parts = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "influxdb-read-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void read(Destination destination, SeriesQuery query, SeriesConsumer consumer) {
        read(destination, query, ReadDeadline.NONE, consumer);
    }

    /** Every request of the read is bounded by the time left; past the deadline the read stops with its error. */
    @Override
    public void read(Destination destination, SeriesQuery query, ReadDeadline deadline, SeriesConsumer consumer) {
        long start = Math.max(query.startMs(), InfluxQl.MIN_TIME_MS);
        long end = Math.min(query.endMs(), InfluxQl.MAX_TIME_MS);
        String count = InfluxQl.count(destination.table(), query);
        if (start > end || count == null) {
            return;
        }
        String what = "InfluxQL query on " + destination;
        Accumulator counted = new Accumulator(what, COUNT, null);
        String version = http.query(destination.database(), count, what, deadline, counted::parse);
        List<Found> found = counted.found();
        if (found.isEmpty()) {
            return;
        }
        long points = 0;
        for (Found f : found) {
            points += f.points;
        }
        Plan plan = mergesSeriesPointByPoint(version) && points / found.size() >= minPointsPerStatement
                ? perSeries(destination.table(), start, end, found, points)
                : oneSelect(destination.table(), start, end, query);
        Map<Labels, Integer> expected = new HashMap<>(found.size() * 2);
        for (Found f : found) {
            expected.put(f.labels, (int) Math.min(MAX_PRESIZE, f.points / plan.timeParts + 1));
        }
        run(destination.database(), plan, what, expected, deadline, consumer);
    }

    /**
     * Whether the server is an InfluxDB 1.x or 2.x, whose InfluxQL engine merges the points of all series of a
     * SELECT into one sorted stream. InfluxDB 3 runs InfluxQL on another engine (and plans each statement
     * anew), and a server that names no version is not known to be either: both get one SELECT.
     */
    static boolean mergesSeriesPointByPoint(String version) {
        if (version == null) {
            return false;
        }
        String v = version.startsWith("v") ? version.substring(1) : version;
        return v.startsWith("1.") || v.startsWith("2.");
    }

    /** One SELECT of all series, split by time into up to {@link #parallelism} parts when long. */
    private Plan oneSelect(String table, long start, long end, SeriesQuery query) {
        int n = (int) Math.max(1, Math.min(parallelism, (end - start) / MIN_PART_MS));
        long step = (end - start + 1) / n;
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long from = start + i * step;
            long to = i == n - 1 ? end : from + step - 1;
            out.add(InfluxQl.select(table, new SeriesQuery(from, to, query.matchers(), query.hints())));
        }
        return new Plan(out, n, Collections.nCopies(n, null));
    }

    /**
     * A statement per series (and per time part, when there are fewer series than parallel requests and the
     * range is long), in requests of about equal points, {@link #REQUESTS_PER_WORKER} per parallel worker.
     */
    private Plan perSeries(String table, long start, long end, List<Found> found, long points) {
        int timeParts = (int) Math.max(1, Math.min(((long) parallelism + found.size() - 1) / found.size(),
                (end - start) / MIN_PART_MS));
        long step = (end - start + 1) / timeParts;
        long wanted = (long) parallelism * REQUESTS_PER_WORKER;
        long perRequest = Math.max(1, (points + wanted - 1) / wanted);
        Set<Set<String>> keySets = new HashSet<>();
        for (Found f : found) {
            keySets.add(Set.of(f.keys));
        }
        Map<Set<String>, List<String>> absentByKeys = absentKeys(keySets);
        List<String> requests = new ArrayList<>();
        List<Labels> firstLabels = new ArrayList<>();
        StringBuilder q = new StringBuilder();
        int statements = 0;
        long inRequest = 0;
        for (Found f : found) {
            List<String> absent = absentByKeys.get(Set.of(f.keys));
            for (int i = 0; i < timeParts; i++) {
                long from = start + i * step;
                long to = i == timeParts - 1 ? end : from + step - 1;
                String statement = InfluxQl.series(table, from, to, f.keys, f.values, absent);
                long unit = f.points / timeParts;
                if (statements > 0 && (inRequest + unit > perRequest || statements == MAX_STATEMENTS
                        || q.length() + statement.length() > MAX_QUERY_CHARS)) {
                    requests.add(q.toString());
                    q.setLength(0);
                    statements = 0;
                    inRequest = 0;
                }
                if (statements == 0) {
                    firstLabels.add(f.labels);
                }
                q.append(statements == 0 ? "" : ";").append(statement);
                statements++;
                inRequest += unit;
            }
        }
        requests.add(q.toString());
        return new Plan(requests, timeParts, firstLabels);
    }

    /**
     * For each set of tag keys, the keys its series lack that series with more keys have: a series' statement
     * names them as absent, or it would also match every series that has its tags and more.
     */
    static Map<Set<String>, List<String>> absentKeys(Set<Set<String>> keySets) {
        Map<Set<String>, List<String>> out = new HashMap<>();
        for (Set<String> mine : keySets) {
            Set<String> absent = new TreeSet<>();
            for (Set<String> other : keySets) {
                if (other.size() > mine.size() && other.containsAll(mine)) {
                    for (String k : other) {
                        if (!mine.contains(k)) {
                            absent.add(k);
                        }
                    }
                }
            }
            out.put(mine, List.copyOf(absent));
        }
        return out;
    }

    /**
     * Runs the requests, {@link #parallelism} at once on pool threads, each answer into an accumulator of its
     * own that keeps only the expected series. The calling thread takes the answers in request order and hands
     * over every series that sorts before the first series of the next request as soon as it has them, so the
     * consumer's encoding overlaps InfluxDB's work on later requests (and those series are not held); the
     * parts of a one-SELECT plan all hold every series, so its series are handed over at the end.
     */
    private void run(String database, Plan plan, String what, Map<Labels, Integer> expected, ReadDeadline deadline,
                     SeriesConsumer consumer) {
        List<String> requests = plan.requests;
        int n = requests.size();
        if (n == 1) {
            Accumulator a = new Accumulator(what, LineProtocol.FIELD, expected);
            http.query(database, requests.get(0), what, deadline, a::parse);
            a.emitBefore(null, consumer);
            return;
        }
        List<CompletableFuture<Accumulator>> answers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            answers.add(new CompletableFuture<>());
        }
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Runnable worker = () -> {
            // requests are taken in order, so every request before a failed one has been started and will end
            for (int i; !stop.get() && (i = next.getAndIncrement()) < n; ) {
                try {
                    Accumulator a = new Accumulator(what, LineProtocol.FIELD, expected);
                    http.query(database, requests.get(i), what, deadline, a::parse);
                    answers.get(i).complete(a);
                } catch (Throwable t) {
                    stop.set(true);
                    answers.get(i).completeExceptionally(t);
                }
            }
        };
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int w = Math.min(parallelism, n); w > 0; w--) {
                running.add(parts.submit(worker));
            }
            Accumulator pending = answers.get(0).get();
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    pending.append(answers.get(i).get());
                }
                if (i == n - 1) {
                    pending.emitBefore(null, consumer);
                } else if (plan.firstLabels.get(i + 1) != null) {
                    pending.emitBefore(plan.firstLabels.get(i + 1), consumer);
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new RetryLaterException(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryLaterException(what + " was interrupted", e);
        } finally {
            stop.set(true);
            for (Future<?> f : running) {
                f.cancel(true);
            }
        }
    }

    /**
     * The requests of a read, into how many parts by time it split each series, and the labels of the first
     * series of each request, where all its series sort after those of the requests before it (else null).
     */
    private record Plan(List<String> requests, int timeParts, List<Labels> firstLabels) {
    }

    /** A series the count found: its labels, its tags as InfluxDB names them, its points in the range. */
    private record Found(Labels labels, String[] keys, String[] values, long points) {
    }

    /**
     * The series of one answer, keyed by labels, with their samples (the values of column {@code valueColumn})
     * as growable primitive columns. With {@code expected} it keeps only those series, their columns sized
     * ahead as given; without, it also keeps each series' tags as InfluxDB named them ({@link #found()}).
     */
    static final class Accumulator {
        private final String what;
        private final String valueColumn;
        private final Map<Labels, Integer> expected;
        private final Map<Labels, Columns> series = new HashMap<>();
        private final Map<Labels, String[][]> tags = new HashMap<>();
        private final List<String> keys = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<String> values = new ArrayList<>();

        Accumulator(String what, String valueColumn, Map<Labels, Integer> expected) {
            this.what = what;
            this.valueColumn = valueColumn;
            this.expected = expected;
        }

        /** Parses every JSON document of a (chunked) answer: one {@code {"results":[...]}} per chunk. */
        void parse(InputStream body) throws IOException {
            try (JsonParser p = JSON.createParser(body)) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t != JsonToken.START_OBJECT) {
                        throw unexpected(p);
                    }
                    document(p);
                }
            } catch (JsonParseException e) {
                throw new NeverRetryException(NeverRetryException.Kind.INVALID, what
                        + " failed: InfluxDB's answer is not valid JSON: " + e.getOriginalMessage(), e);
            }
        }

        private void document(JsonParser p) throws IOException {
            fields(p, "results", this::result);
        }

        private void result(JsonParser p) throws IOException {
            fields(p, "series", this::series);
        }

        /** Reads an object: each object of the array {@code arrayField} by {@code element}; an "error" is thrown. */
        private void fields(JsonParser p, String arrayField, Element element) throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals(arrayField) && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        element.read(p);
                    }
                } else if (field.equals("error") && t == JsonToken.VALUE_STRING) {
                    throw InfluxHttp.queryError(what, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }

        @FunctionalInterface
        private interface Element {
            void read(JsonParser p) throws IOException;
        }

        private void series(JsonParser p) throws IOException {
            Columns target = null;
            boolean tagged = false;
            int timeAt = 0;
            int valueAt = 1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "tags" -> {
                        if (t != JsonToken.START_OBJECT) {
                            throw unexpected(p);
                        }
                        target = target(tags(p));
                        tagged = true;
                    }
                    case "columns" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw unexpected(p);
                        }
                        int i = 0;
                        while (p.nextToken() == JsonToken.VALUE_STRING) {
                            String c = p.getText();
                            if (c.equals("time")) {
                                timeAt = i;
                            } else if (c.equals(valueColumn)) {
                                valueAt = i;
                            }
                            i++;
                        }
                    }
                    case "values" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw unexpected(p);
                        }
                        if (!tagged) {
                            // GROUP BY * always sends tags first; without them the series has no labels
                            names.clear();
                            keys.clear();
                            values.clear();
                            target = target(Labels.empty());
                            tagged = true;
                        }
                        if (target == null) {
                            p.skipChildren();
                        } else {
                            points(p, target, timeAt, valueAt);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }

        /**
         * The columns of a series, or null when it is not one of the expected ones (one written after they were
         * counted, which a per-series statement may also match): they are skipped.
         */
        private Columns target(Labels labels) {
            if (expected == null) {
                tags.computeIfAbsent(labels, k -> new String[][] {keys.toArray(new String[0]), values.toArray(new String[0])});
                return series.computeIfAbsent(labels, k -> new Columns(16));
            }
            Integer size = expected.get(labels);
            return size == null ? null : series.computeIfAbsent(labels, k -> new Columns(Math.max(1, size)));
        }

        /** Labels from the tags of a series: {@code measure_name} is {@code __name__}, empty values are absent. */
        private Labels tags(JsonParser p) throws IOException {
            keys.clear();
            names.clear();
            values.clear();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    p.skipChildren();
                    continue;
                }
                String value = p.getText();
                if (!value.isEmpty()) {
                    keys.add(key);
                    names.add(key.equals(LineProtocol.MEASURE_NAME) ? Labels.METRIC_NAME : key);
                    values.add(value);
                }
            }
            try {
                return Labels.fromArrays(names.toArray(new String[0]), values.toArray(new String[0]), names.size());
            } catch (IllegalArgumentException e) {
                throw new NeverRetryException(NeverRetryException.Kind.INVALID, what + " failed: a series of the answer has "
                        + "labels the connector cannot represent: " + e.getMessage(), e);
            }
        }

        private void points(JsonParser p, Columns target, int timeAt, int valueAt) throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.START_ARRAY) {
                long time = 0;
                double value = 0;
                boolean hasTime = false;
                boolean hasValue = false;
                int i = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        throw unexpected(p);
                    }
                    if (i == timeAt && t == JsonToken.VALUE_NUMBER_INT) {
                        time = p.getLongValue();
                        hasTime = true;
                    } else if (i == valueAt && (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)) {
                        value = number(p, t);
                        hasValue = true;
                    } else {
                        p.skipChildren();
                    }
                    i++;
                }
                if (hasTime && hasValue) {
                    target.add(time, value);
                }
            }
            if (t != JsonToken.END_ARRAY) {
                throw unexpected(p);
            }
        }

        /**
         * The value of a JSON number exactly: InfluxDB writes the shortest decimal that reads back to the same
         * bits ("-0" and "9007199254740992" are integers in JSON, "-0" must keep its sign).
         */
        private static double number(JsonParser p, JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                return p.getDoubleValue();
            }
            if (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG) {
                long v = p.getLongValue();
                if (v == 0) {
                    return p.getText().startsWith("-") ? -0.0 : 0.0;
                }
                if (Math.abs(v) <= (1L << 53)) {
                    return v;
                }
            }
            return Double.parseDouble(p.getText());
        }

        private NeverRetryException unexpected(JsonParser p) {
            return new NeverRetryException(NeverRetryException.Kind.INVALID, what
                    + " failed: unexpected " + p.currentToken() + " in InfluxDB's answer at " + p.currentLocation());
        }

        /** The series of a count, sorted by labels: labels, tags, and the sum of the counts as their points. */
        List<Found> found() {
            List<Found> out = new ArrayList<>(series.size());
            for (Map.Entry<Labels, Columns> e : series.entrySet()) {
                String[][] kv = tags.get(e.getKey());
                long points = 0;
                Columns c = e.getValue();
                for (int i = 0; i < c.size; i++) {
                    // a count is a whole number; anything else is not InfluxDB's answer to count()
                    double v = c.values[i];
                    if (!(v >= 0 && v <= 1L << 53) || v != Math.rint(v)) {
                        throw new NeverRetryException(NeverRetryException.Kind.INVALID, what
                                + " failed: InfluxDB answered count() with " + v);
                    }
                    points += (long) v;
                }
                if (points > 0) {
                    out.add(new Found(e.getKey(), kv[0], kv[1], points));
                }
            }
            out.sort((a, b) -> a.labels.compareTo(b.labels));
            return out;
        }

        /** Adds the points of a later part of the time range, series by series. */
        void append(Accumulator later) {
            for (Map.Entry<Labels, Columns> e : later.series.entrySet()) {
                Columns mine = series.get(e.getKey());
                if (mine == null) {
                    series.put(e.getKey(), e.getValue());
                } else {
                    mine.append(e.getValue());
                }
            }
            later.series.clear();
        }

        /** Hands over, in label order, the series that sort before {@code bound} (all of them: null) and forgets them. */
        void emitBefore(Labels bound, SeriesConsumer consumer) {
            Labels[] keys = series.keySet().toArray(new Labels[0]);
            Arrays.sort(keys);
            for (Labels key : keys) {
                if (bound != null && key.compareTo(bound) >= 0) {
                    return;
                }
                Columns c = series.remove(key);
                if (c.size > 0) {
                    consumer.accept(new TimeSeries(key, c.samples()));
                }
            }
        }
    }

    /** Times and values of one series in arrival order; InfluxDB sends a series' points sorted by time. */
    private static final class Columns {
        private long[] times;
        private double[] values;
        private int size;
        private boolean sorted = true;

        Columns(int capacity) {
            times = new long[capacity];
            values = new double[capacity];
        }

        void add(long t, double v) {
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            if (size > 0 && times[size - 1] >= t) {
                sorted = false;
            }
            times[size] = t;
            values[size] = v;
            size++;
        }

        void append(Columns later) {
            for (int i = 0; i < later.size; i++) {
                add(later.times[i], later.values[i]);
            }
        }

        List<Sample> samples() {
            Sample[] out = new Sample[size];
            for (int i = 0; i < size; i++) {
                out[i] = new Sample(times[i], values[i]);
            }
            if (sorted) {
                return Arrays.asList(out);
            }
            // stable: of two points at one time the later one in the answer wins, as in InfluxDB
            Arrays.sort(out, (a, b) -> Long.compare(a.timestampMs(), b.timestampMs()));
            List<Sample> unique = new ArrayList<>(out.length);
            for (Sample s : out) {
                if (!unique.isEmpty() && unique.get(unique.size() - 1).timestampMs() == s.timestampMs()) {
                    unique.set(unique.size() - 1, s);
                } else {
                    unique.add(s);
                }
            }
            return unique;
        }
    }
}
