package io.tsconnector.adapters.influxdb;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.StorageException;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.domain.Violation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Adapter: stores series in InfluxDB through the v1 {@code /write} endpoint, in line protocol (see
 * {@link LineProtocol} for the layout), batches of at most {@link InfluxSettings#batchPoints()} points
 * sent concurrently by one pool shared by all requests, gzip-compressed from
 * {@link InfluxSettings#gzipMinBytes()} on.
 *
 * <p>Answers: a partial write (400 naming refused points) counts the refused points as rejected for good;
 * 413 splits the batch in two and sends each half; 401/403, 404 and other 4xx fail the batch for good;
 * 429, 5xx and network errors are retried and then fail it with retry-later. InfluxDB keeps the last value
 * written for a series and time, so a request can always be sent again.
 */
public final class InfluxSeriesWriter implements SeriesWriter, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InfluxSeriesWriter.class.getName());
    private static final int MAX_REJECTION_MESSAGES = 10;
    /** The count of a partial write: at the end (1.x) or before the database it names (2.x). */
    private static final Pattern DROPPED = Pattern.compile("dropped=(\\d+)(?=$| for database: )");
    private static final Pattern ANY_DROPPED = Pattern.compile("dropped=(\\d+)");
    private static final String UNPARSABLE = "unable to parse '";
    private static final int MAX_LINE_IN_REASON = 300;

    private final InfluxHttp http;
    private final InfluxSettings settings;
    private final ExecutorService pool;

    public InfluxSeriesWriter(InfluxHttp http) {
        this.http = http;
        this.settings = http.settings();
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = (ThreadPoolExecutor) java.util.concurrent.Executors.newFixedThreadPool(
                settings.writeConcurrency(), r -> {
                    Thread t = new Thread(r, "influxdb-write-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // idle writers cost nothing between bursts of remote writes
        executor.setKeepAliveTime(60, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        this.pool = executor;
    }

    @Override
    public Violation checkLabels(Labels stored) {
        return LineProtocol.check(stored);
    }

    @Override
    public boolean keepsLastValue() {
        return true;
    }

    @Override
    public StoreResult write(Map<Destination, List<TimeSeries>> batch) {
        StoreResult refused = StoreResult.written(0);
        List<Batch> batches = new ArrayList<>();
        for (Map.Entry<Destination, List<TimeSeries>> e : batch.entrySet()) {
            refused = refused.plus(pack(e.getKey(), e.getValue(), settings.batchPoints(), batches));
        }
        List<Future<StoreResult>> futures = new ArrayList<>(batches.size());
        for (Batch b : batches) {
            try {
                futures.add(pool.submit(() -> send(b)));
            } catch (RejectedExecutionException e) {
                futures.add(CompletableFuture.completedFuture(failed(new RetryLaterException(
                        "the InfluxDB writer is closed", e))));
            }
        }
        return combine(refused, batches, futures);
    }

    /** Series keys of recently written series; Prometheus sends the same series in every request. */
    static final int KEY_CACHE_ENTRIES = 100_000;
    private static final byte[] REFUSED = new byte[0];
    private final Map<String, Map<Labels, byte[]>> keys = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger cachedKeys = new AtomicInteger();

    /**
     * The escaped series key of a series in a measurement, or {@link #REFUSED} when line protocol cannot carry
     * it. Remembered for up to {@link #KEY_CACHE_ENTRIES} series; past that, keys of new series are computed
     * each time while the remembered ones stay.
     */
    private byte[] seriesKey(String measurement, Labels labels) {
        Map<Labels, byte[]> ofTable = keys.computeIfAbsent(measurement, t -> new java.util.concurrent.ConcurrentHashMap<>());
        byte[] key = ofTable.get(labels);
        if (key != null) {
            return key;
        }
        key = LineProtocol.check(labels) != null ? REFUSED : LineProtocol.seriesKey(measurement, labels);
        if (key != REFUSED && LineProtocol.seriesKeyTooLong(key, labels) != null) {
            key = REFUSED;
        }
        if (cachedKeys.get() < KEY_CACHE_ENTRIES && ofTable.putIfAbsent(labels, key) == null) {
            cachedKeys.incrementAndGet();
        }
        return key;
    }

    /**
     * Cuts the points of one destination into batches; series InfluxDB cannot hold unaltered are left out
     * and reported as rejected (the write service normally skips them before).
     */
    StoreResult pack(Destination destination, List<TimeSeries> series, int batchPoints, List<Batch> out) {
        String why = LineProtocol.unwritableMeasurement(destination.table());
        if (why != null) {
            long samples = series.stream().mapToLong(s -> s.samples().size()).sum();
            return new StoreResult(0, 0, List.of(), List.of(new NeverRetryException(NeverRetryException.Kind.INVALID,
                    "the table '" + destination.table() + "' of " + destination + " cannot be an InfluxDB measurement: "
                            + why + "; " + samples + " samples not written")));
        }
        long rejected = 0;
        List<String> reasons = new ArrayList<>();
        Batch current = null;
        for (TimeSeries s : series) {
            byte[] key = seriesKey(destination.table(), s.labels());
            if (key == REFUSED) {
                rejected += s.samples().size();
                if (reasons.size() < MAX_REJECTION_MESSAGES) {
                    Violation v = LineProtocol.check(s.labels());
                    reasons.add((v != null ? v : LineProtocol.seriesKeyTooLong(
                            LineProtocol.seriesKey(destination.table(), s.labels()), s.labels())).describe());
                }
                continue;
            }
            for (Sample sample : s.samples()) {
                if (current == null || current.points == batchPoints) {
                    current = new Batch(destination, batchPoints, key.length + 48);
                    out.add(current);
                }
                LineProtocol.appendPoint(key, sample.value(), sample.timestampMs(), current.body);
                current.ends[current.points++] = current.body.size();
            }
        }
        return new StoreResult(0, rejected, reasons, List.of());
    }

    /**
     * How many times the points of a batch are sent again without the lines InfluxDB refused, or split: InfluxDB 3
     * names one refused line an answer, and a limit of its schema (500 columns a table) can refuse many series.
     */
    public static final int MAX_RESENDS = 32;

    private StoreResult send(Batch b) {
        return send(b.destination, b.body.array(), 0, b.ends, 0, b.points, MAX_RESENDS);
    }

    /** Sends points [from, to) of a batch, whose lines lie in {@code body} from {@code offset}. */
    private StoreResult send(Destination d, byte[] body, int offset, int[] ends, int from, int to, int resends) {
        int start = from == 0 ? offset : ends[from - 1];
        int end = ends[to - 1];
        int points = to - from;
        String what = "InfluxDB write of " + points + " points to " + d;
        try {
            byte[] payload = body;
            int payloadOffset = start;
            int length = end - start;
            boolean gzip = settings.gzipMinBytes() >= 0 && length >= settings.gzipMinBytes();
            if (gzip) {
                payload = gzip(body, start, length);
                payloadOffset = 0;
                length = payload.length;
            }
            InfluxHttp.WriteAnswer a = http.write(d.database(), payload, payloadOffset, length, gzip, what);
            if (a.error() == null && a.status() / 100 == 2) {
                return StoreResult.written(points);
            }
            if (a.status() == 413) {
                if (points == 1) {
                    return failed(new NeverRetryException(NeverRetryException.Kind.INVALID, what
                            + " failed: InfluxDB refused a single point as too large (413)"));
                }
                int mid = from + points / 2;
                return send(d, body, offset, ends, from, mid, resends).plus(send(d, body, offset, ends, mid, to, resends));
            }
            String full = a.fullError() == null ? "" : a.fullError();
            // 1.x answers a partial write with 400, 2.x with 422
            if ((a.status() == 400 || a.status() == 422) && full.contains("partial write")) {
                long refused = refusedPoints(full, points);
                String reason = "InfluxDB refused " + refused + " of " + points + " points written to " + d + ": "
                        + a.error();
                if (LOG.isLoggable(Level.DEBUG)) {
                    LOG.log(Level.DEBUG, reason);
                }
                return new StoreResult(points - refused, refused, List.of(reason), List.of());
            }
            boolean unparsable = a.status() == 400 && (a.refusedLine() >= 1 && a.refusedLine() <= points
                    || full.contains(UNPARSABLE));
            if (unparsable && resends == 0) {
                return failed(new NeverRetryException(NeverRetryException.Kind.INVALID, what + " failed: InfluxDB still "
                        + "refused lines after " + MAX_RESENDS + " sends without those it named: " + a.error()));
            }
            if (a.status() == 400 && a.refusedLine() >= 1 && a.refusedLine() <= points) {
                // InfluxDB 3 names the first line it could not parse, and stores nothing of the request; the
                // other points of that series are refused with it (what it refuses is its series key: a tab,
                // a schema limit)
                int bad = from + a.refusedLine() - 1;
                String key = seriesKeyOf(line(body, offset, ends, bad));
                String why = a.error();
                return resendWithout(d, body, offset, ends, from, to,
                        (i, line) -> i == bad || seriesKeyOf(line).equals(key) ? why : null, full, what, resends - 1);
            }
            if (a.status() == 400 && full.contains(UNPARSABLE)) {
                Map<String, String> named = unparsableLines(full);
                return resendWithout(d, body, offset, ends, from, to, (i, line) -> named.get(line), full, what, resends - 1);
            }
            return failed(InfluxHttp.translate(what, a.status(), a.error()));
        } catch (StorageException e) {
            return failed(e);
        } catch (RuntimeException e) {
            return failed(new RetryLaterException(what + " failed: " + e, e));
        }
    }

    /** Why InfluxDB refused line {@code index} of a batch ({@code line}, its text without the newline), or null. */
    @FunctionalInterface
    private interface Refusal {
        String of(int index, String line);
    }

    /**
     * A 400 that names lines InfluxDB could not parse, without a partial write: InfluxDB 2 and 3 write nothing
     * of such a request (and 1.x answers so when it could parse none of its lines). The lines it names are
     * refused for good and the others sent again without them; when none of the lines is one it named, the
     * points are split in two and each half sent, down to single points. No point is sent again that InfluxDB
     * stored.
     */
    private StoreResult resendWithout(Destination d, byte[] body, int offset, int[] ends, int from, int to,
                                      Refusal refusal, String error, String what, int resends) {
        int points = to - from;
        LineProtocol.Bytes kept = new LineProtocol.Bytes(ends[to - 1] - (from == 0 ? offset : ends[from - 1]));
        int[] keptEnds = new int[points];
        int keptPoints = 0;
        long refused = 0;
        List<String> reasons = new ArrayList<>();
        for (int i = from; i < to; i++) {
            int start = i == 0 ? offset : ends[i - 1];
            String line = line(body, offset, ends, i);
            String why = refusal.of(i, line);
            if (why == null) {
                kept.append(body, start, ends[i] - start);
                keptEnds[keptPoints++] = kept.size();
                continue;
            }
            refused++;
            if (reasons.size() < MAX_REJECTION_MESSAGES) {
                reasons.add("InfluxDB could not parse a point written to " + d + ": '"
                        + (line.length() > MAX_LINE_IN_REASON ? line.substring(0, MAX_LINE_IN_REASON) + "..." : line)
                        + "': " + why);
            }
        }
        if (refused == 0) {
            if (points == 1) {
                String text = error.length() > MAX_LINE_IN_REASON * 4 ? error.substring(0, MAX_LINE_IN_REASON * 4) + "..." : error;
                return new StoreResult(0, 1, List.of(what + " was refused: " + text), List.of());
            }
            int mid = from + points / 2;
            return send(d, body, offset, ends, from, mid, resends).plus(send(d, body, offset, ends, mid, to, resends));
        }
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "InfluxDB could not parse " + refused + " of " + points + " points written to " + d
                    + "; sending the other " + keptPoints + " again");
        }
        StoreResult result = new StoreResult(0, refused, reasons, List.of());
        return keptPoints == 0 ? result : result.plus(send(d, kept.array(), 0, keptEnds, 0, keptPoints, resends));
    }

    /** Line {@code i} of a batch's body, without its newline. */
    private static String line(byte[] body, int offset, int[] ends, int i) {
        int start = i == 0 ? offset : ends[i - 1];
        return new String(body, start, ends[i] - start - 1, StandardCharsets.UTF_8);
    }

    /** The series key of a line the connector wrote: all before its field. */
    static String seriesKeyOf(String line) {
        int at = line.lastIndexOf(" " + LineProtocol.FIELD + "=");
        return at < 0 ? line : line.substring(0, at);
    }

    /**
     * The lines an answer says InfluxDB could not parse, each with why: it names each as
     * {@code unable to parse '<line>': <why>}, one to a line of its text.
     */
    static Map<String, String> unparsableLines(String error) {
        Map<String, String> out = new HashMap<>();
        for (String piece : error.split("\n")) {
            int at = piece.indexOf(UNPARSABLE);
            int end = piece.lastIndexOf("': ");
            if (at >= 0 && end >= at + UNPARSABLE.length()) {
                out.put(piece.substring(at + UNPARSABLE.length(), end), piece.substring(end + 3));
            }
        }
        return out;
    }

    /** Points a partial write refused: those it could not parse plus those it dropped, else all. */
    static long refusedPoints(String error, int points) {
        long n = 0;
        for (int at = error.indexOf(UNPARSABLE); at >= 0; at = error.indexOf(UNPARSABLE, at + 1)) {
            n++;
        }
        String count = last(DROPPED.matcher(error));
        if (count == null) {
            count = last(ANY_DROPPED.matcher(error));
        }
        if (count != null) {
            try {
                n += Long.parseLong(count);
            } catch (NumberFormatException e) {
                n = 0;
            }
        }
        return n <= 0 || n > points ? points : n;
    }

    /** The first group of a pattern's last match, or null. */
    private static String last(Matcher m) {
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        return found;
    }

    private static byte[] gzip(byte[] body, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 4));
        try (GZIPOutputStream z = new GZIPOutputStream(out, 16 * 1024) {
            {
                // fastest level: most of line protocol's redundancy (repeated series keys) goes at level 1
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            z.write(body, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static StoreResult failed(StorageException e) {
        return new StoreResult(0, 0, List.of(), List.of(e));
    }

    private static StoreResult combine(StoreResult refused, List<Batch> batches, List<Future<StoreResult>> futures) {
        long written = refused.written();
        long rejected = refused.rejected();
        List<String> rejections = new ArrayList<>(refused.rejections());
        Map<String, List<StorageException>> failures = new LinkedHashMap<>();
        for (StorageException f : refused.failures()) {
            failures.computeIfAbsent(f.getMessage(), k -> new ArrayList<>()).add(f);
        }
        boolean interrupted = false;
        for (int i = 0; i < futures.size(); i++) {
            Batch b = batches.get(i);
            StoreResult r;
            try {
                r = interrupted ? null : futures.get(i).get();
            } catch (InterruptedException e) {
                interrupted = true;
                r = null;
            } catch (ExecutionException e) {
                r = failed(new RetryLaterException("InfluxDB write to " + b.destination + " failed: " + e.getCause(),
                        e.getCause()));
            }
            if (r == null) {
                futures.get(i).cancel(true);
                r = failed(new RetryLaterException("InfluxDB write to " + b.destination + " was interrupted"));
            }
            written += r.written();
            rejected += r.rejected();
            for (String reason : r.rejections()) {
                if (rejections.size() < MAX_REJECTION_MESSAGES) {
                    rejections.add(reason);
                }
            }
            for (StorageException f : r.failures()) {
                String key = b.destination + "|" + f.getClass().getName() + "|"
                        + (f instanceof NeverRetryException n ? n.kind() : "");
                failures.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<StorageException> out = new ArrayList<>(failures.size());
        for (List<StorageException> same : failures.values()) {
            out.add(summary(same));
        }
        return new StoreResult(written, rejected, rejections, out);
    }

    /** One exception for failures of one kind and destination, with how many batches failed. */
    private static StorageException summary(List<StorageException> same) {
        StorageException first = same.get(0);
        if (same.size() == 1) {
            return first;
        }
        String message = same.size() + " InfluxDB write requests failed; first: " + first.getMessage();
        if (first instanceof NeverRetryException n) {
            return new NeverRetryException(n.kind(), message, first);
        }
        return new RetryLaterException(message, first);
    }

    /** Stops the pool after the writes in flight; later writes fail with a retry-later failure. */
    @Override
    public void close() {
        pool.shutdown();
    }

    /** The points of one write request: line protocol and where each line ends. */
    static final class Batch {
        final Destination destination;
        final LineProtocol.Bytes body;
        final int[] ends;
        int points;

        Batch(Destination destination, int maxPoints, int lineBytes) {
            this.destination = destination;
            this.body = new LineProtocol.Bytes(Math.min(maxPoints, 512) * lineBytes);
            this.ends = new int[maxPoints];
        }
    }
}
