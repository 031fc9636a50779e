package io.tsconnector.it.bench;

import io.prometheus.client.CollectorRegistry;
import io.tsconnector.adapters.timestream.TimestreamClients;
import io.tsconnector.adapters.timestream.TimestreamSeriesWriter;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.bootstrap.StorageCallMetrics;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

/**
 * JMH micro-benchmark of one 2,000-sample write (20 WriteRecords calls) through the real SDK client, with an
 * HTTP client that answers at once without a network, so only the connector's and the SDK's CPU is measured:
 * the writer as it is (calls laid out for CommonAttributes, bodies serialized from the series, SDK marshalling
 * skipped) against what it replaces (one SDK model record per sample with every attribute, marshalled by the
 * SDK's generic JSON marshaller; the same SDK client configuration otherwise).
 *
 * <p>Run: {@code mvn -B -pl tests-integration -am verify -Dtest=WriteCallBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WriteCallBenchmark {
    private static final Destination DEST = new Destination("benchdb", "benchtable");
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};
    private static final String[] CODES = {"200", "201", "404", "500", "503"};

    /** Request shape: series x samples per series. */
    @Param({"2000x1", "500x4"})
    public String shape;

    private TimestreamWriteClient client;
    private TimestreamSeriesWriter writer;
    /** The same with the connector's storage call metrics on the client (duration, retries, throttles). */
    private TimestreamWriteClient meteredClient;
    private TimestreamSeriesWriter meteredWriter;
    private List<TimeSeries> series;
    private List<WriteRecordsRequest> modelRequests;

    @Setup(Level.Trial)
    public void setUp() {
        client = TimestreamClients.writeBuilder("us-east-1", URI.create("http://127.0.0.1:1"), 0)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .httpClient(new AnswerAtOnce())
                .build();
        writer = new TimestreamSeriesWriter(client, 1);
        meteredClient = TimestreamClients.writeBuilder("us-east-1", URI.create("http://127.0.0.1:1"), 0,
                        List.of(new StorageCallMetrics(new CollectorRegistry())))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .httpClient(new AnswerAtOnce())
                .build();
        meteredWriter = new TimestreamSeriesWriter(meteredClient, 1);
        String[] dims = shape.split("x");
        series = series(Integer.parseInt(dims[0]), Integer.parseInt(dims[1]));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        writer.close();
        client.close();
        meteredWriter.close();
        meteredClient.close();
    }

    /** The writer: planned calls, serialized bodies. */
    @Benchmark
    public StoreResult serializedBodies() {
        return writer.write(Map.of(DEST, series));
    }

    /** The writer with the storage call metrics' interceptor: what telemetry costs per write. */
    @Benchmark
    public StoreResult serializedBodiesWithCallMetrics() {
        return meteredWriter.write(Map.of(DEST, series));
    }

    /** What it replaces: a model record per sample with every attribute, the SDK's marshaller. */
    @Benchmark
    public int sdkModelRecords() {
        int calls = 0;
        for (WriteRecordsRequest q : modelRequests()) {
            client.writeRecords(q);
            calls++;
        }
        return calls;
    }

    private List<WriteRecordsRequest> modelRequests() {
        List<WriteRecordsRequest> out = new ArrayList<>();
        List<Record> records = new ArrayList<>(100);
        for (TimeSeries s : series) {
            List<Dimension> dims = new ArrayList<>();
            for (int i = 0; i < s.labels().size(); i++) {
                if (!s.labels().name(i).equals(Labels.METRIC_NAME)) {
                    dims.add(Dimension.builder().name(s.labels().name(i)).value(s.labels().value(i)).build());
                }
            }
            for (Sample x : s.samples()) {
                records.add(Record.builder().dimensions(dims).measureName(s.labels().metricName())
                        .time(Long.toString(x.timestampMs())).measureValue(Double.toString(x.value())).build());
                if (records.size() == 100) {
                    out.add(request(records));
                    records = new ArrayList<>(100);
                }
            }
        }
        if (!records.isEmpty()) {
            out.add(request(records));
        }
        return out;
    }

    private static WriteRecordsRequest request(List<Record> records) {
        return WriteRecordsRequest.builder().databaseName(DEST.database()).tableName(DEST.table())
                .commonAttributes(Record.builder().measureValueType(MeasureValueType.DOUBLE)
                        .timeUnit(software.amazon.awssdk.services.timestreamwrite.model.TimeUnit.MILLISECONDS).build())
                .records(records).build();
    }

    static List<TimeSeries> series(int count, int samplesPerSeries) {
        List<TimeSeries> out = new ArrayList<>(count);
        long t0 = 1_795_595_300_000L;
        for (int s = 0; s < count; s++) {
            List<Sample> samples = new ArrayList<>(samplesPerSeries);
            for (int i = 0; i < samplesPerSeries; i++) {
                samples.add(new Sample(t0 + i * 15_000L, t0 / 1000.0 * 0.37 + s * 11 + i * 0.25));
            }
            out.add(new TimeSeries(Labels.of("__name__", "http_requests_total", "code", CODES[s % CODES.length],
                    "handler", "/api/v1/resource" + s / 20, "instance", "10.0.0.17:9100", "job", "api-server",
                    "method", METHODS[(s / CODES.length) % METHODS.length], "region", "eu-west-1"), samples));
        }
        return out;
    }

    /** An HTTP client that reads the request body and answers 200 at once. */
    static final class AnswerAtOnce implements SdkHttpClient {
        private static final byte[] OK = "{\"RecordsIngested\":{\"Total\":100}}".getBytes(StandardCharsets.UTF_8);

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    if (request.contentStreamProvider().isPresent()) {
                        try (InputStream in = request.contentStreamProvider().get().newStream()) {
                            in.transferTo(java.io.OutputStream.nullOutputStream());
                        }
                    }
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(200)
                                    .putHeader("Content-Type", "application/x-amz-json-1.0")
                                    .putHeader("Content-Length", Integer.toString(OK.length)).build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(OK)))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    }

    /**
     * Entry point for surefire: {@code -Dtest=WriteCallBenchmark}; {@code -Dbench.filter=serializedBodies} runs one
     * method, {@code -Dbench.jvmArgs="..."} adds options to the forked JVM (a profiler agent, say).
     */
    @Test
    void run() throws Exception {
        OptionsBuilder o = new OptionsBuilder();
        o.include(WriteCallBenchmark.class.getName() + "." + System.getProperty("bench.filter", ""));
        String jvmArgs = System.getProperty("bench.jvmArgs", "");
        if (!jvmArgs.isBlank()) {
            o.jvmArgsAppend(jvmArgs.trim().split("\\s+"));
        }
        new Runner(o.build()).run();
    }
}
