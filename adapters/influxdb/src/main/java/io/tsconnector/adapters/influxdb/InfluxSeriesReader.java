package io.tsconnector.adapters.influxdb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.port.out.SeriesConsumer;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adapter: answers remote-read queries from InfluxDB with one InfluxQL SELECT per query ({@link InfluxQl}),
 * its chunked JSON answer parsed as it arrives with a streaming parser, so the raw answer is never held;
 * the points of a series are merged across chunks, series handed over in label order.
 */
public final class InfluxSeriesReader implements SeriesReader {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final InfluxHttp http;

    public InfluxSeriesReader(InfluxHttp http) {
        this.http = http;
    }

    @Override
    public void read(Destination destination, SeriesQuery query, SeriesConsumer consumer) {
        String q = InfluxQl.select(destination.table(), query);
        if (q == null) {
            return;
        }
        String what = "InfluxQL query on " + destination;
        Accumulator series = new Accumulator(what);
        http.query(destination.database(), q, what, series::parse);
        series.emit(consumer);
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
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("results") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        result(p);
                    }
                } else if (field.equals("error") && t == JsonToken.VALUE_STRING) {
                    throw InfluxHttp.queryError(what, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }

        private void result(JsonParser p) throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("series") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        series(p);
                    }
                } else if (field.equals("error") && t == JsonToken.VALUE_STRING) {
                    throw InfluxHttp.queryError(what, p.getText());
                } else {
                    p.skipChildren();
                }
            }
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
