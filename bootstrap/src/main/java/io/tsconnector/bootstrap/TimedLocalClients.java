package io.tsconnector.bootstrap;

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

    /** Only the calls the Timestream adapter makes; the rest keep the interface's "unsupported" answer. */
    private record Write(TimestreamWriteClient engine, StorageCallMetrics metrics) implements TimestreamWriteClient {
        @Override
        public WriteRecordsResponse writeRecords(WriteRecordsRequest request) {
            long start = System.nanoTime();
            try {
                return engine.writeRecords(request);
            } finally {
                metrics.called(WRITE_RECORDS, System.nanoTime() - start);
            }
        }

        @Override
        public TimestreamWriteServiceClientConfiguration serviceClientConfiguration() {
            // the writer asks for the SDK's interceptors: the engine answers as it would
            return engine.serviceClientConfiguration();
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

    private record Query(TimestreamQueryClient engine, StorageCallMetrics metrics) implements TimestreamQueryClient {
        @Override
        public QueryResponse query(QueryRequest request) {
            long start = System.nanoTime();
            try {
                return engine.query(request);
            } finally {
                metrics.called(QUERY, System.nanoTime() - start);
            }
        }

        @Override
        public TimestreamQueryServiceClientConfiguration serviceClientConfiguration() {
            return engine.serviceClientConfiguration();
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
}
