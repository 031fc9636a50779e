package io.tsconnector.adapters.memory;

import io.tsconnector.application.StorageException;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesConsumer;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Adapter: thread-safe in-memory store for both outbound ports, with Prometheus read semantics and
 * Timestream's write rules (an identical sample is accepted again, a different value for a stored
 * timestamp is rejected). Tests can inject failures per destination.
 */
public final class InMemorySeriesStore implements SeriesWriter, SeriesReader {
    private final Map<Destination, ConcurrentHashMap<Labels, Series>> data = new ConcurrentHashMap<>();
    private volatile BiFunction<String, Destination, StorageException> failures = (op, d) -> null;

    /**
     * Makes operations fail: the function gets the operation ("write" or "read") and the destination and
     * returns the exception to throw, or null to proceed.
     */
    public void injectFailures(BiFunction<String, Destination, StorageException> failures) {
        this.failures = Objects.requireNonNull(failures);
    }

    /** Stops injecting failures. */
    public void clearFailures() {
        this.failures = (op, d) -> null;
    }

    @Override
    public StoreResult write(Map<Destination, List<TimeSeries>> batch) {
        StoreResult result = StoreResult.written(0);
        for (Map.Entry<Destination, List<TimeSeries>> e : batch.entrySet()) {
            StorageException failure = failures.apply("write", e.getKey());
            if (failure != null) {
                result = result.plus(new StoreResult(0, 0, List.of(), List.of(failure)));
                continue;
            }
            result = result.plus(writeOne(e.getKey(), e.getValue()));
        }
        return result;
    }

    private StoreResult writeOne(Destination destination, List<TimeSeries> seriesList) {
        ConcurrentHashMap<Labels, Series> table = data.computeIfAbsent(destination, d -> new ConcurrentHashMap<>());
        long written = 0;
        long rejected = 0;
        List<String> reasons = new ArrayList<>();
        for (TimeSeries ts : seriesList) {
            Series series = table.computeIfAbsent(ts.labels(), l -> new Series());
            synchronized (series) {
                for (Sample s : ts.samples()) {
                    if (series.put(s.timestampMs(), s.value())) {
                        written++;
                    } else {
                        rejected++;
                        if (reasons.size() < 10) {
                            reasons.add("series " + ts.labels() + " already has a different value at " + s.timestampMs());
                        }
                    }
                }
            }
        }
        return new StoreResult(written, rejected, reasons, List.of());
    }

    @Override
    public void read(Destination destination, SeriesQuery query, SeriesConsumer consumer) {
        StorageException failure = failures.apply("read", destination);
        if (failure != null) {
            throw failure;
        }
        ConcurrentHashMap<Labels, Series> table = data.get(destination);
        if (table == null) {
            return;
        }
        List<Map.Entry<Labels, Series>> matching = new ArrayList<>();
        for (Map.Entry<Labels, Series> e : table.entrySet()) {
            if (query.matches(e.getKey())) {
                matching.add(e);
            }
        }
        matching.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Labels, Series> e : matching) {
            List<Sample> samples;
            synchronized (e.getValue()) {
                samples = e.getValue().range(query.startMs(), query.endMs());
            }
            if (!samples.isEmpty()) {
                consumer.accept(new TimeSeries(e.getKey(), samples));
            }
        }
    }

    /** Number of samples stored in a destination. */
    public long sampleCount(Destination destination) {
        ConcurrentHashMap<Labels, Series> table = data.get(destination);
        if (table == null) {
            return 0;
        }
        long n = 0;
        for (Series s : table.values()) {
            synchronized (s) {
                n += s.size;
            }
        }
        return n;
    }

    /**
     * The samples of one series, sorted by time, in chunks of at most {@value #CHUNK} so that a long-lived
     * series grows without copying all it holds; callers synchronize on the instance.
     */
    private static final class Series {
        private static final int CHUNK = 1024;

        private final List<Chunk> chunks = new ArrayList<>();
        private int size;

        /** Stores the sample; false when a different value is stored at that time. */
        boolean put(long t, double v) {
            if (chunks.isEmpty()) {
                chunks.add(new Chunk());
            }
            Chunk last = chunks.get(chunks.size() - 1);
            if (last.n == 0 || t > last.times[last.n - 1]) {
                if (last.n == CHUNK) {
                    last = new Chunk();
                    chunks.add(last);
                }
                last.insert(last.n, t, v);
                size++;
                return true;
            }
            int ci = chunkFor(t);
            Chunk c = chunks.get(ci);
            int i = Arrays.binarySearch(c.times, 0, c.n, t);
            if (i >= 0) {
                return Double.doubleToRawLongBits(c.values[i]) == Double.doubleToRawLongBits(v);
            }
            int at = -i - 1;
            if (c.n == CHUNK) {
                Chunk right = c.splitHalf();
                chunks.add(ci + 1, right);
                if (at > c.n) {
                    c = right;
                    at -= CHUNK / 2;
                }
            }
            c.insert(at, t, v);
            size++;
            return true;
        }

        /** Index of the first chunk whose last time is at or after {@code t}, else the last chunk. */
        private int chunkFor(long t) {
            int lo = 0;
            int hi = chunks.size() - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                Chunk c = chunks.get(mid);
                if (c.times[c.n - 1] < t) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        List<Sample> range(long start, long end) {
            List<Sample> out = new ArrayList<>();
            if (chunks.isEmpty()) {
                return out;
            }
            for (int ci = chunkFor(start); ci < chunks.size(); ci++) {
                Chunk c = chunks.get(ci);
                int from = Arrays.binarySearch(c.times, 0, c.n, start);
                from = from >= 0 ? from : -from - 1;
                for (int i = from; i < c.n; i++) {
                    if (c.times[i] > end) {
                        return out;
                    }
                    out.add(new Sample(c.times[i], c.values[i]));
                }
            }
            return out;
        }
    }

    private static final class Chunk {
        final long[] times = new long[Series.CHUNK];
        final double[] values = new double[Series.CHUNK];
        int n;

        void insert(int at, long t, double v) {
            System.arraycopy(times, at, times, at + 1, n - at);
            System.arraycopy(values, at, values, at + 1, n - at);
            times[at] = t;
            values[at] = v;
            n++;
        }

        /** Moves the upper half into a new chunk, which is returned. */
        Chunk splitHalf() {
            Chunk right = new Chunk();
            int half = n / 2;
            right.n = n - half;
            System.arraycopy(times, half, right.times, 0, right.n);
            System.arraycopy(values, half, right.values, 0, right.n);
            n = half;
            return right;
        }
    }
}
