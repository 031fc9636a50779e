package io.tsconnector.adapters.timestream;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.StorageException;
import io.tsconnector.application.cache.BoundedCache;
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
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

/**
 * Adapter: stores series in Timestream with WriteRecords, one record per sample, at most 100 records per
 * call, the calls of a write running concurrently.
 *
 * <p>Records are arranged into calls by {@link CallPlanner} so that what they share goes into CommonAttributes
 * (fewer write units); the records stored are the same whatever the arrangement. With a client built by
 * {@link TimestreamClients}, each call's JSON body is written straight from the series (dimensions prepared once
 * per series and cached) and handed to the SDK through {@link PrebuiltBodyInterceptor}; with any other client
 * (the local engine) the call is given as SDK model objects.
 *
 * <p>All writes share one pool of threads ({@link Settings#concurrency()} calls in flight); a write takes
 * permits for its calls from a bound of {@link Settings#maxPendingCalls()} calls in flight or queued, and when
 * none are left it fails at once with a retry-later failure instead of queueing, so memory and latency stay
 * bounded under overload. A write with more calls than the bound runs them in waves. Requests are served in
 * arrival order. Works on any {@link TimestreamWriteClient}.
 */
public final class TimestreamSeriesWriter implements SeriesWriter, AutoCloseable {
    /** Default number of WriteRecords calls in flight across all requests. */
    public static final int DEFAULT_CONCURRENCY = 128;
    /** Timestream's limit of records per WriteRecords call. */
    public static final int MAX_RECORDS_PER_CALL = CallPlanner.MAX_RECORDS_PER_CALL;
    /** Default bound of WriteRecords calls in flight or queued: 51,200 samples, or 4 per concurrent call if more. */
    public static final int DEFAULT_MAX_PENDING_CALLS = 512;
    /** Default number of series whose prepared dimensions are kept. */
    public static final int DEFAULT_SERIES_CACHE = 100_000;
    private static final int MAX_REJECTION_MESSAGES = 10;
    private static final System.Logger LOG = System.getLogger(TimestreamSeriesWriter.class.getName());
    private static final ThreadLocal<JsonBuffer> BUFFERS = ThreadLocal.withInitial(() -> new JsonBuffer(32 * 1024));
    /** Largest body buffer a pool thread keeps for its next call; 100 ordinary records need about 20 KiB. */
    private static final int MAX_KEPT_BUFFER = 1 << 20;

    /**
     * How the writer runs.
     *
     * @param concurrency WriteRecords calls in flight at most, shared by all concurrent writes
     * @param maxPendingCalls calls in flight or waiting at most; a write finding none left fails with retry-later
     * @param seriesCacheSize series whose prepared record attributes are kept (0: none)
     * @param meter told the metered size of every call Timestream accepted
     */
    public record Settings(int concurrency, int maxPendingCalls, int seriesCacheSize, WriteMeter meter) {
        public Settings {
            if (concurrency < 1) {
                throw new IllegalArgumentException("write concurrency must be at least 1, got " + concurrency);
            }
            if (maxPendingCalls < 1) {
                throw new IllegalArgumentException("pending WriteRecords calls must be at least 1, got " + maxPendingCalls);
            }
            if (seriesCacheSize < 0) {
                throw new IllegalArgumentException("series cache size must not be negative, got " + seriesCacheSize);
            }
            if (meter == null) {
                meter = WriteMeter.NONE;
            }
        }

        /** Defaults for {@code concurrency} calls in flight. */
        public static Settings of(int concurrency) {
            return new Settings(concurrency, Math.max(DEFAULT_MAX_PENDING_CALLS, 4 * concurrency), DEFAULT_SERIES_CACHE,
                    WriteMeter.NONE);
        }

        public Settings withMeter(WriteMeter m) {
            return new Settings(concurrency, maxPendingCalls, seriesCacheSize, m);
        }
    }

    private final TimestreamWriteClient client;
    private final boolean serializedBodies;
    private final ThreadPoolExecutor pool;
    private final Semaphore pending;
    private final int maxPending;
    private final WriteMeter meter;
    private final BoundedCache<Labels, SeriesParts> seriesParts;
    private final SeriesParts.Interner interner;

    /** A writer with {@link #DEFAULT_CONCURRENCY} concurrent calls. */
    public TimestreamSeriesWriter(TimestreamWriteClient client) {
        this(client, DEFAULT_CONCURRENCY);
    }

    /** A writer with {@code concurrency} calls in flight and the other settings at their defaults. */
    public TimestreamSeriesWriter(TimestreamWriteClient client, int concurrency) {
        this(client, Settings.of(concurrency));
    }

    public TimestreamSeriesWriter(TimestreamWriteClient client, Settings settings) {
        this.client = client;
        this.serializedBodies = hasPrebuiltBodyInterceptor(client);
        this.maxPending = settings.maxPendingCalls();
        this.pending = new Semaphore(maxPending);
        this.meter = settings.meter();
        this.seriesParts = new BoundedCache<>(settings.seriesCacheSize());
        // dimension texts and metric names: fewer than series, usually far fewer
        this.interner = new SeriesParts.Interner(Math.max(1024, settings.seriesCacheSize()));
        AtomicInteger threads = new AtomicInteger();
        int concurrency = settings.concurrency();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(concurrency, concurrency, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "timestream-write-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        this.pool = executor;
    }

    /** Whether {@code client} is an SDK client carrying the interceptor that takes prepared bodies. */
    private static boolean hasPrebuiltBodyInterceptor(TimestreamWriteClient client) {
        try {
            for (ExecutionInterceptor i : client.serviceClientConfiguration().overrideConfiguration().executionInterceptors()) {
                if (i instanceof PrebuiltBodyInterceptor) {
                    return true;
                }
            }
            return false;
        } catch (UnsupportedOperationException e) {
            return false; // not an SDK client: it takes the model
        }
    }

    /** The cache of prepared series attributes, for its hit and miss counts. */
    public BoundedCache<?, ?> seriesCache() {
        return seriesParts;
    }

    @Override
    public StoreResult write(Map<Destination, List<TimeSeries>> batch) {
        List<Call> calls = new ArrayList<>();
        for (Map.Entry<Destination, List<TimeSeries>> e : batch.entrySet()) {
            for (CallPlan plan : CallPlanner.plan(e.getValue(), s -> parts(s.labels()))) {
                calls.add(new Call(e.getKey(), plan));
            }
        }
        if (calls.isEmpty()) {
            return StoreResult.written(0);
        }
        int permits = Math.min(calls.size(), maxPending);
        if (!pending.tryAcquire(permits)) {
            RetryLaterException overloaded = new RetryLaterException("the connector has " + (maxPending - pending.availablePermits())
                    + " WriteRecords calls in flight or queued (limit " + maxPending + "); retry later");
            CallResult[] results = new CallResult[calls.size()];
            for (int i = 0; i < results.length; i++) {
                results[i] = new CallResult(calls.get(i), 0, List.of(), overloaded);
            }
            return combine(calls, results);
        }
        try {
            return combine(calls, run(calls, permits));
        } finally {
            pending.release(permits);
        }
    }

    /** The record parts of a series: from the labels instance itself when this writer prepared it before. */
    private SeriesParts parts(Labels labels) {
        if (seriesParts.enabled() && labels.derived(this) instanceof SeriesParts p) {
            seriesParts.hit();
            return p;
        }
        SeriesParts p = seriesParts.get(labels, l -> new SeriesParts(l, interner));
        if (seriesParts.enabled()) {
            labels.derive(this, p);
        }
        return p;
    }

    /** Runs the calls with at most {@code window} of them submitted at a time. */
    private CallResult[] run(List<Call> calls, int window) {
        CallResult[] results = new CallResult[calls.size()];
        CompletionService<CallResult> done = new ExecutorCompletionService<>(pool);
        List<Future<CallResult>> submitted = new ArrayList<>(calls.size());
        int next = 0;
        int outstanding = 0;
        try {
            while (next < calls.size() || outstanding > 0) {
                while (next < calls.size() && outstanding < window) {
                    Call call = calls.get(next);
                    int index = next++;
                    try {
                        submitted.add(done.submit(() -> execute(call).at(index)));
                        outstanding++;
                    } catch (RejectedExecutionException e) {
                        results[index] = new CallResult(call, 0, List.of(),
                                new RetryLaterException("the Timestream writer is closed", e));
                    }
                }
                if (outstanding == 0) {
                    break;
                }
                Future<CallResult> f = done.take();
                outstanding--;
                CallResult r;
                try {
                    r = f.get();
                } catch (ExecutionException e) {
                    // execute() catches everything it can; this is an Error thrown in a worker
                    throw new IllegalStateException("WriteRecords call failed unexpectedly", e.getCause());
                }
                results[r.index] = r;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            submitted.forEach(f -> f.cancel(true));
        }
        for (int i = 0; i < results.length; i++) {
            if (results[i] == null) {
                results[i] = new CallResult(calls.get(i), 0, List.of(),
                        new RetryLaterException(calls.get(i).describe() + " was interrupted"));
            }
        }
        return results;
    }

    private CallResult execute(Call call) {
        CallPlan plan = call.plan;
        try {
            if (serializedBodies) {
                JsonBuffer body = BUFFERS.get().reset();
                plan.writeJson(call.destination, body);
                PrebuiltBodyInterceptor.Body prepared = new PrebuiltBodyInterceptor.Body(body.array(), body.length());
                try {
                    client.writeRecords(WriteRecordsRequest.builder()
                            .databaseName(call.destination.database()).tableName(call.destination.table())
                            .overrideConfiguration(o -> o.putExecutionAttribute(PrebuiltBodyInterceptor.BODY, prepared))
                            .build());
                } finally {
                    if (body.array().length > MAX_KEPT_BUFFER) {
                        // a call of huge labels: do not keep its buffer in every pool thread
                        BUFFERS.remove();
                    }
                }
            } else {
                client.writeRecords(plan.modelRequest(call.destination));
            }
            meter.accepted(call.destination, plan.size(), plan.meteredBytes, plan.writeUnits());
            return new CallResult(call, plan.size(), List.of(), null);
        } catch (RejectedRecordsException e) {
            List<String> reasons = new ArrayList<>();
            int rejected = 0;
            for (RejectedRecord r : e.rejectedRecords()) {
                Integer index = r.recordIndex();
                if (index == null || index < 0 || index >= plan.size()) {
                    continue;
                }
                rejected++;
                Sample sample = plan.sample(index);
                String reason = "Timestream rejected the sample at " + sample.timestampMs() + " of series "
                        + plan.series[index].labels() + " in " + call.destination + ": " + r.reason()
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
            return new CallResult(call, plan.size() - rejected, reasons, null, rejected);
        } catch (RuntimeException e) {
            return new CallResult(call, 0, List.of(), TimestreamErrors.translate(call.describe(), e));
        }
    }

    private static StoreResult combine(List<Call> calls, CallResult[] results) {
        long written = 0;
        long rejected = 0;
        List<String> rejections = new ArrayList<>();
        Map<String, Failures> failures = new LinkedHashMap<>();
        for (CallResult r : results) {
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
                failures.computeIfAbsent(key, k -> new Failures(r.call.destination)).add(r);
            }
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
            samples += r.call.plan.size();
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

    /** One WriteRecords call to one destination. */
    private record Call(Destination destination, CallPlan plan) {
        String describe() {
            return "WriteRecords of " + plan.size() + " records to " + destination;
        }
    }

    private record CallResult(Call call, long written, List<String> rejections, StorageException failure,
                              long rejected, int index) {
        CallResult(Call call, long written, List<String> rejections, StorageException failure) {
            this(call, written, rejections, failure, 0, -1);
        }

        CallResult(Call call, long written, List<String> rejections, StorageException failure, long rejected) {
            this(call, written, rejections, failure, rejected, -1);
        }

        CallResult at(int i) {
            return new CallResult(call, written, rejections, failure, rejected, i);
        }
    }
}
