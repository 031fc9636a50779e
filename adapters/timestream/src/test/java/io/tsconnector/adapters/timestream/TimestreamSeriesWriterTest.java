package io.tsconnector.adapters.timestream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.StorageException;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.AccessDeniedException;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.InternalServerException;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException;
import software.amazon.awssdk.services.timestreamwrite.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.timestreamwrite.model.ThrottlingException;
import software.amazon.awssdk.services.timestreamwrite.model.ValidationException;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsResponse;

class TimestreamSeriesWriterTest {
    private static final Destination DEST = new Destination("db", "tbl");
    private final List<WriteRecordsRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private TimestreamSeriesWriter writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    /** A writer on a client that records each request and answers with the function (null = success). */
    private TimestreamSeriesWriter writer(Function<WriteRecordsRequest, RuntimeException> answer) {
        writer = new TimestreamSeriesWriter(client(answer), 16);
        return writer;
    }

    /** A client that records each request and answers with the function (null = success). */
    private TimestreamWriteClient client(Function<WriteRecordsRequest, RuntimeException> answer) {
        return new TimestreamWriteClient() {
            @Override
            public WriteRecordsResponse writeRecords(WriteRecordsRequest request) {
                requests.add(request);
                RuntimeException e = answer.apply(request);
                if (e != null) {
                    throw e;
                }
                return WriteRecordsResponse.builder().build();
            }

            @Override
            public String serviceName() {
                return "timestream";
            }

            @Override
            public void close() {
            }
        };
    }

    private static TimeSeries series(Labels labels, long start, int count) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(new Sample(start + i, i));
        }
        return new TimeSeries(labels, samples);
    }

    @Test
    void oneSeriesSharesDimensionsAndMeasureNameInCommonAttributes() {
        double[] values = {1e-9, 1e300, -0.0, Double.MIN_VALUE, 9_007_199_254_740_993.0, 0.1 + 0.2};
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            samples.add(new Sample(1_700_000_000_000L + i, values[i]));
        }
        Labels labels = Labels.of("__name__", "up", "job", "api", "instance", "a:1");
        StoreResult r = writer(q -> null).write(Map.of(DEST, List.of(new TimeSeries(labels, samples))));
        assertEquals(values.length, r.written());
        assertEquals(1, requests.size());
        WriteRecordsRequest q = requests.get(0);
        assertEquals("db", q.databaseName());
        assertEquals("tbl", q.tableName());
        Record common = q.commonAttributes();
        assertEquals("up", common.measureName());
        assertEquals(MeasureValueType.DOUBLE, common.measureValueType());
        assertEquals(software.amazon.awssdk.services.timestreamwrite.model.TimeUnit.MILLISECONDS, common.timeUnit());
        assertEquals(List.of("instance=a:1", "job=api"), common.dimensions().stream()
                .map(d -> d.name() + "=" + d.value()).toList());
        assertEquals(null, common.dimensions().get(0).dimensionValueType(), "VARCHAR, Timestream's default, is left out");
        for (int i = 0; i < values.length; i++) {
            Record rec = q.records().get(i);
            assertFalse(rec.hasDimensions());
            assertNull(rec.measureName());
            assertEquals(Long.toString(1_700_000_000_000L + i), rec.time());
            assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(Double.parseDouble(rec.measureValue())),
                    "value " + values[i] + " sent as " + rec.measureValue());
        }
    }

    /** The records of a request as Timestream stores them: CommonAttributes merged into each. */
    static List<String> merged(WriteRecordsRequest q) {
        Record common = q.commonAttributes() == null ? Record.builder().build() : q.commonAttributes();
        List<String> out = new ArrayList<>();
        for (Record r : q.records()) {
            java.util.TreeMap<String, String> dims = new java.util.TreeMap<>();
            common.dimensions().forEach(d -> dims.put(d.name(), d.value()));
            r.dimensions().forEach(d -> assertNull(dims.put(d.name(), d.value()), "dimension " + d.name() + " given twice"));
            out.add((r.measureName() != null ? r.measureName() : common.measureName()) + dims + "@"
                    + (r.time() != null ? r.time() : common.time()) + "=" + r.measureValue());
        }
        return out;
    }

    private List<String> allMerged() {
        List<String> out = new ArrayList<>();
        synchronized (requests) {
            requests.forEach(q -> out.addAll(merged(q)));
        }
        Collections.sort(out);
        return out;
    }

    @Test
    void seriesSharingACallCarryTheirOwnDimensions() {
        writer(q -> null).write(Map.of(DEST, List.of(
                series(Labels.of("__name__", "m", "a", "1"), 0, 2),
                series(Labels.of("__name__", "m", "a", "2"), 0, 2),
                series(Labels.of("__name__", "other"), 0, 1))));
        assertEquals(1, requests.size());
        WriteRecordsRequest q = requests.get(0);
        assertFalse(q.commonAttributes().hasDimensions());
        assertNull(q.commonAttributes().measureName());
        assertEquals(List.of("m{a=1}@0=0.0", "m{a=1}@1=1.0", "m{a=2}@0=0.0", "m{a=2}@1=1.0", "other{}@0=0.0"), allMerged());
        assertTrue(q.records().stream().filter(r -> "other".equals(r.measureName())).noneMatch(Record::hasDimensions));
    }

    @Test
    void recordsOfOneScrapeShareTimeTargetAndMetricInCommonAttributes() {
        List<TimeSeries> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            batch.add(new TimeSeries(Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(i / 8),
                    "instance", "host:9100", "job", "node", "mode", "m" + i % 8), List.of(new Sample(1_700_000_000_000L, i))));
        }
        StoreResult r = writer(q -> null).write(Map.of(DEST, batch));
        assertEquals(300, r.written());
        for (WriteRecordsRequest q : requests) {
            assertTrue(q.records().size() <= 100);
            assertEquals("1700000000000", q.commonAttributes().time());
            assertEquals("node_cpu_seconds_total", q.commonAttributes().measureName());
            assertEquals(List.of("instance", "job"), q.commonAttributes().dimensions().stream().map(Dimension::name).toList());
            assertTrue(q.records().stream().allMatch(rec -> rec.time() == null && rec.measureName() == null
                    && rec.dimensions().size() == 2));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            java.util.TreeMap<String, String> dims = new java.util.TreeMap<>(Map.of("cpu", Integer.toString(i / 8),
                    "instance", "host:9100", "job", "node", "mode", "m" + i % 8));
            expected.add("node_cpu_seconds_total" + dims + "@1700000000000=" + (double) i);
        }
        Collections.sort(expected);
        assertEquals(expected, allMerged(), "the same records are stored whatever goes into CommonAttributes");
    }

    @Test
    void twoThousandSamplesGoOutInConcurrentCallsOfAtMostAHundredRecords() {
        CountDownLatch inFlight = new CountDownLatch(4);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        List<TimeSeries> batch = new ArrayList<>();
        int[] sizes = {1, 99, 150, 250, 500, 1000};
        for (int i = 0; i < sizes.length; i++) {
            batch.add(series(Labels.of("__name__", "m", "s", "s" + i), 0, sizes[i]));
        }
        StoreResult r = writer(q -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            inFlight.countDown();
            try {
                // each call waits until four are in flight at once, which sequential calls never reach
                assertTrue(inFlight.await(10, TimeUnit.SECONDS), "calls are not concurrent");
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                concurrent.decrementAndGet();
            }
            return null;
        }).write(Map.of(DEST, batch));
        assertEquals(2000, r.written());
        assertTrue(r.failures().isEmpty(), r.failures().toString());
        assertTrue(requests.stream().allMatch(q -> q.records().size() <= 100));
        assertEquals(2000, allMerged().size());
        assertEquals(2000, new java.util.HashSet<>(allMerged()).size(), "every sample is sent exactly once");
        assertTrue(maxConcurrent.get() >= 4, "max concurrent calls " + maxConcurrent.get());
    }

    @Test
    void aWriteFindingNoRoomIsRefusedAtOnce() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        writer = new TimestreamSeriesWriter(blockingClient(entered, release),
                new TimestreamSeriesWriter.Settings(1, 2, 100, WriteMeter.NONE));
        List<TimeSeries> twoCalls = List.of(series(Labels.of("__name__", "m", "s", "a"), 0, 1),
                series(Labels.of("__name__", "m", "s", "b"), 5_000_000_000_000L, 150));
        Thread first = new Thread(() -> writer.write(Map.of(DEST, twoCalls)));
        first.start();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        StoreResult refused = writer.write(Map.of(DEST, List.of(series(Labels.of("__name__", "m"), 0, 1))));
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        release.countDown();
        first.join(10_000);
        assertEquals(0, refused.written());
        assertTrue(refused.failures().get(0).isRetryable());
        assertTrue(refused.failures().get(0).getMessage().contains("in flight or queued (limit 2)"),
                refused.failures().get(0).getMessage());
        assertTrue(waitedMs < 5_000, "refused without waiting for the calls in flight, took " + waitedMs + " ms");
    }

    @Test
    void aWriteWithMoreCallsThanTheBoundRunsInWaves() {
        writer = new TimestreamSeriesWriter(blockingClient(new CountDownLatch(0), new CountDownLatch(0)),
                new TimestreamSeriesWriter.Settings(2, 3, 100, WriteMeter.NONE));
        List<TimeSeries> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(series(Labels.of("__name__", "m" + i, "s", "x"), i, 1));
        }
        StoreResult r = writer.write(Map.of(DEST, batch));
        assertEquals(1000, r.written());
        assertTrue(r.failures().isEmpty(), r.failures().toString());
        assertTrue(requests.size() >= 10);
    }

    @Test
    void theMeterSeesEveryAcceptedCallAtTimestreamsRate() {
        List<long[]> metered = Collections.synchronizedList(new ArrayList<>());
        writer = new TimestreamSeriesWriter(blockingClient(new CountDownLatch(0), new CountDownLatch(0)),
                new TimestreamSeriesWriter.Settings(4, 16, 100, (d, records, bytes, units) -> metered.add(new long[] {records, bytes, units})));
        // one record: 8 B time + "job"+"api" 6 B + "up" 2 B + 8 B value = 24 B, one unit
        writer.write(Map.of(DEST, List.of(series(Labels.of("__name__", "up", "job", "api"), 0, 1))));
        assertEquals(1, metered.size());
        assertEquals(List.of(1L, 24L, 1L), java.util.Arrays.stream(metered.get(0)).boxed().toList());
        // two records of one series at different times: dimensions and name once (8 B), time and value each (2 x 16 B)
        metered.clear();
        writer.write(Map.of(DEST, List.of(series(Labels.of("__name__", "up", "job", "api"), 0, 2))));
        assertEquals(List.of(2L, 40L, 1L), java.util.Arrays.stream(metered.get(0)).boxed().toList());
    }

    /** A client that records each request, then waits for {@code release}. */
    private TimestreamWriteClient blockingClient(CountDownLatch entered, CountDownLatch release) {
        return client(request -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(ValidationException.builder().message("bad record").requestId("req-1").build(),
                        NeverRetryException.Kind.INVALID),
                Arguments.of(ResourceNotFoundException.builder().message("The table tbl does not exist").requestId("req-1").build(),
                        NeverRetryException.Kind.NOT_FOUND),
                Arguments.of(AccessDeniedException.builder().message("no").requestId("req-1").build(),
                        NeverRetryException.Kind.ACCESS_DENIED),
                Arguments.of(ThrottlingException.builder().message("slow down").requestId("req-1").build(), null),
                Arguments.of(InternalServerException.builder().message("oops").requestId("req-1").build(), null),
                Arguments.of(ServiceQuotaExceededException.builder().message("quota").requestId("req-1").build(), null),
                Arguments.of(AwsServiceException.builder().message("bad gateway").statusCode(502).requestId("req-1").build(), null),
                Arguments.of(SdkClientException.create("Connection reset"), null),
                Arguments.of(ApiCallTimeoutException.create(25_000), null),
                Arguments.of(new IllegalStateException("surprise"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void errorsBecomeFailuresOfTheRightKind(RuntimeException error, NeverRetryException.Kind kind) {
        StoreResult r = writer(q -> error).write(Map.of(DEST, List.of(series(Labels.of("__name__", "m"), 0, 250))));
        assertEquals(0, r.written());
        assertEquals(1, r.failures().size(), "failures of one kind are reported once");
        StorageException f = r.failures().get(0);
        if (kind == null) {
            assertInstanceOf(RetryLaterException.class, f);
        } else {
            assertEquals(kind, assertInstanceOf(NeverRetryException.class, f).kind());
        }
        assertTrue(f.getMessage().matches("(?s)(\\d+) of \\1 WriteRecords calls to db\\.tbl failed, 250 samples.*"), f.getMessage());
        if (error instanceof AwsServiceException) {
            assertTrue(f.getMessage().contains("req-1"), f.getMessage());
        }
        Throwable cause = f;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertEquals(error, cause);
    }

    @Test
    void rejectedRecordsMapBackToTheirSamples() {
        Labels a = Labels.of("__name__", "m", "s", "a");
        Labels b = Labels.of("__name__", "m", "s", "b");
        StoreResult r = writer(q -> RejectedRecordsException.builder().message("rejected")
                .rejectedRecords(RejectedRecord.builder().recordIndex(4).reason("duplicate with another value").existingVersion(1L).build())
                .build())
                .write(Map.of(DEST, List.of(series(a, 10, 3), series(b, 20, 3))));
        assertEquals(5, r.written());
        assertEquals(1, r.rejected());
        assertTrue(r.failures().isEmpty());
        String reason = r.rejections().get(0);
        assertTrue(reason.contains("at 21 of series " + b) && reason.contains("duplicate with another value"), reason);
    }

    @Test
    void oneFailedCallAmongManyLosesOnlyItsRecords() {
        StoreResult r = writer(q -> merged(q).stream().anyMatch(rec -> rec.contains("@100="))
                ? ThrottlingException.builder().message("slow down").build() : null)
                .write(Map.of(DEST, List.of(series(Labels.of("__name__", "m"), 0, 350))));
        int failedCall = requests.stream().filter(q -> merged(q).stream().anyMatch(rec -> rec.contains("@100=")))
                .findFirst().orElseThrow().records().size();
        assertTrue(requests.size() > 1);
        assertEquals(350 - failedCall, r.written());
        assertEquals(1, r.failures().size());
        assertTrue(r.failures().get(0).isRetryable());
        assertTrue(r.failures().get(0).getMessage().contains("WriteRecords of " + failedCall + " records to db.tbl"),
                r.failures().get(0).getMessage());
    }

    @Test
    void destinationsAreWrittenSeparately() {
        Destination other = new Destination("db2", "t2");
        StoreResult r = writer(q -> q.databaseName().equals("db2")
                ? ResourceNotFoundException.builder().message("The database db2 does not exist").build() : null)
                .write(Map.of(DEST, List.of(series(Labels.of("__name__", "m"), 0, 10)),
                        other, List.of(series(Labels.of("__name__", "m"), 0, 10))));
        assertEquals(10, r.written());
        assertEquals(NeverRetryException.Kind.NOT_FOUND, ((NeverRetryException) r.failures().get(0)).kind());
    }

    @Test
    void closedWriterReportsRetryableFailure() {
        TimestreamSeriesWriter w = writer(q -> null);
        w.close();
        StoreResult r = w.write(Map.of(DEST, List.of(series(Labels.of("__name__", "m"), 0, 1))));
        assertTrue(r.failures().get(0).isRetryable());
    }
}
