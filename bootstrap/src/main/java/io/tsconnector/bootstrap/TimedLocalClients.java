package io.tsconnector.bootstrap;

import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryServiceClientConfiguration;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteServiceClientConfiguration;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsResponse;

/**
 * Adapter: the local engine's Timestream clients, timed into the storage call metrics under the SDK's operation
 * names ({@code WriteRecords}, {@code Query}), so a dashboard built for Timestream shows local mode alike. The
 * engine runs in-process: its calls are neither retried nor throttled.
 */
final class TimedLocalClients {
    static final String WRITE_RECORDS = "WriteRecords";
    static final String QUERY = "Query";

    private TimedLocalClients() {
    }

    static TimestreamWriteClient write(TimestreamWriteClient engine, StorageCallMetrics metrics) {
        return new Write(engine, metrics);
    }

    static TimestreamQueryClient query(TimestreamQueryClient engine, StorageCallMetrics metrics) {
        return new Query(engine, metrics);
    }

    /** One call, timed whether it answers or throws, as the SDK interceptor times a failed execution too. */
    private static <T> T timed(StorageCallMetrics metrics, String operation, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            metrics.called(operation, System.nanoTime() - start);
        }
    }

    /** What both clients share: the engine's client they time, its service name and its closing. */
    private abstract static class Timed<C extends SdkClient> implements SdkClient {
        final C engine;
        final StorageCallMetrics metrics;

        Timed(C engine, StorageCallMetrics metrics) {
            this.engine = engine;
            this.metrics = metrics;
        }

        @Override
        public String serviceName() {
            return engine.serviceName();
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    /** Only the calls the Timestream adapter makes; the rest keep the interface's "unsupported" answer. */
    private static final class Write extends Timed<TimestreamWriteClient> implements TimestreamWriteClient {
        Write(TimestreamWriteClient engine, StorageCallMetrics metrics) {
            super(engine, metrics);
        }

        @Override
        public WriteRecordsResponse writeRecords(WriteRecordsRequest request) {
            return timed(metrics, WRITE_RECORDS, () -> engine.writeRecords(request));
        }

        @Override
        public TimestreamWriteServiceClientConfiguration serviceClientConfiguration() {
            // the writer asks for the SDK's interceptors: the engine answers as it would
            return engine.serviceClientConfiguration();
        }
    }

    private static final class Query extends Timed<TimestreamQueryClient> implements TimestreamQueryClient {
        Query(TimestreamQueryClient engine, StorageCallMetrics metrics) {
            super(engine, metrics);
        }

        @Override
        public QueryResponse query(QueryRequest request) {
            return timed(metrics, QUERY, () -> engine.query(request));
        }

        @Override
        public TimestreamQueryServiceClientConfiguration serviceClientConfiguration() {
            return engine.serviceClientConfiguration();
        }
    }
}
