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
import io.tsconnector.domain.MatchType;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SampleValidator;
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
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

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
    /** Columns allocated ahead from the estimate of points per series, within these; more points grow them. */
    private static final int MIN_PRESIZE = 16;
    private static final int MAX_PRESIZE = 1 << 16;
    /** Series whose points are counted to estimate the points of a series. */
    static final int SAMPLED_SERIES = 32;
    /** Jackson's fast double parser: correctly rounded like {@link Double#parseDouble}, at a fraction of its cost. */
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
    private static final String COUNT = "count";
    private static final String FIRST = "first";
    /** MessagePack answers: read in 64 KiB pieces; a string (a tag, an error) of more than 1 MiB is refused. */
    private static final MessagePack.UnpackerConfig MESSAGE_PACK = new MessagePack.UnpackerConfig()
            .withBufferSize(64 * 1024).withStringSizeLimit(1 << 20);

    private final InfluxHttp http;
    private final int parallelism;
    private final long minPointsPerStatement;
    private final boolean messagePack;
    private final boolean exactOnAnyServer;
    private final ExecutorService parts;

    public InfluxSeriesReader(InfluxHttp http) {
        this(http, MIN_POINTS_PER_STATEMENT, true, false);
    }

    /**
     * A reader that reads every server as one that names no version (as InfluxDB 3 does): the table's tag keys
     * asked first, regexes InfluxDB 3 may read otherwise decided by the connector, statements of at most
     * {@value #SLICE_MS} ms. Tests run it against InfluxDB 1.x, where its answers must be the same.
     */
    public static InfluxSeriesReader readingAsAnyServer(InfluxHttp http) {
        return new InfluxSeriesReader(http, MIN_POINTS_PER_STATEMENT, false, true);
    }

    /**
     * With another threshold of average points per series for a statement per series, and with or without
     * MessagePack where the server offers it (tests take every way).
     */
    InfluxSeriesReader(InfluxHttp http, long minPointsPerStatement, boolean messagePack) {
        this(http, minPointsPerStatement, messagePack, false);
    }

    private InfluxSeriesReader(InfluxHttp http, long minPointsPerStatement, boolean messagePack, boolean exactOnAnyServer) {
        this.exactOnAnyServer = exactOnAnyServer;
        this.http = http;
        this.minPointsPerStatement = minPointsPerStatement;
        this.messagePack = messagePack;
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
        if (start > end || InfluxQl.first(destination.table(), query) == null) {
            return;
        }
        String what = "InfluxQL query on " + destination;
        // a server not known to be 1.x or 2.x (InfluxDB 3 names no version) is read the way that is exact on
        // InfluxDB 3 too: see serverQuery
        boolean known = !exactOnAnyServer && isInfluxDb1or2(http.version(deadline));
        SeriesQuery asked = query;
        if (!known) {
            asked = serverQuery(destination, query, what, deadline);
            // the answer may have named the version
            known = !exactOnAnyServer && isInfluxDb1or2(http.knownVersion());
            if (known) {
                asked = query;
            } else if (asked == null) {
                return;
            }
        }
        long slice = known ? Long.MAX_VALUE : SLICE_MS;
        Accumulator discovered = new Accumulator(what, FIRST, null, 1);
        List<long[]> discovery = slices(start, end, slice, 1);
        String version = http.query(destination.database(), sliced(destination.table(), discovery, asked),
                what, deadline, false, discovered::parse);
        discovered.checkComplete(discovery.size());
        List<Found> found = discovered.found();
        // what the server was not asked (a tag InfluxQL reads as time; on a server that names no version, more),
        // or may read otherwise than Prometheus, is decided here
        found.removeIf(f -> !matchesAll(query.matchers(), f.labels));
        if (found.isEmpty()) {
            return;
        }
        boolean oneOrTwo = known && isInfluxDb1or2(version);
        // only the plan for 1.x and 2.x depends on how many points a series has; a statement cannot name a
        // series by a tag InfluxQL reads as time
        long each = oneOrTwo ? pointsPerSeries(destination, query, what, deadline) : 0;
        Plan plan = oneOrTwo && each >= minPointsPerStatement && found.stream().noneMatch(InfluxSeriesReader::timeTagged)
                ? perSeries(destination.table(), start, end, found, each, messagePack)
                : oneSelect(destination.table(), start, end, asked, oneOrTwo && messagePack, slice);
        Set<Labels> expected = new HashSet<>(found.size() * 2);
        for (Found f : found) {
            expected.add(f.labels);
        }
        int presize = (int) Math.max(MIN_PRESIZE, Math.min(MAX_PRESIZE, each / plan.timeParts + 1));
        run(destination.database(), plan, what, expected, presize, deadline, consumer);
    }

    /**
     * How many points a series of the query has in its range, estimated from a count of its first
     * {@value #SAMPLED_SERIES} series (a count of all of them would read every point once more).
     */
    private long pointsPerSeries(Destination destination, SeriesQuery query, String what, ReadDeadline deadline) {
        Accumulator counted = new Accumulator(what, COUNT, null, 1);
        http.query(destination.database(), InfluxQl.count(destination.table(), query, SAMPLED_SERIES), what, deadline,
                false, counted::parse);
        counted.checkComplete(1);
        return counted.pointsPerSeries();
    }

    /**
     * Whether the server is an InfluxDB 1.x or 2.x: their InfluxQL engine merges the points of all series of a
     * SELECT into one sorted stream, and they answer in MessagePack when asked (at about two thirds of what
     * their JSON costs them). InfluxDB 3 runs InfluxQL on another engine (and plans each statement anew) and
     * answers in JSON, and a server that names no version is not known to be either: both get one SELECT, in
     * JSON.
     */
    static boolean isInfluxDb1or2(String version) {
        if (version == null) {
            return false;
        }
        String v = version.startsWith("v") ? version.substring(1) : version;
        return v.startsWith("1.") || v.startsWith("2.");
    }

    /**
     * Time a statement covers at most on a server not known to be InfluxDB 1.x or 2.x: InfluxDB 3 Core refuses
     * a query that would read more than 432 files of a table, about 72 hours of data at its defaults.
     */
    static final long SLICE_MS = 24 * 3_600_000L;
    /** Statements of one request of a sliced SELECT (and of the discovery, for its series). */
    private static final int MAX_SLICES = MAX_STATEMENTS;

    /**
     * The query as a server not known to be InfluxDB 1.x or 2.x is asked it, or null when no series can match.
     * InfluxDB 3 reads a tag key its table does not have as NULL, so that {@code l=""}, {@code l!="v"} and every
     * regex on it select nothing, where Prometheus selects every series: the table's tag keys are asked first
     * ({@code SHOW TAG KEYS}), and a matcher on a key it lacks is dropped when it matches an absent label (else
     * nothing matches). InfluxDB 3 compiles regexes with Rust's engine after dropping the backslash of escapes
     * such as {@code \b}, {@code \t}, {@code \A}, and reads {@code \d}, {@code \w}, {@code \s} as Unicode
     * classes: a regex whose text InfluxDB 3 may read otherwise than RE2 ({@link #readAlike}) is left to the
     * connector. Every matcher is then checked on the series found.
     */
    private SeriesQuery serverQuery(Destination destination, SeriesQuery query, String what, ReadDeadline deadline) {
        Set<String> tagKeys = new HashSet<>();
        http.query(destination.database(), "SHOW TAG KEYS FROM " + InfluxQl.identifier(destination.table()), what,
                deadline, false, (body, packed) -> tagKeysOf(body, what, tagKeys));
        List<Matcher> kept = new ArrayList<>();
        for (Matcher m : query.matchers()) {
            String key = m.name().equals(Labels.METRIC_NAME) ? LineProtocol.MEASURE_NAME : m.name();
            if (SampleValidator.isReserved(m.name()) && !m.name().equals(Labels.METRIC_NAME)) {
                kept.add(m); // never a tag: InfluxQl answers TRUE or FALSE
            } else if (!tagKeys.contains(key)) {
                if (!m.matchesAbsent()) {
                    return null;
                }
            } else if ((m.type() == MatchType.RE || m.type() == MatchType.NRE)
                    && !readAlike(m.value())) {
                continue; // decided on the series found
            } else {
                kept.add(m);
            }
        }
        return query.withMatchers(kept);
    }

    /**
     * Whether InfluxDB 3 reads a Prometheus (RE2) regex as RE2 does: no escape of a letter or digit other than
     * {@code \p}, {@code \P}, {@code \x} and a quoted {@code \Q...\E} ({@link InfluxQl#regex} spells that out);
     * every brace a repetition of at most 100 (RE2 reads other braces literally, Rust's engine refuses them,
     * and large ones pass its size limit); groups nested at most 50 deep; at most 4,096 characters.
     */
    static boolean readAlike(String re) {
        if (re.length() > 4096) {
            return false;
        }
        int depth = 0;
        for (int i = 0; i < re.length(); i++) {
            char c = re.charAt(i);
            if (c == '\\' && i + 1 < re.length()) {
                char next = re.charAt(++i);
                if (next == 'Q') {
                    int end = re.indexOf("\\E", i + 1);
                    i = end < 0 ? re.length() : end + 1;
                } else if (Character.isLetterOrDigit(next) && next < 0x80 && "pPx".indexOf(next) < 0) {
                    return false;
                } else if ("pPx".indexOf(next) >= 0 && i + 1 < re.length() && re.charAt(i + 1) == '{') {
                    int end = re.indexOf('}', i + 1);
                    i = end < 0 ? re.length() : end; // \p{Greek}, \x{263a}: a name, not a repetition
                }
            } else if (c == '(' || c == '[') {
                if (++depth > 50) {
                    return false;
                }
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == '{') {
                // {n}, {n,} or {n,m}: digits, then at most one comma and digits
                int j = i + 1;
                int digits = 0;
                long bound = 0;
                long largest = 0;
                boolean comma = false;
                for (; j < re.length(); j++) {
                    char d = re.charAt(j);
                    if (d >= '0' && d <= '9') {
                        bound = Math.min(1_000_000, bound * 10 + (d - '0'));
                        largest = Math.max(largest, bound);
                        digits += comma ? 0 : 1;
                    } else if (d == ',' && !comma) {
                        comma = true;
                        bound = 0;
                    } else {
                        break;
                    }
                }
                if (digits == 0 || j == re.length() || re.charAt(j) != '}' || largest > 100) {
                    return false;
                }
                i = j;
            }
        }
        return true;
    }

    private static boolean timeTagged(Found f) {
        for (String key : f.keys) {
            if (InfluxQl.timeLike(key)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAll(List<Matcher> matchers, Labels labels) {
        for (Matcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** The tag keys of a {@code SHOW TAG KEYS} answer (the first value of each row), into {@code out}. */
    static void tagKeysOf(InputStream body, String what, Set<String> out) throws IOException {
        int results = 0;
        boolean partial = false;
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_OBJECT && p.getParsingContext().inRoot()) {
                    partial = false; // a document: only the last one's "partial" counts
                }
                if (t != JsonToken.FIELD_NAME) {
                    continue;
                }
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("statement_id")) {
                    results++;
                } else if (field.equals("partial") && v == JsonToken.VALUE_TRUE) {
                    partial = true;
                } else if (field.equals("values") && v == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_ARRAY) {
                        boolean firstOfRow = true;
                        JsonToken e;
                        while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
                            if (firstOfRow && e == JsonToken.VALUE_STRING) {
                                out.add(p.getText());
                            }
                            firstOfRow = false;
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("error") && v == JsonToken.VALUE_STRING) {
                    throw InfluxHttp.queryError(what, p.getText());
                }
            }
        } catch (JsonParseException e) {
            throw new NeverRetryException(NeverRetryException.Kind.INVALID, what
                    + " failed: InfluxDB's answer is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (results == 0 || partial) {
            throw new RetryLaterException(what + " failed: InfluxDB's answer ended before it was complete (the tag keys "
                    + (results == 0 ? "had no result" : "ended with a partial result") + ")");
        }
    }

    /** The discovery statements ({@code first()}) of a query, one for each of its time slices. */
    private static String sliced(String table, List<long[]> slices, SeriesQuery query) {
        StringBuilder q = new StringBuilder();
        for (long[] part : slices) {
            q.append(q.length() == 0 ? "" : ";").append(InfluxQl.first(table,
                    new SeriesQuery(part[0], part[1], query.matchers(), query.hints())));
        }
        return q.toString();
    }

    /** {@code [start, end]} in at least {@code atLeast} parts of about equal length, none longer than {@code slice}. */
    static List<long[]> slices(long start, long end, long slice, int atLeast) {
        long length = end - start + 1;
        long n = Math.max(atLeast, slice == Long.MAX_VALUE ? 1 : (length + slice - 1) / slice);
        n = Math.max(1, Math.min(Math.min(n, MAX_SLICES), length));
        long step = length / n;
        List<long[]> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            long from = start + i * step;
            out.add(new long[] {from, i == n - 1 ? end : from + step - 1});
        }
        return out;
    }

    /**
     * One SELECT of all series, split by time into up to {@link #parallelism} parts when long, and into parts
     * of at most {@code slice} ms.
     */
    private Plan oneSelect(String table, long start, long end, SeriesQuery query, boolean messagePack, long slice) {
        List<long[]> parts = slices(start, end, slice, (int) Math.max(1, Math.min(parallelism, (end - start) / MIN_PART_MS)));
        int n = parts.size();
        List<String> out = new ArrayList<>(n);
        for (long[] part : parts) {
            out.add(InfluxQl.select(table, new SeriesQuery(part[0], part[1], query.matchers(), query.hints())));
        }
        return new Plan(out, Collections.nCopies(n, 1), n, Collections.nCopies(n, null), messagePack);
    }

    /**
     * A statement per series (and per time part, when there are fewer series than parallel requests and the
     * range is long), in requests of about equal points, {@link #REQUESTS_PER_WORKER} per parallel worker.
     */
    private Plan perSeries(String table, long start, long end, List<Found> found, long each, boolean messagePack) {
        int timeParts = (int) Math.max(1, Math.min(((long) parallelism + found.size() - 1) / found.size(),
                (end - start) / MIN_PART_MS));
        long step = (end - start + 1) / timeParts;
        long wanted = (long) parallelism * REQUESTS_PER_WORKER;
        long points = each * found.size();
        long perRequest = Math.max(1, (points + wanted - 1) / wanted);
        Set<Set<String>> keySets = new HashSet<>();
        for (Found f : found) {
            keySets.add(Set.of(f.keys));
        }
        Map<Set<String>, List<String>> absentByKeys = absentKeys(keySets);
        List<String> requests = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
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
                long unit = each / timeParts;
                if (statements > 0 && (inRequest + unit > perRequest || statements == MAX_STATEMENTS
                        || q.length() + statement.length() > MAX_QUERY_CHARS)) {
                    requests.add(q.toString());
                    counts.add(statements);
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
        counts.add(statements);
        return new Plan(requests, counts, timeParts, firstLabels, messagePack);
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
    private void run(String database, Plan plan, String what, Set<Labels> expected, int presize, ReadDeadline deadline,
                     SeriesConsumer consumer) {
        List<String> requests = plan.requests;
        int n = requests.size();
        if (n == 1) {
            Accumulator a = new Accumulator(what, LineProtocol.FIELD, expected, presize);
            http.query(database, requests.get(0), what, deadline, plan.messagePack, a::parse);
            a.checkComplete(plan.statements.get(0));
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
                    Accumulator a = new Accumulator(what, LineProtocol.FIELD, expected, presize);
                    http.query(database, requests.get(i), what, deadline, plan.messagePack, a::parse);
                    a.checkComplete(plan.statements.get(i));
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
     * The requests of a read and how many statements each holds, into how many parts by time it split each
     * series, the labels of the first series of each request, where all its series sort after those of the
     * requests before it (else null), and whether the answers are asked for in MessagePack.
     */
    private record Plan(List<String> requests, List<Integer> statements, int timeParts, List<Labels> firstLabels,
                        boolean messagePack) {
    }

    /** A series with a point in the range: its labels, its tags as InfluxDB names them. */
    private record Found(Labels labels, String[] keys, String[] values) {
    }

    /**
     * The series of one answer, keyed by labels, with their samples (the values of column {@code valueColumn})
     * as growable primitive columns of {@code presize} points to start with. With {@code expected} it keeps only
     * those series; without, it also keeps each series' tags as InfluxDB named them ({@link #found()}).
     */
    static final class Accumulator {
        private final String what;
        private final String valueColumn;
        private final Set<Labels> expected;
        private final int presize;
        private final Map<Labels, Columns> series = new HashMap<>();
        private final Map<Labels, String[][]> tags = new HashMap<>();
        private final List<String> keys = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<String> values = new ArrayList<>();
        /** The statement and result-level {@code partial} of the result being read, and of the last one read. */
        private int resultStatement;
        private boolean resultPartial;
        private int lastStatement = -1;
        private boolean lastPartial;
        private int results;

        Accumulator(String what, String valueColumn, Set<Labels> expected, int presize) {
            this.what = what;
            this.valueColumn = valueColumn;
            this.expected = expected;
            this.presize = Math.max(1, presize);
        }

        /** Parses every document of a (chunked) answer, in MessagePack or JSON: one {@code {"results":[...]}} per chunk. */
        void parse(InputStream body, boolean messagePack) throws IOException {
            if (messagePack) {
                parseMessagePack(body);
            } else {
                parseJson(body);
            }
        }

        private void parseJson(InputStream body) throws IOException {
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
            resultStatement = -1;
            resultPartial = false;
            fields(p, "series", this::series);
            answered();
        }

        private void answered() {
            results++;
            lastStatement = resultStatement < 0 ? lastStatement : resultStatement;
            lastPartial = resultPartial;
        }

        /**
         * Fails the read, to be tried again, when the answer ended before the last of its {@code statements}
         * had been answered to its end: InfluxDB answers every statement, the last part of each without
         * {@code "partial": true}, so a shorter answer was cut (a proxy may end a cut answer as if it were whole).
         */
        void checkComplete(int statements) {
            boolean named = lastStatement >= 0;
            if (results == 0 || lastPartial || named && lastStatement < statements - 1) {
                throw new RetryLaterException(what + " failed: InfluxDB's answer ended before it was complete ("
                        + (results == 0 ? "no result" : lastPartial ? "the last result was partial"
                        : "statement " + (lastStatement + 1) + " of " + statements + " was the last answered") + ")");
            }
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
                } else if (field.equals("statement_id") && t == JsonToken.VALUE_NUMBER_INT) {
                    resultStatement = p.getIntValue();
                } else if (field.equals("partial") && t == JsonToken.VALUE_TRUE) {
                    resultPartial = true;
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
                            clearTags();
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
            } else if (!expected.contains(labels)) {
                return null;
            }
            return series.computeIfAbsent(labels, k -> new Columns(presize));
        }

        /** Labels from the tags of a series: {@code measure_name} is {@code __name__}, empty values are absent. */
        private Labels tags(JsonParser p) throws IOException {
            clearTags();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    p.skipChildren();
                    continue;
                }
                tag(key, p.getText());
            }
            return labels();
        }

        private void clearTags() {
            keys.clear();
            names.clear();
            values.clear();
        }

        private void tag(String key, String value) {
            if (!value.isEmpty()) {
                keys.add(key);
                names.add(key.equals(LineProtocol.MEASURE_NAME) ? Labels.METRIC_NAME : key);
                values.add(value);
            }
        }

        /** The labels of the tags collected since {@link #clearTags()}. */
        private Labels labels() {
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

        /**
         * The same documents in MessagePack, as InfluxDB 1.x and 2.x write them: maps with string keys, times as
         * integers, values as 64-bit floats (their exact bits) or integers.
         */
        private void parseMessagePack(InputStream body) throws IOException {
            try (MessageUnpacker u = MESSAGE_PACK.newUnpacker(body)) {
                while (u.hasNext()) {
                    fields(u, "results", this::result);
                }
            } catch (MessagePackException e) {
                throw new NeverRetryException(NeverRetryException.Kind.INVALID, what
                        + " failed: InfluxDB's answer is not valid MessagePack: " + e.getMessage(), e);
            }
        }

        private void result(MessageUnpacker u) throws IOException {
            resultStatement = -1;
            resultPartial = false;
            fields(u, "series", this::series);
            answered();
        }

        /** Reads a map: each map of the array {@code arrayField} by {@code element}; an "error" is thrown. */
        private void fields(MessageUnpacker u, String arrayField, PackedElement element) throws IOException {
            for (int n = u.unpackMapHeader(); n > 0; n--) {
                String field = u.unpackString();
                ValueType t = u.getNextFormat().getValueType();
                if (field.equals(arrayField) && t == ValueType.ARRAY) {
                    for (int m = u.unpackArrayHeader(); m > 0; m--) {
                        element.read(u);
                    }
                } else if (field.equals("error") && t == ValueType.STRING) {
                    throw InfluxHttp.queryError(what, u.unpackString());
                } else if (field.equals("statement_id") && t == ValueType.INTEGER) {
                    resultStatement = u.unpackInt();
                } else if (field.equals("partial") && t == ValueType.BOOLEAN) {
                    resultPartial = u.unpackBoolean();
                } else {
                    u.skipValue();
                }
            }
        }

        @FunctionalInterface
        private interface PackedElement {
            void read(MessageUnpacker u) throws IOException;
        }

        private void series(MessageUnpacker u) throws IOException {
            Columns target = null;
            boolean tagged = false;
            int timeAt = 0;
            int valueAt = 1;
            for (int n = u.unpackMapHeader(); n > 0; n--) {
                String field = u.unpackString();
                switch (field) {
                    case "tags" -> {
                        clearTags();
                        for (int m = u.unpackMapHeader(); m > 0; m--) {
                            String key = u.unpackString();
                            if (u.getNextFormat().getValueType() == ValueType.STRING) {
                                tag(key, u.unpackString());
                            } else {
                                u.skipValue();
                            }
                        }
                        target = target(labels());
                        tagged = true;
                    }
                    case "columns" -> {
                        for (int i = 0, m = u.unpackArrayHeader(); i < m; i++) {
                            String c = u.unpackString();
                            if (c.equals("time")) {
                                timeAt = i;
                            } else if (c.equals(valueColumn)) {
                                valueAt = i;
                            }
                        }
                    }
                    case "values" -> {
                        if (!tagged) {
                            clearTags();
                            target = target(Labels.empty());
                            tagged = true;
                        }
                        if (target == null) {
                            u.skipValue();
                        } else {
                            points(u, target, timeAt, valueAt);
                        }
                    }
                    default -> u.skipValue();
                }
            }
        }

        private static void points(MessageUnpacker u, Columns target, int timeAt, int valueAt) throws IOException {
            for (int rows = u.unpackArrayHeader(); rows > 0; rows--) {
                long time = 0;
                double value = 0;
                boolean hasTime = false;
                boolean hasValue = false;
                for (int i = 0, m = u.unpackArrayHeader(); i < m; i++) {
                    MessageFormat f = u.getNextFormat();
                    if (i == timeAt && f.getValueType() == ValueType.INTEGER && f != MessageFormat.UINT64) {
                        time = u.unpackLong();
                        hasTime = true;
                    } else if (i == valueAt && f.getValueType() == ValueType.FLOAT) {
                        value = u.unpackDouble();
                        hasValue = true;
                    } else if (i == valueAt && f.getValueType() == ValueType.INTEGER) {
                        value = f == MessageFormat.UINT64 ? u.unpackBigInteger().doubleValue() : u.unpackLong();
                        hasValue = true;
                    } else {
                        u.skipValue();
                    }
                }
                if (hasTime && hasValue) {
                    target.add(time, value);
                }
            }
        }

        /** The series with a point, sorted by labels, with their tags. */
        List<Found> found() {
            List<Found> out = new ArrayList<>(series.size());
            for (Map.Entry<Labels, Columns> e : series.entrySet()) {
                if (e.getValue().size > 0) {
                    String[][] kv = tags.get(e.getKey());
                    out.add(new Found(e.getKey(), kv[0], kv[1]));
                }
            }
            out.sort((a, b) -> a.labels.compareTo(b.labels));
            return out;
        }

        /** Of an answer to count(): the points of a series that has any, on average (rounded up); 0 if none has. */
        long pointsPerSeries() {
            long points = 0;
            long counted = 0;
            for (Columns c : series.values()) {
                long mine = 0;
                for (int i = 0; i < c.size; i++) {
                    // a count is a whole number; anything else is not InfluxDB's answer to count()
                    double v = c.values[i];
                    if (!(v >= 0 && v <= 1L << 53) || v != Math.rint(v)) {
                        throw new NeverRetryException(NeverRetryException.Kind.INVALID, what
                                + " failed: InfluxDB answered count() with " + v);
                    }
                    mine += (long) v;
                }
                if (mine > 0) {
                    points += mine;
                    counted++;
                }
            }
            return counted == 0 ? 0 : (points + counted - 1) / counted;
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
