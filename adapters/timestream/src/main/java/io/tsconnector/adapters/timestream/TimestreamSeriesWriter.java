package io.tsconnector.adapters.timestream;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.StorageException;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

/**
 * Adapter: stores series in Timestream with WriteRecords, one record per sample, at most 100 records per
 * call, the calls of a write running concurrently.
 *
 * <p>All writes share one pool of {@value #DEFAULT_CONCURRENCY} threads by default (the constructor takes
 * another bound): a 2,000-sample request (20 calls) goes out in one round trip even while two others are in
 * flight, and many concurrent requests together never hold more connections than that. The queue in front of the pool is
 * first in, first out, so requests are served in arrival order and a large one delays, but cannot starve,
 * the others. Works on any {@link TimestreamWriteClient}: the AWS SDK client, or an engine implementing
 * the interface.
 */
public final class TimestreamSeriesWriter implements SeriesWriter, AutoCloseable {
    /** Default number of WriteRecords calls in flight across all requests. */
    public static final int DEFAULT_CONCURRENCY = 64;
    /** Timestream's limit of records per WriteRecords call. */
    public static final int MAX_RECORDS_PER_CALL = 100;
    private static final int MAX_REJECTION_MESSAGES = 10;
    private static final System.Logger LOG = System.getLogger(TimestreamSeriesWriter.class.getName());

    private final TimestreamWriteClient client;
    private final ExecutorService pool;

    /** A writer with {@link #DEFAULT_CONCURRENCY} concurrent calls. */
    public TimestreamSeriesWriter(TimestreamWriteClient client) {
        this(client, DEFAULT_CONCURRENCY);
    }

    /**
     * @param concurrency WriteRecords calls in flight at most, shared by all concurrent writes (default 64)
     */
    public TimestreamSeriesWriter(TimestreamWriteClient client, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("write concurrency must be at least 1, got " + concurrency);
        }
        this.client = client;
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(concurrency, concurrency, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "timestream-write-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        this.pool = executor;
    }

    @Override
    public StoreResult write(Map<Destination, List<TimeSeries>> batch) {
        List<Call> calls = new ArrayList<>();
        for (Map.Entry<Destination, List<TimeSeries>> e : batch.entrySet()) {
            pack(e.getKey(), e.getValue(), calls);
        }
        List<Future<CallResult>> futures = new ArrayList<>(calls.size());
        for (Call call : calls) {
            try {
                futures.add(pool.submit(() -> execute(call)));
            } catch (RejectedExecutionException e) {
                futures.add(CompletableFuture.completedFuture(new CallResult(call, 0, List.of(),
                        new RetryLaterException("the Timestream writer is closed", e))));
            }
        }
        return combine(calls, futures);
    }

    /** Cuts the records of one destination into calls of at most 100, filling each across series. */
    static void pack(Destination destination, List<TimeSeries> series, List<Call> calls) {
        Call current = null;
        for (TimeSeries s : series) {
            List<Dimension> dimensions = dimensions(s.labels());
            for (int i = 0; i < s.samples().size(); i++) {
                if (current == null || current.size() == MAX_RECORDS_PER_CALL) {
                    current = new Call(destination);
                    calls.add(current);
                }
                current.add(s, dimensions, i);
            }
        }
    }

    /** Dimensions of recently written series; Prometheus sends the same series in every request. */
    private static final int DIMENSION_CACHE_ENTRIES = 100_000;
    private static final Map<Labels, List<Dimension>> DIMENSIONS = new java.util.concurrent.ConcurrentHashMap<>();

    static List<Dimension> dimensions(Labels labels) {
        List<Dimension> cached = DIMENSIONS.get(labels);
        if (cached != null) {
            return cached;
        }
        List<Dimension> built = buildDimensions(labels);
        if (DIMENSIONS.size() >= DIMENSION_CACHE_ENTRIES) {
            DIMENSIONS.clear();
        }
        DIMENSIONS.put(labels, built);
        return built;
    }

    private static List<Dimension> buildDimensions(Labels labels) {
        List<Dimension> out = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            if (!labels.name(i).equals(Labels.METRIC_NAME)) {
                // VARCHAR is the default dimension type; leaving it out makes each request a quarter smaller
                out.add(Dimension.builder().name(labels.name(i)).value(labels.value(i)).build());
            }
        }
        return List.copyOf(out);
    }

    private CallResult execute(Call call) {
        try {
            client.writeRecords(call.request());
            return new CallResult(call, call.size(), List.of(), null);
        } catch (RejectedRecordsException e) {
            List<String> reasons = new ArrayList<>();
            int rejected = 0;
            for (RejectedRecord r : e.rejectedRecords()) {
                Integer index = r.recordIndex();
                if (index == null || index < 0 || index >= call.size()) {
                    continue;
                }
                rejected++;
                Sample sample = call.series.get(index).samples().get(call.sampleIndex[index]);
                String reason = "Timestream rejected the sample at " + sample.timestampMs() + " of series "
                        + call.series.get(index).labels() + " in " + call.destination + ": " + r.reason()
                        + (r.existingVersion() != null ? " (existing version " + r.existingVersion() + ")" : "");
                if (LOG.isLoggable(Level.DEBUG)) {
                    LOG.log(Level.DEBUG, reason);
                }
                if (reasons.size() < MAX_REJECTION_MESSAGES) {
                    reasons.add(reason);
                }
            }
            if (rejected == 0) {
                // no usable index: nothing tells which records were stored, so the call must be repeated
                return new CallResult(call, 0, List.of(), TimestreamErrors.translate(call.describe(), e));
            }
            return new CallResult(call, call.size() - rejected, reasons, null, rejected);
        } catch (RuntimeException e) {
            return new CallResult(call, 0, List.of(), TimestreamErrors.translate(call.describe(), e));
        }
    }

    private static StoreResult combine(List<Call> calls, List<Future<CallResult>> futures) {
        long written = 0;
        long rejected = 0;
        List<String> rejections = new ArrayList<>();
        Map<String, Failures> failures = new LinkedHashMap<>();
        boolean interrupted = false;
        for (int i = 0; i < futures.size(); i++) {
            CallResult r;
            try {
                r = interrupted ? null : futures.get(i).get();
            } catch (InterruptedException e) {
                interrupted = true;
                r = null;
            } catch (ExecutionException e) {
                r = new CallResult(calls.get(i), 0, List.of(), TimestreamErrors.translate(calls.get(i).describe(),
                        e.getCause()));
            }
            if (r == null) {
                futures.get(i).cancel(true);
                r = new CallResult(calls.get(i), 0, List.of(),
                        new RetryLaterException(calls.get(i).describe() + " was interrupted"));
            }
            written += r.written;
            rejected += r.rejected;
            for (String reason : r.rejections) {
                if (rejections.size() < MAX_REJECTION_MESSAGES) {
                    rejections.add(reason);
                }
            }
            if (r.failure != null) {
                String key = r.call.destination + "|" + r.failure.getClass().getName() + "|"
                        + (r.failure instanceof NeverRetryException n ? n.kind() : "");
                CallResult failed = r;
                failures.computeIfAbsent(key, k -> new Failures(failed.call.destination)).add(failed);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<StorageException> out = new ArrayList<>(failures.size());
        for (Failures f : failures.values()) {
            out.add(f.summary(calls));
        }
        return new StoreResult(written, rejected, rejections, out);
    }

    /** Stops the pool after the calls in flight; later writes fail with a retry-later failure. */
    @Override
    public void close() {
        pool.shutdown();
    }

    /** Failures of one kind for one destination, reported as one exception with counts. */
    private static final class Failures {
        private final Destination destination;
        private StorageException first;
        private int calls;
        private long samples;

        Failures(Destination destination) {
            this.destination = destination;
        }

        void add(CallResult r) {
            if (first == null) {
                first = r.failure;
            }
            calls++;
            samples += r.call.size();
        }

        StorageException summary(List<Call> all) {
            if (calls == 1) {
                return first;
            }
            long total = all.stream().filter(c -> c.destination.equals(destination)).count();
            String message = calls + " of " + total + " WriteRecords calls to " + destination + " failed, "
                    + samples + " samples not written; first: " + first.getMessage();
            if (first instanceof NeverRetryException n) {
                return new NeverRetryException(n.kind(), message, first);
            }
            return new RetryLaterException(message, first);
        }
    }

    /** One WriteRecords call: the records of consecutive samples of one destination. */
    static final class Call {
        final Destination destination;
        final List<TimeSeries> series = new ArrayList<>(MAX_RECORDS_PER_CALL);
        final List<List<Dimension>> dimensions = new ArrayList<>(MAX_RECORDS_PER_CALL);
        final int[] sampleIndex = new int[MAX_RECORDS_PER_CALL];

        Call(Destination destination) {
            this.destination = destination;
        }

        int size() {
            return series.size();
        }

        void add(TimeSeries s, List<Dimension> dims, int sample) {
            sampleIndex[series.size()] = sample;
            series.add(s);
            dimensions.add(dims);
        }

        String describe() {
            return "WriteRecords of " + size() + " records to " + destination;
        }

        /** The request; attributes all records share go into CommonAttributes. */
        WriteRecordsRequest request() {
            boolean oneSeries = true;
            boolean oneMetric = true;
            TimeSeries first = series.get(0);
            String metric = first.labels().metricName();
            for (int i = 1; i < series.size(); i++) {
                TimeSeries s = series.get(i);
                if (s != first) {
                    oneSeries = false;
                    if (!Objects.equals(metric, s.labels().metricName())) {
                        oneMetric = false;
                        break;
                    }
                }
            }
            Record.Builder common = Record.builder().measureValueType(MeasureValueType.DOUBLE)
                    .timeUnit(software.amazon.awssdk.services.timestreamwrite.model.TimeUnit.MILLISECONDS);
            if (oneMetric) {
                common.measureName(metric);
            }
            if (oneSeries && !dimensions.get(0).isEmpty()) {
                common.dimensions(dimensions.get(0));
            }
            List<Record> records = new ArrayList<>(series.size());
            for (int i = 0; i < series.size(); i++) {
                Sample sample = series.get(i).samples().get(sampleIndex[i]);
                Record.Builder r = Record.builder()
                        .time(Long.toString(sample.timestampMs()))
                        // Double.toString is the shortest text that parses back to the same bits
                        .measureValue(Double.toString(sample.value()));
                if (!oneMetric) {
                    r.measureName(series.get(i).labels().metricName());
                }
                if (!oneSeries && !dimensions.get(i).isEmpty()) {
                    r.dimensions(dimensions.get(i));
                }
                records.add(r.build());
            }
            return WriteRecordsRequest.builder()
                    .databaseName(destination.database())
                    .tableName(destination.table())
                    .commonAttributes(common.build())
                    .records(records)
                    .build();
        }
    }

    private record CallResult(Call call, long written, List<String> rejections, StorageException failure,
                              long rejected) {
        CallResult(Call call, long written, List<String> rejections, StorageException failure) {
            this(call, written, rejections, failure, 0);
        }
    }
}
