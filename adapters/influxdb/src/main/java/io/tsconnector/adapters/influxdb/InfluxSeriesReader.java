package io.tsconnector.adapters.influxdb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tsconnector.application.NeverRetryException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Adapter: answers remote-read queries from InfluxDB with InfluxQL SELECTs ({@link InfluxQl}), their chunked
 * JSON answers parsed as they arrive with a streaming parser, so the raw answer is never held; the points of a
 * series are merged across chunks, series handed over in label order.
 *
 * <p>InfluxDB answers a SELECT of raw points on one core at about half a million points per second, so a
 * long query (at least {@value #MIN_PART_MS} ms per part) is split by time into
 * {@link InfluxSettings#readParallelism()} queries that run at once; their series are joined part by part.
 */
public final class InfluxSeriesReader implements SeriesReader {
    /** A query is split only into parts at least this long: short ones cost more in round trips than they save. */
    static final long MIN_PART_MS = 30 * 60_000L;
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final InfluxHttp http;
    private final int parallelism;
    private final ExecutorService parts;

    public InfluxSeriesReader(InfluxHttp http) {
        this.http = http;
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
        long start = Math.max(query.startMs(), InfluxQl.MIN_TIME_MS);
        long end = Math.min(query.endMs(), InfluxQl.MAX_TIME_MS);
        if (start > end) {
            return;
        }
        String what = "InfluxQL query on " + destination;
        int n = (int) Math.max(1, Math.min(parallelism, (end - start) / MIN_PART_MS));
        List<Accumulator> answers = new ArrayList<>(n);
        List<Future<?>> running = new ArrayList<>(n);
        long step = (end - start + 1) / n;
        try {
            for (int i = 0; i < n; i++) {
                long from = start + i * step;
                long to = i == n - 1 ? end : from + step - 1;
                String q = InfluxQl.select(destination.table(), new SeriesQuery(from, to, query.matchers(), query.hints()));
                if (q == null) {
                    return;
                }
                Accumulator a = new Accumulator(what);
                answers.add(a);
                Runnable run = () -> http.query(destination.database(), q, what, a::parse);
                running.add(i == n - 1 ? null : parts.submit(run));
                if (i == n - 1) {
                    run.run();
                }
            }
            for (Future<?> f : running) {
                if (f != null) {
                    f.get();
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
            for (Future<?> f : running) {
                if (f != null) {
                    f.cancel(true);
                }
            }
        }
        Accumulator all = answers.get(0);
        for (int i = 1; i < answers.size(); i++) {
            all.append(answers.get(i));
        }
        all.emit(consumer);
    }

    /** The series of one answer, keyed by labels, with their samples as growable primitive columns. */
    static final class Accumulator {
        private final String what;
        private final Map<Labels, Columns> series = new HashMap<>();
        private final List<String> names = new ArrayList<>();
        private final List<String> values = new ArrayList<>();

        Accumulator(String what) {
            this.what = what;
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
                        target = series.computeIfAbsent(tags(p), k -> new Columns());
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
                            } else if (c.equals(LineProtocol.FIELD)) {
                                valueAt = i;
                            }
                            i++;
                        }
                    }
                    case "values" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw unexpected(p);
                        }
                        if (target == null) {
                            // GROUP BY * always sends tags first; without them the series has no labels
                            target = series.computeIfAbsent(Labels.empty(), k -> new Columns());
                        }
                        points(p, target, timeAt, valueAt);
                    }
                    default -> p.skipChildren();
                }
            }
        }

        /** Labels from the tags of a series: {@code measure_name} is {@code __name__}, empty values are absent. */
        private Labels tags(JsonParser p) throws IOException {
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

        /** Hands the series over in label order and forgets them. */
        void emit(SeriesConsumer consumer) {
            Labels[] keys = series.keySet().toArray(new Labels[0]);
            Arrays.sort(keys);
            for (Labels key : keys) {
                Columns c = series.remove(key);
                if (c.size > 0) {
                    consumer.accept(new TimeSeries(key, c.samples()));
                }
            }
        }
    }

    /** Times and values of one series in arrival order; InfluxDB sends a series' points sorted by time. */
    private static final class Columns {
        private long[] times = new long[16];
        private double[] values = new double[16];
        private int size;
        private boolean sorted = true;

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
